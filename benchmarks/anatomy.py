"""Where a training step's time goes: the engine's own work against the ops' NumPy work.

    python benchmarks/anatomy.py [--quick] [--rounds N] [--only xor,mlp64,mlp784,tanh16]

The steps are those of training.py, written as a user writes them with nn,
nn.functional and optim. Each step is timed whole, and inside it each of its
parts (zero_grad, forward and loss; backward(); the optimizer's step) by the
wall clock; the step's time is shared among its parts as its wall time is.
Beside them, the ops alone: the graph one step records is replayed, each op's
forward called on the arrays the replay made before it, then each VJP, newest
node first, its gradient summed to its input's shape as the walk sums it. No
Value, module or node is made and nothing is checked: what is left is the
NumPy the ops call. Before timing, the replay's loss and gradients must equal
the step's to the bit, or the script stops.

So `step - (ops' forwards + ops' VJPs + optimizer step)` is what the engine
adds (making Values and nodes, calling modules, the walk's bookkeeping), and
`ops + optimizer step - floor` what the ops' NumPy calls and the optimizer
cost beyond the floor's hand-derived step (training_floor.py), which a faster
engine cannot remove. Timing as in training.py: process CPU time, one BLAS
thread, the GC on, the contenders interleaved round by round in rotating
order, medians of blocks.
"""
from __future__ import annotations

from one_thread import torch_or_none  # noqa: F401 (first: one BLAS thread before NumPy loads)

import argparse
import gc
import time
from typing import Any, Callable

import numpy as np

from autograd_core.backward import walk
from replay import Replay
from training import (CONFIGS, FLOOR, OURS, Contender, build_floor, interleaved, make_batch,
                      make_ours, ours_contender)


class SplitStep:
    """Our step as training.py writes it, each part timed inside it by the wall clock
    (`perf_counter`, 97 ns a reading: timeit): the totals per part."""

    PARTS = ("zero_grad, forward and loss", "backward()", "optimizer step")

    def __init__(self, model: Any, opt: Any, loss_fn: Callable, X: Any, T: Any) -> None:
        self.model, self.opt, self.loss_fn, self.X, self.T = model, opt, loss_fn, X, T
        self.totals = dict.fromkeys(self.PARTS, 0.0)
        self.steps = 0

    def __call__(self) -> Any:
        clock, totals = time.perf_counter, self.totals
        t0 = clock()
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.X), self.T)
        t1 = clock()
        loss.backward()
        t2 = clock()
        self.opt.step()
        t3 = clock()
        totals["zero_grad, forward and loss"] += t1 - t0
        totals["backward()"] += t2 - t1
        totals["optimizer step"] += t3 - t2
        self.steps += 1
        return loss

    def means(self) -> dict[str, float]:
        """Seconds per step of each part, over every step taken."""
        return {name: total / self.steps for name, total in self.totals.items()}


def parts(name: str) -> tuple[dict[str, Contender], SplitStep, list, str]:
    """The contenders of one configuration (the floor, our step timed in parts, the
    replayed ops, checked against the step first), the split step, the weights to
    start from, and what the check found."""
    cfg = CONFIGS[name]
    X, T = make_batch(name, cfg)
    model, opt, loss_fn = make_ours(name, cfg)
    ours = ours_contender(model, opt, loss_fn, X, T)  # its weights; its step is split's
    ws = [w.copy() for w in ours.get()]
    loss = loss_fn(model(X), T)
    replay = Replay(loss)
    got_loss, got = replay.forward(), replay.vjps()
    want = walk(loss, loss._data.dtype.type(1), create_graph=False, store=False,
                targets=replay.leaves)
    if not np.array_equal(got_loss, loss._data) or any(
            not np.array_equal(g, want[p]) for g, p in zip(got, replay.leaves)):
        raise SystemExit(f"{name}: the replayed ops do not give the step's loss and gradients")
    check = f"the replayed ops give the step's loss and {len(got)} gradients to the bit"
    split = SplitStep(model, opt, loss_fn, X, T)
    return {
        FLOOR: build_floor(name, cfg, ws, X, T),
        OURS: Contender(split, ours.get, ours.put),
        "the ops alone: forwards": Contender(replay.forward, ours.get, ours.put),
        "the ops alone: VJPs": Contender(replay.vjps, ours.get, ours.put),
    }, split, ws, check


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="few short rounds (a smoke run)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds (default 9, quick 2)")
    ap.add_argument("--only", default=",".join(CONFIGS),
                    help=f"comma-separated subset of {', '.join(CONFIGS)}")
    args = ap.parse_args()
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    if not only or any(n not in CONFIGS for n in only):
        ap.error(f"--only: choose from {', '.join(CONFIGS)}")
    rounds = args.rounds or (2 if args.quick else 9)
    min_block = 0.01 if args.quick else 0.05
    print(f"per-step medians of {rounds} interleaved rounds of >= {min_block * 1e3:.0f} ms "
          "blocks, process CPU time, one BLAS thread, GC on")
    for name in only:
        print(f"\n[{name}] {CONFIGS[name].title}")
        contenders, split, ws, check = parts(name)
        print(f"  check: {check}")
        gc.collect()
        gc.freeze()
        res = {n: med for n, (med, _) in
               interleaved(contenders, ws, rounds, min_block, time.process_time).items()}
        floor, step = res[FLOOR], res[OURS]
        row = "  {:<30} {:10.1f} µs   x{:5.2f} the floor"
        for n in (FLOOR, OURS):
            print(row.format(n, res[n] * 1e6, res[n] / floor))
        means = split.means()
        wall = sum(means.values())
        for n, sec in means.items():  # the step's CPU time shared as its wall time is
            print(row.format("  " + n, sec / wall * step * 1e6, sec / wall * step / floor))
        for n in ("the ops alone: forwards", "the ops alone: VJPs"):
            print(row.format(n, res[n] * 1e6, res[n] / floor))
        ops = res["the ops alone: forwards"] + res["the ops alone: VJPs"]
        opt = means["optimizer step"] / wall * step
        engine = step - ops - opt
        print(f"  the ops and the optimizer step: x{(ops + opt) / floor:5.2f} the floor; "
              f"the engine adds {engine * 1e6:.1f} µs ({engine / step:.0%} of the step)")


if __name__ == "__main__":
    main()
