"""Smoke tests: the benchmark scripts run and print their tables (no timing asserted)."""
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, f"{args[0]} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_training_benchmark_quick_xor_prints_its_table():
    out = _run("benchmarks/training.py", "--quick", "--only", "xor")
    lines = out.splitlines()
    assert any(line.startswith("[xor] XOR 2-4-1") for line in lines)
    # the step was checked against the floor before it was timed
    assert any(line.strip().startswith("check:") and "floor's losses and weights" in line
               for line in lines), out
    rows = {name: [line for line in lines if line.strip().startswith(name)]
            for name in ("NumPy by hand (floor)", "autograd-core")}
    for name, found in rows.items():
        assert found, f"no table row for {name}:\n{out}"
    # the autograd-core row states the target and a verdict
    assert any("target <= 3.00x" in line and ("PASS" in line or "MISS" in line)
               for line in rows["autograd-core"]), out
    assert "peak extra memory of one step" in out
    summary = out.split("summary:")[-1].splitlines()
    assert any(line.split()[:1] == ["xor"] for line in summary), out
    # only the configuration asked for runs
    assert "[mlp784]" not in out and "[tanh16]" not in out


def test_engine_benchmark_small_prints_its_table():
    out = _run("benchmarks/run.py", "--repeats", "1", "--only", "small")
    assert any(line.startswith("(c)") for line in out.splitlines()), out
    for name in ("NumPy by hand", "autograd-core"):
        assert any(line.strip().startswith(name) and "µs/call" in line
                   for line in out.splitlines()), out


def test_digits_script_reports_held_out_accuracy():
    out = _run("benchmarks/digits.py", "--epochs", "3")
    assert out.count("held-out accuracy 0.") == 3
    final = float(out.split("final ")[1].split(";")[0])
    assert 0.9 <= final <= 1.0


def test_wider_ops_benchmark_prints_its_table():
    out = _run("benchmarks/wider_ops.py", "--repeats", "1", "--only", "var,einsum")
    rows = [line for line in out.splitlines() if line.split()[:1] in (["var"], ["einsum"])]
    assert len(rows) == 2 and all("ms" in r and ("PASS" in r or "MISS" in r) for r in rows), out
    assert "summary:" in out


def test_cnn_benchmark_checks_then_prints_both_tables():
    out = _run("benchmarks/cnn.py", "--quick")
    assert "check: Conv2d output and gradients equal the hand-written ones" in out
    lines = out.splitlines()
    assert any(line.startswith("(b) Conv2d") for line in lines), out
    assert any("autograd-core Conv2d" in line and "target <= 1.50x" in line for line in lines), out
    if "(a) skipped" not in out:
        assert "check: the first 3 losses agree with PyTorch's" in out
        assert any(line.strip().startswith("autograd-core ") and "target <= 2.00x" in line
                   for line in lines), out


def test_drawing_benchmark_prints_every_row():
    out = _run("benchmarks/drawing.py", "--repeat", "1", "--depth", "2000")
    rows = [line for line in out.splitlines() if line.startswith("  ") and "median" not in line]
    assert any("refusing a chain of 4001 nodes" in r for r in rows), out
    assert any("collapsing 4003 nodes to their module" in r for r in rows), out
    assert any("a chain of 499 nodes" in r for r in rows), out
    assert any("already drawn" in r or "skipped" in r for r in rows), out
    for row in rows:
        if "skipped" not in row:
            median, worst = map(float, row.split()[-2:])
            assert 0 <= median <= worst, row


def test_anatomy_benchmark_checks_the_replay_and_prints_the_parts():
    out = _run("benchmarks/anatomy.py", "--quick", "--only", "xor")
    lines = [line.strip() for line in out.splitlines()]
    assert any(line.startswith("[xor] XOR 2-4-1") for line in lines), out
    # the ops were replayed and gave the step's loss and gradients before anything was timed
    assert "check: the replayed ops give the step's loss and 4 gradients to the bit" in lines, out
    for part in ("NumPy by hand (floor)", "autograd-core", "zero_grad, forward and loss",
                 "backward()", "optimizer step", "the ops alone: forwards",
                 "the ops alone: VJPs"):
        assert any(line.startswith(part) and line.endswith("the floor") for line in lines), \
            f"no row for {part}:\n{out}"
    assert any(line.startswith("the ops and the optimizer step:") and "the engine adds" in line
               for line in lines), out
    assert "[tanh16]" not in out


def test_anatomy_replay_equals_the_walk_with_fan_out_broadcasting_and_constants():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from replay import Replay
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    import numpy as np

    from autograd_core import Value
    from autograd_core.backward import walk

    def f(a, b, c):
        h = (a * b + a).tanh()  # `a` feeds two ops
        return ((h * h).sum(axis=0) * 2.0 + c.sum()).max()

    rng = np.random.default_rng(0)
    a = Value(rng.standard_normal((3, 4)), requires_grad=True)
    b = Value(rng.standard_normal(4), requires_grad=True)  # broadcast over the rows
    c = Value(rng.standard_normal((3, 4)), requires_grad=False)
    loss = f(a, b, c)
    replay = Replay(loss)
    assert len(replay.leaves) == 2 and {id(p) for p in replay.leaves} == {id(a), id(b)}
    got_loss, got = replay.forward(), replay.vjps()
    want = walk(loss, loss.data.dtype.type(1), create_graph=False, store=False,
                targets=replay.leaves)
    assert np.array_equal(got_loss, loss.data)
    for g, p in zip(got, replay.leaves):
        assert g.shape == p.shape
        assert np.array_equal(g, want[p])
    # the replay reads the leaves' data as it is now: it gives the new graph's loss
    a.data = a.data * 0.5
    new_loss = replay.forward()
    assert not np.array_equal(new_loss, got_loss)
    assert np.array_equal(new_loss, f(a, b, c).data)
