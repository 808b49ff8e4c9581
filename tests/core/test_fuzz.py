"""Differential fuzzing against PyTorch: random small graphs of the table's ops.

Each example draws a dtype (float16, float32 or float64), one to three input
Values of mutually broadcastable shapes (empty ones in about one graph in
five) holding ordinary numbers and the edge values 0, -0, ±inf, NaN, ±1e-300,
±1e300 and the dtype's largest and smallest numbers (`fuzz_draw`), then up
to four steps (`fuzz_ops.MAKERS`), each an op of the table or a loss of
`nn.functional` applied to earlier results and to fresh operands (more
inputs, up to three in all, or constants). The same graph runs in PyTorch,
and the output and every input's gradient must agree: NaN exactly where
PyTorch gives NaN, the same infinities, and the other values within a
tolerance per dtype. Where PyTorch raises, we must raise too.

Rounding differs between two libraries, and a graph can amplify it (a sum
that cancels, then a log). So when the whole graph differs, each step is
checked alone, on our own intermediate values and gradients, with the
tolerances of `fuzz_compare`: a step that differs from PyTorch on the same
inputs is a bug, and the failure shows its inputs, our result and PyTorch's;
if every step agrees, the difference was rounding, amplified.

Where we differ from PyTorch on purpose, the reference follows our rule:
- max/min over an empty selection give NaN with an empty gradient (API.md;
  PyTorch raises);
- cross-entropy with probability targets: a class of target 0 adds nothing,
  to the loss or to the gradient, also where its logit is -inf or the
  upstream gradient is infinite (PyTorch's product gives NaN there; for the
  same row given as a class index it gives 1.3133). The reference computes
  `-sum(where(t == 0, 0, t * log_softmax(z)))`; these targets are constants
  (that formula's gradient for t would be 0, not -log_softmax(z), where t is 0);
- `k / x` for a number k is PyTorch's division op, `tensor(k) / x`: PyTorch's
  `k / x` is `x.reciprocal() * k`, NaN for 0 / 1e-45 in float32.
A step that sums operands holding numbers near the dtype's largest is not
compared alone: the order of the sum decides whether it overflows halfway
(the mean of [-max, -max, inf] in float32 is NaN summed in NumPy's order,
inf in PyTorch's), and its rounding may be as large as those numbers (the
float64 mean of [1.17, -max, max, ...] loses 1.17 in PyTorch's order).

The default run is derandomized: a fixed set of examples and no database, so
CI is deterministic. `AUTOGRAD_FUZZ_EXAMPLES=5000` runs that many fresh
random examples instead.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import autograd_core as ag  # noqa: E402
from fuzz_draw import ORDINARY, Ctx, Step  # noqa: E402
from fuzz_compare import data, differ, operands, quiet, sensitivity, single  # noqa: E402
from fuzz_ops import MAKERS, NO_SUMS, op_name  # noqa: E402

EXAMPLES = int(os.environ.get("AUTOGRAD_FUZZ_EXAMPLES") or 0)
settings.register_profile("autograd-fuzz", max_examples=EXAMPLES or 150, derandomize=not EXAMPLES,
                          database=None, deadline=None, suppress_health_check=list(HealthCheck))
FUZZ = settings.get_profile("autograd-fuzz")

NAMES = sorted(MAKERS, key=lambda name: name != "mul")  # the first is drawn most: a cheap one
DTYPES = [np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)]


@dataclass
class Graph:
    dtype: np.dtype
    inputs: list
    steps: list
    cot: np.ndarray | None  # None: the last step raises, so no backward

    def __repr__(self) -> str:
        lines = [f"Graph in {self.dtype}:"] + [f"  #{i} = {x!r}" for i, x in enumerate(self.inputs)]
        n = len(self.inputs)
        for k, s in enumerate(self.steps):
            fresh = "".join(f"\n      fresh {'input' if g else 'constant'} {a!r}" for a, g in s.fresh)
            lines.append(f"  #{n + k} = {s.text}{fresh}")
        return "\n".join(lines + [f"  backward with {self.cot!r}"])


def run(step_list: list, inputs: list, lib: str, cot: np.ndarray | None):
    """The graph forward, then backward from its last result with `cot`;
    returns (results, leaves) or the exception raised."""
    try:
        leaves = operands(inputs, lib, [True] * len(inputs))
        pool = list(leaves)
        for step in step_list:
            fresh = operands([a for a, _ in step.fresh], lib, [g for _, g in step.fresh])
            leaves += [f for f, (_, g) in zip(fresh, step.fresh) if g]
            pool.append((step.ours if lib == "ours" else step.theirs)(*[pool[i] for i in step.refs], *fresh))
        if cot is not None:
            pool[-1].backward(cot if lib == "ours" else torch.from_numpy(cot))
        return pool, leaves
    except Exception as e:  # noqa: BLE001 (compared with the other library's behaviour)
        return e


def compare(graph: Graph, ours, theirs) -> list:
    """The differences between two runs of the graph: output, then each input's gradient."""
    (opool, oleaves), (tpool, tleaves) = ours, theirs
    found = [("output", differ(opool[-1], tpool[-1], graph.dtype))]
    found += [(f"grad of input {k}", differ(a.grad, b.grad, graph.dtype))
              for k, (a, b) in enumerate(zip(oleaves, tleaves))]
    return [(what, why) for what, why in found if why]


def check_steps(graph: Graph, opool: list) -> None:
    """Each step alone, on our own intermediate values and gradients, against PyTorch."""
    n = len(graph.inputs)
    for k, step in enumerate(graph.steps):
        node = opool[n + k]
        datas = [opool[i].data for i in step.refs] + [a for a, _ in step.fresh]
        grads = [True] * len(step.refs) + [g for _, g in step.fresh]
        cot = None if node.grad is None else np.asarray(node.grad)
        o, t = single(step, datas, grads, cot, "ours"), single(step, datas, grads, cot, "torch")
        if isinstance(o, Exception) or isinstance(t, Exception):
            assert isinstance(o, Exception) == isinstance(t, Exception), _report(step, datas, cot, o, t, "raise")
            continue
        scale, exact = sensitivity(step, datas, cot, graph.dtype)
        big = float(np.finfo(graph.dtype).max) / 16
        huge = op_name(step) not in NO_SUMS and any(
            np.any(np.abs(np.nan_to_num(x, posinf=0, neginf=0)) >= big)
            for x in datas + [cot] if x is not None and np.asarray(x).dtype.kind == "f")
        problems = [("output", differ(o[0], t[0], graph.dtype, scale[0], exact[0], huge))]
        problems += [(f"grad of operand {j}", differ(a, b, graph.dtype, sc, ex, huge))
                     for j, (a, b, sc, ex) in enumerate(zip(o[1], t[1], scale[1:], exact[1:]))]
        problems = [p for p in problems if p[1]]
        assert not problems, _report(step, datas, cot, o, t, problems)


def _report(step: Step, datas: list, cot, o, t, problems) -> str:
    def show(r):
        if isinstance(r, Exception):
            return f"raised {type(r).__name__}: {r}"
        return f"output {data(r[0])!r}\n    grads {[data(g) for g in r[1]]!r}"
    ops_in = "\n".join(f"    operand {j}: {d!r}" for j, d in enumerate(datas))
    return (f"step {step.text} differs from PyTorch ({problems}):\n{ops_in}\n    cotangent {cot!r}\n"
            f"  ours:  {show(o)}\n  torch: {show(t)}")


@st.composite
def graphs(draw) -> Graph:
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(1, 3))
    min_side = 0 if draw(st.integers(0, 4)) == 0 else 1
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=n, max_dims=3, min_side=min_side,
                                                    max_side=3)).input_shapes
    c = Ctx(draw, dtype, 3 - n)
    inputs = [c.values(s) for s in shapes]
    steps, pool = [], list(shapes)
    for _ in range(draw(st.integers(n, 4))):
        step = None
        while step is None:
            step = MAKERS[draw(st.sampled_from(NAMES))](c, pool)
        steps.append(step)
        with quiet(), ag.no_grad():  # our forward gives the result's shape, for the next steps
            res = run(steps, inputs, "ours", None)
        if isinstance(res, Exception):
            return Graph(dtype, inputs, steps, None)
        pool.append(res[0][-1].shape)
    return Graph(dtype, inputs, steps, c.values(pool[-1], ORDINARY))


def check(graph: Graph) -> None:
    """The graph in both libraries; on a difference, each step alone."""
    with quiet():
        ours = run(graph.steps, graph.inputs, "ours", graph.cot)
        theirs = run(graph.steps, graph.inputs, "torch", graph.cot)
        if isinstance(theirs, Exception) or isinstance(ours, Exception):
            assert isinstance(ours, Exception) == isinstance(theirs, Exception), \
                f"{graph!r}\nours: {ours!r}\ntorch: {theirs!r}"
            return
        if compare(graph, ours, theirs):
            check_steps(graph, ours[0])


@pytest.mark.slow
@FUZZ
@given(graphs())
def test_random_graphs_match_torch(graph):
    check(graph)


def test_every_op_is_fuzzed():
    missing = sorted(set(ag.OPS) - set(MAKERS))
    assert not missing, f"ops the fuzzer never draws: {missing}"


def test_the_default_run_is_deterministic_and_writes_nothing():
    assert EXAMPLES or (FUZZ.derandomize and FUZZ.database is None)


def test_a_wrong_gradient_at_an_edge_value_is_caught(monkeypatch):
    # relu's rule before PyTorch's: g * (a > 0) gives 0 at a NaN input, where PyTorch passes g.
    monkeypatch.setattr(ag.ops.relu, "vjps", (lambda g, out, a: g * (a > 0),))
    graph = Graph(np.dtype(np.float64), [np.array([np.nan, -1.0, 2.0])],
                  [Step("relu(#0)", lambda v: v.relu(), torch.relu, (0,))], np.ones(3))
    with pytest.raises(AssertionError, match=r"step relu\(#0\) differs from PyTorch"):
        check(graph)
