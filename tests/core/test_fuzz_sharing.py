"""Differential fuzzing against PyTorch where memory is shared or reused:
views written in place, ndarray operands refilled after the op ran (a batch
buffer), and lists that hold Values.

- Views: a leaf and an op's result, a view of one of them (detach, a basic
  slice, reshape, transpose, .T, or none: the Value itself) written in place
  under `no_grad`, then a backward pass. Ours must raise where PyTorch's
  version counter raises, and otherwise give PyTorch's gradient. The ops are
  paired with what they save in PyTorch (exp, tanh, sigmoid and sqrt their
  output; mul, sin and log their inputs; add nothing), because our check is
  per Value, not per saved tensor: it also looks at what an op saves in
  neither library (the output of mul, the input of exp).
- Reused buffers: a chain of ops, each taking the same ndarray refilled with
  new numbers before the next op (and once more before the backward pass);
  PyTorch is given a copy of the buffer at each op, which is what "used as
  it was when the op ran" means.
- Lists of Values: NumPy's ufuncs, `concat`, `stack`, `np.concatenate` and
  `np.stack` on (nested) lists of Values, against `torch.stack`/`torch.cat`.

The same derandomized profile as `test_fuzz.py`.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import autograd_core as ag  # noqa: E402
import nn  # noqa: E402
from autograd_core import Value  # noqa: E402
from test_fuzz import FUZZ  # noqa: E402

NUMBERS = st.floats(0.25, 3.0)  # positive, so that sqrt and log are defined
SHAPES = st.sampled_from([(3,), (2, 3), (3, 2), (2, 2, 2)])

# op -> (ours, PyTorch's, what PyTorch saves: "out", "in" or nothing)
OPS = {
    "exp": (lambda x: x.exp(), torch.exp, "out"), "tanh": (lambda x: x.tanh(), torch.tanh, "out"),
    "sigmoid": (lambda x: x.sigmoid(), torch.sigmoid, "out"),
    "sqrt": (lambda x: x.sqrt(), torch.sqrt, "out"), "mul": (lambda x: x * x, lambda x: x * x, "in"),
    "sin": (lambda x: x.sin(), torch.sin, "in"), "log": (lambda x: x.log(), torch.log, "in"),
    "add": (lambda x: x + x, lambda x: x + x, ""),
}
VIEWS = {  # each gives a view in both libraries, of any shape of at least one dimension
    "itself": lambda t: t, "detach": lambda t: t.detach(), "slice": lambda t: t[0:1],
    "step slice": lambda t: t[::2], "reshape": lambda t: t.reshape(-1),
    "T": lambda t: t.T if t.ndim == 2 else t, "transpose": lambda t: t.transpose(0, -1) if t.ndim > 1 else t,
}


def _views_case(lib: str, x0: np.ndarray, op: str, target: str, view: str, write: str):
    """(gradient of x, or the RuntimeError raised) for the scenario in `lib`."""
    ours, theirs, _ = OPS[op]
    if lib == "ours":
        x = Value(x0)
        y = ours(x)
        no_grad = ag.no_grad
    else:
        x = torch.tensor(x0, requires_grad=True)
        y = theirs(x)
        no_grad = torch.no_grad
    try:
        with no_grad():
            v = VIEWS[view](x if target == "input" else y)
            if write == "add":
                v += 0.5
            else:
                v[0:1] = 7.0
        root = y.sum()
        root.backward()
    except RuntimeError as e:
        return e
    return np.asarray(x.grad)


ARRAYS = SHAPES.flatmap(lambda s: st.lists(NUMBERS, min_size=int(np.prod(s)),
                                           max_size=int(np.prod(s))).map(
                                               lambda v: np.array(v).reshape(s)))


@FUZZ
@given(x0=ARRAYS,
       op=st.sampled_from(sorted(OPS)), view=st.sampled_from(sorted(VIEWS)),
       write=st.sampled_from(["add", "setitem"]))
def test_writes_through_views_match_pytorch(x0, op, view, write):
    saves = OPS[op][2]
    target = {"out": "output", "in": "input", "": "input"}[saves]  # see the module docstring
    ours = _views_case("ours", x0, op, target, view, write)
    theirs = _views_case("torch", x0, op, target, view, write)
    assert isinstance(ours, Exception) == isinstance(theirs, Exception), (ours, theirs)
    if not isinstance(ours, Exception):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


BUFFER_OPS = {
    "mul": (lambda h, a: h * a, lambda h, a: h * a),
    "rmul": (lambda h, a: a * h, lambda h, a: a * h),
    "np.multiply": (lambda h, a: np.multiply(h, a), lambda h, a: h * a),
    "np.add": (lambda h, a: np.add(a, h), lambda h, a: a + h),
    "div": (lambda h, a: h / a, lambda h, a: h / a),
    "maximum": (lambda h, a: ag.maximum(h, a), lambda h, a: torch.maximum(h, a)),
    "where": (lambda h, a: ag.where(a > 1.5, h * a, h), lambda h, a: torch.where(a > 1.5, h * a, h)),
    "mse": (lambda h, a: nn.functional.mse_loss(h, a, reduction="none"),
            lambda h, a: torch.nn.functional.mse_loss(h, a, reduction="none")),
}


@FUZZ
@given(data=st.data(), shape=SHAPES,
       chain=st.lists(st.sampled_from(sorted(BUFFER_OPS)), min_size=1, max_size=4))
def test_a_reused_buffer_matches_pytorch_given_copies(data, shape, chain):
    n = int(np.prod(shape))
    fill = st.lists(NUMBERS, min_size=n, max_size=n).map(lambda v: np.array(v).reshape(shape))
    x0 = data.draw(fill)
    buf = np.empty(shape)
    h = x = Value(x0)
    th = tx = torch.tensor(x0, requires_grad=True)
    for name in chain:
        buf[...] = data.draw(fill)  # the next batch, read into the same buffer
        ours, theirs = BUFFER_OPS[name]
        h = ours(h, buf)
        th = theirs(th, torch.tensor(buf))  # a copy: the buffer as it is now
    buf[...] = data.draw(fill)
    h.sum().backward()
    th.sum().backward()
    np.testing.assert_allclose(h.data, th.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)


JOINS = ["np.add", "np.multiply", "np.maximum", "np.subtract", "stack", "np.stack",
         "concat nested", "np.concatenate nested"]


@FUZZ
@given(data=st.data(), k=st.integers(1, 3), shape=st.sampled_from([(), (2,), (2, 3)]),
       join=st.sampled_from(JOINS))
def test_lists_of_values_match_pytorch(data, k, shape, join):
    n = int(np.prod(shape))
    fill = st.lists(NUMBERS, min_size=n, max_size=n).map(lambda v: np.array(v).reshape(shape))
    parts = [data.draw(fill) for _ in range(k)]
    base = data.draw(st.lists(NUMBERS, min_size=k * n, max_size=k * n).map(
        lambda v: np.array(v).reshape((k,) + shape)))
    vs, ts = [Value(p) for p in parts], [torch.tensor(p, requires_grad=True) for p in parts]
    a, ta = Value(base), torch.tensor(base, requires_grad=True)
    stacked = torch.stack(ts)
    if join.startswith("np.") and join.split()[0] in ("np.add", "np.multiply", "np.maximum",
                                                        "np.subtract"):
        ufunc = getattr(np, join[3:])
        out = ufunc(a, vs)
        tout = getattr(torch, {"np.add": "add", "np.multiply": "mul", "np.maximum": "maximum",
                               "np.subtract": "sub"}[join])(ta, stacked)
    elif join in ("stack", "np.stack"):
        out = (ag.stack if join == "stack" else np.stack)([a[0], vs[-1]] + vs[:-1])
        tout = torch.stack([ta[0], ts[-1]] + ts[:-1])
    else:
        if not shape:
            return  # concat needs one dimension at least
        nested = [a, vs]  # the list of Values is stacked, then joined with a
        out = (ag.concat if join.startswith("concat") else np.concatenate)(nested)
        tout = torch.cat([ta, stacked])
    cot = data.draw(st.lists(NUMBERS, min_size=out.size, max_size=out.size))
    cot = np.array(cot).reshape(out.shape)
    out.backward(cot)
    tout.backward(torch.tensor(cot))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12)
    for v, t in zip(vs + [a], ts + [ta]):
        np.testing.assert_allclose(v.grad, t.grad.numpy(), rtol=1e-12)
