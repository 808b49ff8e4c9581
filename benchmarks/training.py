"""Training-step benchmarks: autograd-core against NumPy by hand and PyTorch.

    python benchmarks/training.py [--quick] [--rounds N] [--clock cpu|wall]
                                  [--only xor,mlp64,mlp784,tanh16]

One step is zero_grad, forward, loss, backward and the optimizer step, written
as a user writes it with nn, nn.functional and optim. The floor is the same
step in plain NumPy: forward and backward derived by hand, the optimizer as
in-place NumPy ops. PyTorch runs the same step on the CPU with one thread.
Everything is float32, in one process, with BLAS pinned to one thread.

Before timing, every contender runs a few steps from the same weights on the
same batch; their losses and weights must agree to float32 tolerances. Then
blocks of K steps are timed (K chosen so that a block takes >= 50 ms; the
weights are reset before each block, outside the timer, so every block does
the same work), the contenders interleaved round by round in rotating order,
with the garbage collector on as in a user's loop. Steps are timed by process
CPU time, which other processes on a shared machine do not inflate (all the
work runs in one thread; --clock wall times elapsed time). Objects made by imports and
set-up are first moved out of the collector's sight (gc.freeze): torch's
import alone would otherwise make every full collection, triggered by
whichever contender allocates, cost a quarter of a second. The table shows
per-step medians, the ratio to the floor, and the project's target for
autograd-core.
"""
from __future__ import annotations

from one_thread import torch_or_none  # first: one BLAS thread before NumPy loads

import argparse
import gc
import math
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

import nn
import optim
from nn import functional as F
from training_floor import floor_step

torch = torch_or_none()

F32 = np.float32
CHECK_STEPS = 3
OURS, FLOOR, TORCH = "autograd-core", "NumPy by hand (floor)", "torch"


@dataclass
class Config:
    """One benchmark: network widths, activations, batch, loss and optimizer."""
    title: str
    widths: list
    act: str
    out_act: str | None
    batch: int
    loss: str  # "mse" or "ce"
    opt: str  # "sgd" or "adam"
    lr: float
    target: float  # ours / floor, per step
    mem_target: float | None = None  # ours / floor, peak extra memory of a step


CONFIGS = {
    "xor": Config("XOR 2-4-1, sigmoid both layers, batch 4, MSE, SGD(lr=0.5)",
                  [2, 4, 1], "sigmoid", "sigmoid", 4, "mse", "sgd", 0.5, 3.0),
    "mlp64": Config("MLP 64-128-10 relu, batch 64, cross-entropy, Adam(lr=1e-3)",
                    [64, 128, 10], "relu", None, 64, "ce", "adam", 1e-3, 1.5),
    "mlp784": Config("MLP 784-512-256-10 relu, batch 256, cross-entropy, Adam(lr=1e-3)",
                     [784, 512, 256, 10], "relu", None, 256, "ce", "adam", 1e-3, 1.10, 1.5),
    "tanh16": Config("16 x (Linear(32,32) + tanh), batch 32, MSE, SGD(lr=0.01)",
                     [32] * 17, "tanh", "tanh", 32, "mse", "sgd", 0.01, 2.5),
}


@dataclass
class Contender:
    """A training step, and access to the weights ((in, out) layout, W and b per layer)."""
    step: Callable[[], Any]
    get: Callable[[], list]
    put: Callable[[list], None]
    opt_step: Callable[[], Any] | None = None  # the optimizer's step alone (ours)


# ----------------------------------------------------------------- ours
def make_ours(name: str, cfg: Config) -> tuple:
    """The model, optimizer and loss function of the step, as a user of nn and optim makes them."""
    if name == "tanh16":
        gen = np.random.default_rng(0)
        mods = []
        for a, b in zip(cfg.widths[:-1], cfg.widths[1:]):
            mods += [nn.Linear(a, b, rng=gen, dtype=F32), nn.Tanh()]
        model = nn.Sequential(*mods)
    else:
        model = nn.MLP(cfg.widths[0], cfg.widths[1:], activation=cfg.act,
                       output_activation=cfg.out_act, rng=0, dtype=F32)
    params = model.parameters()
    opt = optim.SGD(params, lr=cfg.lr) if cfg.opt == "sgd" else optim.Adam(params, lr=cfg.lr)
    loss_fn = F.mse_loss if cfg.loss == "mse" else F.cross_entropy
    return model, opt, loss_fn


def ours_contender(model: Any, opt: Any, loss_fn: Callable, X: np.ndarray,
                   T: np.ndarray) -> Contender:
    """The step as a user of nn and optim writes it, and access to the model's weights."""
    params = model.parameters()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), T)
        loss.backward()
        opt.step()
        return loss

    def put(ws):
        for p, w in zip(params, ws):
            np.copyto(p.data, w)
    return Contender(step, lambda: [p.data for p in params], put, opt.step)


def build_ours(name: str, cfg: Config, X: np.ndarray, T: np.ndarray) -> Contender:
    """The step as a user of nn and optim writes it."""
    return ours_contender(*make_ours(name, cfg), X, T)


# ------------------------------------------------------- the NumPy floor
def build_floor(name: str, cfg: Config, ws: list, X: np.ndarray, T: np.ndarray) -> Contender:
    """The step by hand in NumPy (see training_floor.py), from copies of `ws`."""
    P = [w.copy() for w in ws]
    kind = "xor" if name == "xor" else "relu_ce" if cfg.loss == "ce" else "tanh_mse"

    def put(new):
        for p, w in zip(P, new):
            np.copyto(p, w)
    return Contender(floor_step(kind, P, X, T, cfg.opt, cfg.lr), lambda: P, put)


# --------------------------------------------------------------- torch
def build_torch(cfg: Config, ws: list, X: np.ndarray, T: np.ndarray) -> Contender:
    """The same step in PyTorch (CPU, one thread), from the weights `ws`."""
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    mods, params, n_layers = [], [], len(ws) // 2
    for i in range(n_layers):
        lin = torch.nn.Linear(*ws[2 * i].shape)
        mods.append(lin)
        params += [lin.weight, lin.bias]
        act = cfg.act if i < n_layers - 1 else cfg.out_act
        if act:
            mods.append(acts[act]())
    model = torch.nn.Sequential(*mods)
    opt = (torch.optim.SGD(model.parameters(), lr=cfg.lr) if cfg.opt == "sgd"
           else torch.optim.Adam(model.parameters(), lr=cfg.lr))
    loss_fn = torch.nn.functional.mse_loss if cfg.loss == "mse" else torch.nn.functional.cross_entropy
    Xt, Tt = torch.from_numpy(X), torch.from_numpy(T)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(Xt), Tt)
        loss.backward()
        opt.step()
        return loss

    def get():  # torch keeps weights as (out, in)
        return [p.detach().numpy().T for p in params]

    def put(new):
        with torch.no_grad():
            for p, w in zip(params, new):
                p.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
    put(ws)
    return Contender(step, get, put)


# ------------------------------------------------------------ the harness
def make_batch(name: str, cfg: Config) -> tuple:
    """The batch every contender trains on (the four XOR rows for xor)."""
    if name == "xor":
        X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=F32)
        return X, np.array([[0], [1], [1], [0]], dtype=F32)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((cfg.batch, cfg.widths[0])).astype(F32)
    if cfg.loss == "ce":
        return X, rng.integers(0, cfg.widths[-1], cfg.batch)
    return X, rng.uniform(-0.9, 0.9, (cfg.batch, cfg.widths[-1])).astype(F32)


def check(contenders: dict, cfg: Config) -> str:
    """Run CHECK_STEPS steps on each contender (same start) and assert that losses
    and weights agree with the floor's; return a one-line summary."""
    ref = contenders[FLOOR]
    # Adam moves a weight by about lr * g / (|g| + eps): where |g| is near eps
    # (1e-8), float32 rounding of g shows in the update, so weights are compared
    # to 1% of a step there. A wrong update rule or gradient is off by ~lr.
    atol = 1e-2 * cfg.lr if cfg.opt == "adam" else 1e-6
    worst = {}
    for _ in range(CHECK_STEPS):
        ref_loss = float(ref.step().item())
        for name, c in contenders.items():
            if name == FLOOR:
                continue
            loss = float(c.step().item())
            np.testing.assert_allclose(loss, ref_loss, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{name}: loss differs from the floor's")
            for i, (w, w_ref) in enumerate(zip(c.get(), ref.get())):
                np.testing.assert_allclose(w, w_ref, rtol=1e-4, atol=atol,
                                           err_msg=f"{name}: weight {i} differs from the floor's")
                worst[name] = max(worst.get(name, 0.0), float(np.max(np.abs(w - w_ref))))
    return ", ".join(f"{n} max |dw| {d:.1e}" for n, d in worst.items())


def peak_extra(step: Callable[[], Any]) -> tuple:
    """(peak traced bytes during one step minus traced bytes at its start, bytes a
    warm-up step left allocated), both under tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        step()  # the warm-up runs traced, so frees of what it leaves are seen
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        step()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - held, held


def block_size(step: Callable[[], Any], min_block: float, clock: Callable[[], float]) -> int:
    """How many steps make a block of at least `min_block` seconds."""
    k = 1
    while True:
        t0 = clock()
        for _ in range(k):
            step()
        dt = clock() - t0
        if dt >= min_block / 4:
            return max(1, math.ceil(k * min_block / dt))
        k *= 2


def interleaved(contenders: dict, ws: list, rounds: int, min_block: float,
                clock: Callable[[], float]) -> dict:
    """Median seconds per step of each contender: blocks of K steps, one block per
    contender per round, in rotating order, from the weights `ws` every block."""
    ks = {}
    for name, c in contenders.items():
        c.put(ws)
        ks[name] = block_size(c.step, min_block, clock)
    names, times = list(contenders), {name: [] for name in contenders}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            c, k = contenders[name], ks[name]
            c.put(ws)
            gc.collect()
            t0 = clock()
            for _ in range(k):
                c.step()
            times[name].append((clock() - t0) / k)
    return {name: (statistics.median(ts), ks[name]) for name, ts in times.items()}


def verdict(ratio: float, target: float) -> str:
    """The target and whether `ratio` meets it."""
    return f"target <= {target:.2f}x  {'PASS' if ratio <= target else 'MISS'}"


def run_config(name: str, cfg: Config, rounds: int, min_block: float,
               clock: Callable[[], float]) -> dict:
    """Check, measure memory, time; print this configuration's table; return a summary row."""
    print(f"\n[{name}] {cfg.title}")
    X, T = make_batch(name, cfg)
    ours = build_ours(name, cfg, X, T)
    ws = [w.copy() for w in ours.get()]
    contenders = {FLOOR: build_floor(name, cfg, ws, X, T), OURS: ours}
    if torch is not None:
        contenders[TORCH] = build_torch(cfg, ws, X, T)
    print(f"  check: {CHECK_STEPS} steps from the same weights give the floor's losses and "
          f"weights ({check(contenders, cfg)})")
    gc.collect()
    gc.freeze()
    mem = {n: peak_extra(contenders[n].step) for n in (FLOOR, OURS)}
    res = interleaved(contenders, ws, rounds, min_block, clock)
    base = res[FLOOR][0]
    print(f"  {'contender':<24} {'µs/step':>10} {'vs floor':>9}   {'K x rounds':>12}")
    for n, (med, k) in res.items():
        extra = f"   {verdict(med / base, cfg.target)}" if n == OURS else ""
        print(f"  {n:<24} {med * 1e6:10.1f}   x{med / base:6.2f}   {k:>5} x {rounds:<4}{extra}")
    (f_peak, f_held), (o_peak, o_held) = mem[FLOOR], mem[OURS]
    mem_ratio = o_peak / f_peak
    mem_note = f"   {verdict(mem_ratio, cfg.mem_target)}" if cfg.mem_target else ""
    print(f"  peak extra memory of one step: floor {f_peak / 1e6:.3f} MB, {OURS} "
          f"{o_peak / 1e6:.3f} MB   x{mem_ratio:5.2f}{mem_note}")
    print(f"  held between steps (left by a step): floor {f_held / 1e6:.3f} MB, "
          f"{OURS} {o_held / 1e6:.3f} MB")
    row = {"name": name, "floor": base, "ours": res[OURS][0], "target": cfg.target,
           "torch": res[TORCH][0] if TORCH in res else None,
           "mem": mem_ratio if cfg.mem_target else None, "mem_target": cfg.mem_target}
    return row


def summary(rows: list) -> None:
    """The final table: one row per configuration (and one for the memory target)."""
    print("\nsummary: per-step medians, ratio of autograd-core to the NumPy floor")
    print(f"  {'config':<12} {'floor µs':>9} {'ours µs':>9} {'torch µs':>9} "
          f"{'ours/floor':>11}   target")
    for r in rows:
        t = f"{r['torch'] * 1e6:9.1f}" if r["torch"] is not None else f"{'-':>9}"
        ratio = r["ours"] / r["floor"]
        print(f"  {r['name']:<12} {r['floor'] * 1e6:9.1f} {r['ours'] * 1e6:9.1f} {t} "
              f"{ratio:10.2f}x   {verdict(ratio, r['target'])}")
        if r["mem"] is not None:
            print(f"  {r['name'] + ' mem':<12} {'':>9} {'':>9} {'':>9} "
                  f"{r['mem']:10.2f}x   {verdict(r['mem'], r['mem_target'])}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="few short rounds (a smoke run)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds (default 21, quick 3)")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="cpu: process CPU time (default; steady on a shared machine); "
                         "wall: elapsed time")
    ap.add_argument("--only", default=",".join(CONFIGS),
                    help=f"comma-separated subset of {', '.join(CONFIGS)}")
    args = ap.parse_args()
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in only if n not in CONFIGS]
    if unknown or not only:
        ap.error(f"--only: unknown configuration {unknown}; choose from {', '.join(CONFIGS)}")
    rounds = args.rounds or (3 if args.quick else 21)
    min_block = 0.01 if args.quick else 0.05
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}; "
          f"float32, one BLAS thread; per-step medians of {rounds} interleaved rounds of "
          f">= {min_block * 1e3:.0f} ms blocks, {args.clock} time")
    print("memory: tracemalloc (counts NumPy array data and Python objects, not BLAS "
          "workspace); peak traced during one step minus traced at its start, after a "
          "warm-up step")
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    rows = [run_config(n, CONFIGS[n], rounds, min_block, clock) for n in only]
    summary(rows)


if __name__ == "__main__":
    main()
