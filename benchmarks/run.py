"""Engine benchmarks: ours against micrograd, PyTorch and NumPy by hand.

    python benchmarks/run.py [--repeats N] [--only scalar,chain,demo,small] [--no-gc]

Every contender runs in the same process, interleaved round by round, with
BLAS pinned to one thread; the table shows medians and ratios to the first
row of each benchmark. Missing contenders (micrograd, torch) are left out.
"""
from __future__ import annotations

from one_thread import torch_or_none  # first: one BLAS thread before NumPy loads

import argparse
import gc
import statistics
import sys
import time

import numpy as np

sys.setrecursionlimit(100_000)
from autograd_core import Value  # noqa: E402

torch = torch_or_none()
try:
    from micrograd.engine import Value as MgValue
except ImportError:
    MgValue = None


GC = True  # the collector runs during timing, as in a user's program (--no-gc to turn it off)


def interleaved(contenders: dict, repeats: int) -> dict:
    """Run each contender once per round, `repeats` rounds; times in seconds.
    Garbage left by one contender is collected before the next one starts."""
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            gc.collect()
            if not GC:
                gc.disable()
            t0 = time.process_time()
            fn()
            times[name].append(time.process_time() - t0)
            gc.enable()
    return times


def report(title: str, times: dict, per: int, unit: str) -> None:
    print(f"\n{title}")
    base = None
    for name, ts in times.items():
        med = statistics.median(ts) / per
        base = base or med
        print(f"  {name:<28} {med * 1e6:10.3f} µs/{unit}   x{med / base:5.2f}")


# (a) a micrograd-style scalar graph ------------------------------------------
N_TERMS = 1430  # 7 ops a term: about 10,000 nodes
_rng = np.random.default_rng(0)
XS, YS = _rng.standard_normal(N_TERMS).tolist(), _rng.standard_normal(N_TERMS).tolist()


def scalar_graph(V):
    def run():
        w0, w1, w2 = V(0.5), V(-0.3), V(0.8)
        loss = V(0.0)
        for x, y in zip(XS, YS):
            loss = loss + ((w0 * x + w1).relu() * w2 - y) ** 2
        loss.backward()
    return run


def scalar_graph_torch():
    w0, w1, w2 = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.5, -0.3, 0.8))
    loss = torch.tensor(0.0, dtype=torch.float64)
    for x, y in zip(XS, YS):
        loss = loss + ((w0 * x + w1).relu() * w2 - y) ** 2
    loss.backward()


# (b) a long scalar chain --------------------------------------------------
def chain(n):
    def run():
        x0 = Value(1.0)
        x = x0
        for _ in range(n):
            x = x * 1.0001 + 0.0001
        x.backward()
    return run


# (d) one step of micrograd's own demo, in micrograd-style code --------------
# The moons MLP 2-16-16-1 of micrograd's demo notebook, svm max-margin loss with
# L2 regularisation, SGD as `p.data -= lr * p.grad`; the same code drives both
# Value classes. From the second step on every parameter's data has been
# assigned through `.data`.
def _moons(n=100, noise=0.1, seed=1):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = np.arange(n) % 2 == 0
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    X = np.stack([x, y], 1) + noise * rng.standard_normal((n, 2))
    return X.tolist(), np.where(upper, 1, -1).tolist()


DEMO_X, DEMO_Y = _moons()


def demo_step(V):
    """One training step of micrograd's demo, on `V` (a micrograd-like Value class)."""
    rng = np.random.default_rng(2)
    sizes = [2, 16, 16, 1]
    layers = [[([V(w) for w in rng.uniform(-1, 1, nin).tolist()], V(0), i < len(sizes) - 2)
               for _ in range(nout)]
              for i, (nin, nout) in enumerate(zip(sizes, sizes[1:]))]
    params = [p for layer in layers for w, b, _ in layer for p in w + [b]]

    def model(x):
        for layer in layers:
            out = []
            for w, b, nonlin in layer:
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                out.append(act.relu() if nonlin else act)
            x = out
        return x[0]

    def step(k=[0]):
        inputs = [list(map(V, xrow)) for xrow in DEMO_X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(DEMO_Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in params))
        total_loss = data_loss + reg_loss
        for p in params:
            p.grad = 0
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k[0] / 100
        k[0] += 1
        for p in params:
            p.data -= learning_rate * p.grad

    step()  # the first step assigns every parameter's .data; the timed ones follow
    return step


# (c) one small tensor op forward and backward -----------------------------
A8, B8 = _rng.standard_normal((8, 8)), _rng.standard_normal((8, 8))
SMALL_REPS = 2000


def small_ours():
    for _ in range(SMALL_REPS):
        a, b = Value(A8), Value(B8)
        (a * b).sum().backward()


def small_numpy():
    for _ in range(SMALL_REPS):
        a, b = A8.copy(), B8.copy()
        p = a * b
        s = p.sum()
        g = np.ones_like(s)
        gp = np.broadcast_to(g, p.shape)
        ga, gb = gp * b, gp * a
        del s, ga, gb


def small_torch():
    for _ in range(SMALL_REPS):
        a = torch.tensor(A8, requires_grad=True)
        b = torch.tensor(B8, requires_grad=True)
        (a * b).sum().backward()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--only", default="scalar,chain,demo,small")
    ap.add_argument("--no-gc", action="store_true", help="disable the garbage collector while timing")
    args = ap.parse_args()
    global GC
    GC = not args.no_gc
    only = set(args.only.split(","))
    gc.freeze()  # the imported modules' objects are not the contenders' garbage
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}, "
          f"micrograd {'present' if MgValue else 'absent'}; medians of {args.repeats} interleaved "
          f"rounds; garbage collector {'on' if GC else 'off'} while timing")
    if "scalar" in only:
        c = {"autograd-core": scalar_graph(Value)}
        if MgValue:
            c["micrograd"] = scalar_graph(MgValue)
        if torch:
            c["torch 0-d tensors"] = scalar_graph_torch
        report(f"(a) scalar graph, {7 * N_TERMS} nodes, forward + backward",
               interleaved(c, args.repeats), 7 * N_TERMS, "node")
    if "chain" in only:
        n = 100_000
        t = interleaved({"autograd-core chain": chain(n), "autograd-core graph (a)": scalar_graph(Value)},
                        max(3, args.repeats // 2))
        report(f"(b) chain x = x*1.0001 + 0.0001, {n} links = {2 * n} nodes, vs (a) per node",
               {"chain": [x / (2 * n) for x in t["autograd-core chain"]],
                "graph (a)": [x / (7 * N_TERMS) for x in t["autograd-core graph (a)"]]}, 1, "node")
    if "demo" in only:
        c = {"autograd-core": demo_step(Value)}
        if MgValue:
            c["micrograd"] = demo_step(MgValue)
        report("(d) one step of micrograd's demo (moons MLP 2-16-16-1, svm loss, L2, SGD)",
               interleaved(c, args.repeats), 1, "step")
    if "small" in only:
        c = {"NumPy by hand": small_numpy, "autograd-core": small_ours}
        if torch:
            c["torch"] = small_torch
        report("(c) (a*b).sum() on 8x8 float64, forward + backward",
               interleaved(c, args.repeats), SMALL_REPS, "call")


if __name__ == "__main__":
    main()
