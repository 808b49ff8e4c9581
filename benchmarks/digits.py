"""Digits with an MLP 64-64-10 and Adam: held-out accuracy per epoch and the time it takes.

    python benchmarks/digits.py [--epochs N] [--seed S]
"""
from __future__ import annotations

import argparse
import time

import nn
import optim


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    X, y = nn.datasets.digits()
    (Xt, yt), (Xv, yv) = nn.train_val_split(X, y, 0.2, rng=args.seed)
    model = nn.MLP(64, [64, 10], rng=args.seed)
    start = time.perf_counter()
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.01),
                     Xt, yt, epochs=args.epochs, batch_size=64, validation=(Xv, yv),
                     progress=False, rng=args.seed)
    seconds = time.perf_counter() - start
    print(f"digits: {len(Xt)} training rows, {len(Xv)} held out; MLP 64-64-10, Adam(lr=0.01), batch 64")
    for epoch, acc in enumerate(history.val_accuracy, 1):
        print(f"  epoch {epoch:3d}  held-out accuracy {acc:.4f}")
    reached = next((i + 1 for i, a in enumerate(history.val_accuracy) if a >= 0.95), None)
    print(f"held-out accuracy >= 0.95 first at epoch {reached}; "
          f"final {history.val_accuracy[-1]:.4f}; fit took {seconds:.2f} s")


if __name__ == "__main__":
    main()
