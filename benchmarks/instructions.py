"""Instructions per node or per step, counted by callgrind: steady on a shared machine.

    python benchmarks/instructions.py [--only s1,s2,s3,t1,...] [-n N]
    python benchmarks/instructions.py --run WORKLOAD N   (what callgrind runs)

Each workload runs under `valgrind --tool=callgrind` twice, for N and 2N
iterations after one warm-up iteration; the difference of the two totals is
the cost of N iterations, so the import and set-up cancel. N defaults to each
workload's own (`ITERATIONS`): a step of a few hundred thousand instructions needs
hundreds of iterations before the allocator's and the interpreter's one-off work,
which can differ by millions of instructions between two runs, stops showing (with
N=2, the XOR floor once came out negative). The hash seed is fixed, for the same
reason. The garbage
collector is off (its work depends on the rest of the heap). Workloads: s1
(the scalar graph of run.py (a), per node, ours and micrograd), s2 (the chain of
run.py (b), per node), s3 (one step of micrograd's demo, run.py (d)), t1-t4
(the training steps of training.py, ours and the NumPy floor), o1-o4 (the
optimizer's step alone in t1-t4, ours, with the gradients of one step).
"""
from __future__ import annotations

import one_thread  # noqa: F401 (one BLAS thread, set before NumPy loads)

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRAINING = {"t1": "xor", "t2": "mlp64", "t3": "mlp784", "t4": "tanh16"}
# workload -> (contenders, units of work per iteration)
WORKLOADS = {"s1": (("ours", "micrograd"), 7 * 1430), "s2": (("ours",), 2 * 20_000),
             "s3": (("ours", "micrograd"), 1),
             **{t: (("ours", "floor"), 1) for t in TRAINING},
             **{"o" + t[1:]: (("ours",), 1) for t in TRAINING}}
# workload -> default iterations N: about 1e8 instructions or more in N iterations
ITERATIONS = {"s1": 2, "s2": 2, "s3": 2, "t1": 200, "t2": 40, "t3": 2, "t4": 20,
              "o1": 400, "o2": 100, "o3": 4, "o4": 100}


def workload(name: str, who: str):
    """The function one iteration calls."""
    sys.path.insert(0, str(HERE))
    sys.modules["torch"] = None  # not a contender here; its import would dominate the count
    import run  # noqa: PLC0415 -- benchmark scripts, imported when a workload runs
    V = run.Value if who == "ours" else run.MgValue
    if name == "s1":
        return run.scalar_graph(V)
    if name == "s2":
        return run.chain(20_000)
    if name == "s3":
        return run.demo_step(V)
    import training  # noqa: PLC0415
    key = TRAINING["t" + name[1:]]
    cfg = training.CONFIGS[key]
    X, T = training.make_batch(key, cfg)
    ours = training.build_ours(key, cfg, X, T)
    if name[0] == "o":
        ours.step()  # the gradients the optimizer's steps then reuse
        return ours.opt_step
    if who == "ours":
        return ours.step
    return training.build_floor(key, cfg, [w.copy() for w in ours.get()], X, T).step


def count(name: str, who: str, n: int) -> int:
    """Instructions callgrind counts for the whole process running `n` iterations."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        sys.executable, __file__, "--run", name, who, str(n)],
                       check=True, capture_output=True, env={**os.environ, "PYTHONPATH": os.getcwd(), "PYTHONHASHSEED": "0"})
        return int(re.search(r"^summary:\s*(\d+)", out.read_text(), re.M).group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(WORKLOADS))
    ap.add_argument("-n", type=int, default=None,
                    help="iterations N (also runs 2N); default: each workload's ITERATIONS")
    ap.add_argument("--run", nargs=3, metavar=("WORKLOAD", "WHO", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        name, who, n = args.run
        fn = workload(name, who)
        gc.freeze()
        gc.disable()
        for _ in range(int(n) + 1):
            fn()
        return
    for name in args.only.split(","):
        who_all, per = WORKLOADS[name]
        n = args.n or ITERATIONS[name]
        costs = {who: (count(name, who, 2 * n) - count(name, who, n)) / (n * per)
                 for who in who_all}
        base = costs[who_all[0]]
        row = "   ".join(f"{who} {c:12,.0f}" + ("" if who == who_all[0] else f" (ours x{base / c:.3f})")
                         for who, c in costs.items())
        print(f"{name}: instructions per {'node' if per > 1 else 'step'}: {row}", flush=True)


if __name__ == "__main__":
    main()
