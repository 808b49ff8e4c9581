"""Convolution benchmarks: a CNN training step against PyTorch, and Conv2d against
the same im2col math written by hand in NumPy.

    python benchmarks/cnn.py [--rounds N] [--clock cpu|wall] [--quick]

(a) A CNN step on the 8x8 digits, batch 64: Conv2d(1, 16, 3, padding=1), ReLU,
Conv2d(16, 32, 3, padding=1), ReLU, MaxPool2d(2), Flatten, Linear(512, 10),
cross-entropy, SGD(lr=0.05, momentum=0.9); one step is zero_grad, forward,
loss, backward and the optimizer step, as a user writes it. PyTorch runs the
same step on the CPU (eager, one thread). Target: at most 2x PyTorch's time.

(b) Conv2d(16, 32, 3, padding=1) forward and backward on (64, 16, 8, 8):
`layer(x)` then `y.backward(g)`, against the same computation by hand in
NumPy (pad, im2col by `sliding_window_view`, one matmul; the backward as two
matmuls and col2im by a loop over the 3x3 kernel offsets; the same layouts as
the library's op, so the ratio is what the graph costs). Target: at most
1.5x the hand-written time.

Everything is float32 with BLAS pinned to one thread. Each contender is first
checked against the others (same weights and batch, same results to float32
tolerance); then blocks of steps (>= 50 ms each) are timed by process CPU
time, the contenders interleaved round by round, and the table shows per-step
medians and the ratio.
"""
from __future__ import annotations

from one_thread import torch_or_none  # first: one BLAS thread before NumPy loads

import argparse
import gc
import statistics
import time
from typing import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import nn
import optim
from autograd_core import Value
from nn import functional as F

torch = torch_or_none()

F32 = np.float32


# ------------------------------------------------------------ (a) CNN step
def batch() -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.datasets.digits()
    return X[:64].reshape(64, 1, 8, 8).astype(F32), y[:64]


def build_ours(X: np.ndarray, y: np.ndarray) -> tuple[Callable, nn.Module]:
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, rng=0, dtype=F32), nn.ReLU(),
                          nn.Conv2d(16, 32, 3, padding=1, rng=1, dtype=F32), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(512, 10, rng=2, dtype=F32))
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step() -> float:
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step, model


def build_torch(X: np.ndarray, y: np.ndarray, ours: nn.Module) -> Callable:
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(512, 10))
    with torch.no_grad():  # the same weights (our Linear keeps (in, out))
        for (name, p), (_, q) in zip(model.named_parameters(), ours.named_parameters()):
            p.copy_(torch.from_numpy(q.data.T.copy() if name == "6.weight" else q.data))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step() -> float:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(Xt), yt)
        loss.backward()
        opt.step()
        return loss.item()
    return step


# ------------------------------------------------------- (b) Conv2d alone
def conv_by_hand(x: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray) -> tuple:
    """Conv2d(padding=1, stride=1) forward and backward, im2col by hand: the same
    layouts and products as the library's op, without the graph around them."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # (N, C, H, W, kh, kw)
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * h * wd)  # the one copy
    w2 = w.reshape(o, -1)
    y = (w2 @ cols).reshape(o, n, h, wd).transpose(1, 0, 2, 3) + b.reshape(-1, 1, 1)
    g2 = g.transpose(1, 0, 2, 3).reshape(o, n * h * wd)
    gw = (cols @ g2.T).T.reshape(w.shape)
    gb = g.sum(axis=(0, 2, 3))
    gcols = (w2.T @ g2).reshape(c, kh, kw, n, h, wd)
    gxp = np.zeros_like(xp)
    for i in range(kh):
        for j in range(kw):
            gxp[:, :, i:i + h, j:j + wd] += gcols[:, i, j].transpose(1, 0, 2, 3)
    return y, gxp[:, :, 1:-1, 1:-1], gw, gb


def conv_contenders() -> tuple[dict, Callable]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 16, 8, 8)).astype(F32)
    g = rng.standard_normal((64, 32, 8, 8)).astype(F32)
    layer = nn.Conv2d(16, 32, 3, padding=1, rng=0, dtype=F32)
    w, b = layer.weight.data, layer.bias.data

    def ours() -> tuple:
        layer.zero_grad()
        xv = Value(x)
        y = layer(xv)
        y.backward(g)
        return y.data, xv.grad, layer.weight.grad, layer.bias.grad

    def by_hand() -> tuple:
        return conv_by_hand(x, w, b, g)
    return {"NumPy im2col by hand": by_hand, "autograd-core Conv2d": ours}, by_hand


# ---------------------------------------------------------------- timing
def block_size(step: Callable, min_block: float, clock: Callable[[], float]) -> int:
    k = 1
    while True:
        t0 = clock()
        for _ in range(k):
            step()
        if clock() - t0 >= min_block:
            return k
        k *= 2


def interleaved(contenders: dict, rounds: int, min_block: float, clock: Callable) -> dict:
    """Median seconds per step of each contender, blocks timed in rotating order."""
    sizes = {name: block_size(step, min_block, clock) for name, step in contenders.items()}
    times: dict = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            step, k = contenders[name], sizes[name]
            t0 = clock()
            for _ in range(k):
                step()
            times[name].append((clock() - t0) / k)
    return {name: statistics.median(ts) for name, ts in times.items()}


def table(title: str, res: dict, base: str, target: float) -> None:
    print(title)
    for name, t in res.items():
        ratio = t / res[base]
        extra = ""
        if name != base:
            extra = f"  target <= {target:.2f}x  {'PASS' if ratio <= target else 'MISS'}"
        print(f"  {name:<24} {t * 1e6:9.1f} µs/step  {ratio:5.2f}x{extra}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    ap.add_argument("--quick", action="store_true", help="3 rounds of 20 ms blocks")
    args = ap.parse_args()
    rounds, min_block = (3, 0.02) if args.quick else (args.rounds, 0.05)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}; "
          f"float32, one thread, {args.clock} time, median of {rounds} rounds")

    conv, by_hand = conv_contenders()
    mine, ref = conv["autograd-core Conv2d"](), by_hand()
    for a, b_ in zip(mine, ref):
        np.testing.assert_allclose(a, b_, rtol=1e-4, atol=1e-4)
    print("check: Conv2d output and gradients equal the hand-written ones")
    gc.collect()
    gc.freeze()
    res = interleaved(conv, rounds, min_block, clock)
    table("(b) Conv2d(16, 32, 3, padding=1) forward + backward, input (64, 16, 8, 8)",
          res, "NumPy im2col by hand", 1.5)

    if torch is None:
        print("(a) skipped: PyTorch is not installed")
        return
    X, y = batch()
    ours, model = build_ours(X, y)
    theirs = build_torch(X, y, model)
    losses = [(ours(), theirs()) for _ in range(3)]
    for a, b_ in losses:
        assert abs(a - b_) < 1e-4 * max(1.0, abs(b_)), losses
    print(f"check: the first 3 losses agree with PyTorch's ({losses[-1][0]:.5f})")
    res = interleaved({"torch (eager, 1 thread)": theirs, "autograd-core": ours}, rounds,
                      min_block, clock)
    table("(a) CNN step: conv 16, conv 32, max pool, linear; batch 64 of 8x8 digits, SGD",
          res, "torch (eager, 1 thread)", 2.0)


if __name__ == "__main__":
    main()
