"""The wider op set at edge values, against PyTorch: 0, -0, ±inf, NaN,
the ends of the domains, empty arrays, ties, zeros in products, and float16
(accumulated in float32, as PyTorch does)."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value, ops

from torch_oracle import requires_torch, torch

EDGES = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, np.inf, -np.inf, np.nan, 1e-30, 40.0])
RTOL = {np.float16: 2e-3, np.float32: 2e-6, np.float64: 1e-12}
UNARY = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2", "log10",
         "log1p", "exp2", "expm1", "reciprocal", "rsqrt", "erf", "sign", "floor", "ceil", "trunc"]
BINARY = ["atan2", "logaddexp", "hypot", "fmod", "remainder"]


def _same(ours, theirs, dtype):
    ours = np.asarray(ours.data if isinstance(ours, Value) else ours)
    theirs = theirs.detach().numpy()
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL[np.dtype(dtype).type], atol=0, equal_nan=True)


def _run(fn, tfn, arrays, dtype, cot=None):
    vs = [Value(np.asarray(a, dtype)) for a in arrays]
    ts = [torch.tensor(np.asarray(a, dtype), requires_grad=True) for a in arrays]
    with np.errstate(all="ignore"):
        out = fn(*vs)
        w = np.ones(out.shape, dtype) if cot is None else np.asarray(cot, dtype)
        out.backward(w)
    tout = tfn(*ts)
    tout.backward(torch.tensor(w))
    _same(out, tout, dtype)
    for v, t in zip(vs, ts):
        _same(v.grad, t.grad, dtype)


@requires_torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("name", UNARY)
def test_unary_edges_match_torch(name, dtype):
    _run(getattr(ops, name), getattr(torch, name), [EDGES], dtype)


@requires_torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", BINARY)
def test_binary_edges_match_torch(name, dtype):
    a, b = np.meshgrid(EDGES[[0, 2, 3, 5, 7, 8, 9]], EDGES[[0, 1, 2, 5, 7, 8, 9]])
    _run(getattr(ops, name), getattr(torch, name), [a, b], dtype)


@requires_torch
@pytest.mark.parametrize("dtype", [np.float64, np.float16])
@pytest.mark.parametrize("case", [
    ("prod zeros", lambda a: ag.prod(a, 1), lambda a: a.prod(1), [[0.0, 2.0, 3.0], [0.0, 0.0, 2.0], [1.0, 2.0, 3.0]]),
    ("prod all zero", lambda a: ag.prod(a), lambda a: a.prod(), [[0.0, 2.0], [3.0, 4.0]]),
    ("cumprod zeros", lambda a: ag.cumprod(a, 1), lambda a: a.cumprod(1),
     [[2.0, 0.0, 3.0, 4.0], [0.0, 1.0, 0.0, 2.0], [1.0, 2.0, 3.0, 0.5]]),
    ("var one element", lambda a: ag.var(a, 1), lambda a: a.var(1), [[1.0], [2.0]]),
    ("std constant", lambda a: ag.std(a, 1), lambda a: a.std(1), [[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]]),
    ("norm zero", lambda a: ag.norm(a, dim=1), lambda a: a.norm(dim=1), [[0.0, 0.0], [3.0, 4.0]]),
    ("logsumexp -inf", lambda a: ag.logsumexp(a, 1), lambda a: a.logsumexp(1),
     [[-np.inf, -np.inf], [-np.inf, 0.0], [1000.0, 1000.0]]),
    ("logsumexp inf", lambda a: ag.logsumexp(a, 1), lambda a: a.logsumexp(1), [[np.inf, 1.0], [2.0, 1.0]]),
    ("cumsum", lambda a: ag.cumsum(a, 0), lambda a: a.cumsum(0), [[np.inf, 1.0], [-np.inf, np.nan]]),
    ("nan_to_num", lambda a: ag.nan_to_num(a), lambda a: torch.nan_to_num(a), [[np.nan, np.inf, -np.inf, 1.0]]),
    ("sort nan", lambda a: ag.sort(a, 1, descending=True).values, lambda a: a.sort(1, descending=True).values,
     [[1.0, np.nan, 3.0, -np.inf]]),
    ("topk ties", lambda a: ag.topk(a, 2).values, lambda a: a.topk(2).values, [[1.0, 3.0, 2.0, 3.0]]),
    ("tril inf", lambda a: ag.tril(a), lambda a: a.tril(), [[1.0, np.inf], [np.nan, 2.0]]),
    ("masked_fill nan", lambda a: ag.masked_fill(a, np.array([True, False]), 0.0),
     lambda a: a.masked_fill(torch.tensor([True, False]), 0.0), [[np.nan, 1.0]]),
], ids=lambda c: c[0] if isinstance(c, tuple) else str(c))
def test_reductions_and_selection_at_edges_match_torch(case, dtype):
    _, fn, tfn, x = case
    _run(fn, tfn, [np.array(x)], dtype)


@requires_torch
@pytest.mark.parametrize("name,fn,tfn", [
    ("prod", lambda a: ag.prod(a, 0), lambda a: a.prod(0)), ("var", lambda a: ag.var(a, 0), lambda a: a.var(0)),
    ("std", lambda a: ag.std(a, 0), lambda a: a.std(0)), ("logsumexp", lambda a: ag.logsumexp(a, 0), lambda a: a.logsumexp(0)),
    ("norm", lambda a: ag.norm(a, dim=0), lambda a: a.norm(dim=0)), ("cumsum", lambda a: ag.cumsum(a, 0), lambda a: a.cumsum(0)),
    ("cumprod", lambda a: ag.cumprod(a, 0), lambda a: a.cumprod(0)),
    ("sort", lambda a: ag.sort(a, 0).values, lambda a: a.sort(0).values),
    ("flip", lambda a: ag.flip(a, 0), lambda a: a.flip(0)),
    ("tile", lambda a: ag.tile(a, (2, 3)), lambda a: a.tile((2, 3))),
    ("pad crop", lambda a: ag.pad(a, (-1, 1, 1, 0)), lambda a: torch.nn.functional.pad(a, (-1, 1, 1, 0))),
])
def test_empty_arrays_match_torch(name, fn, tfn):
    _run(fn, tfn, [np.zeros((0, 3))], np.float64)


def test_float16_statistics_accumulate_in_float32():
    x = np.full(3000, 0.1, np.float16)  # summed in float16 the running sum would stall at 256
    assert float(ag.cumsum(Value(x), 0).data[-1]) == pytest.approx(300, rel=1e-3)
    x = np.array([200.0] * 400 + [-200.0] * 400, np.float16)  # a float16 sum would overflow halfway
    assert ag.var(Value(x)).data == np.float16(x.astype(np.float64).var(ddof=1))
    assert float(ag.logsumexp(Value(np.full(10, 11.0, np.float16))).data) == pytest.approx(11 + np.log(10), rel=1e-3)
    assert float(ag.norm(Value(np.full(4, 300.0, np.float16))).data) == 600.0  # 300**2 overflows float16 alone


@requires_torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("name,fn,tfn", [
    ("tile", lambda a: ag.tile(a, (2, 1, 2)), lambda a: a.tile((2, 1, 2))),
    ("repeat", lambda a: ag.repeat(a, 3, 1), lambda a: a.repeat(3, 1)),
    ("pad crop", lambda a: ag.pad(a, (-2, 1, 0, -1), value=np.inf), lambda a: torch.nn.functional.pad(a, (-2, 1, 0, -1), value=np.inf)),
    ("einsum broadcast", lambda a: ag.einsum("...j,...j->...", a, a[:1]), lambda a: torch.einsum("...j,...j->...", a, a[:1])),
    ("prod", lambda a: ag.prod(a, 1), lambda a: a.prod(1)),
    ("cumprod", lambda a: ag.cumprod(a, 1), lambda a: a.cumprod(1)),
    ("cumsum", lambda a: ag.cumsum(a, 1), lambda a: a.cumsum(1)),
])
def test_shapes_and_products_at_edges_match_torch(name, fn, tfn, dtype):
    x = EDGES.reshape(3, 4)  # 0, -0, ±inf and NaN among ordinary numbers
    if name in ("prod", "cumprod", "cumsum") and dtype is not np.float64:
        x = np.where(np.isfinite(x), x, 2.0)  # float16 and float32 sum and multiply in other orders than PyTorch
    _run(fn, tfn, [x], dtype, cot=np.arange(np.asarray(fn(Value(x)).shape).prod()).reshape(fn(Value(x)).shape) % 3)


@pytest.mark.parametrize("name,fn", [("prod", lambda a: ag.prod(a, 1)), ("prod all", lambda a: ag.prod(a)),
                                     ("cumprod", lambda a: ag.cumprod(a, 1)), ("cumprod 0", lambda a: ag.cumprod(a, 0))])
def test_second_derivatives_of_products_at_zeros_match_finite_differences(name, fn):
    x = np.array([[0.0, 1.5, -2.0, 0.5], [0.0, 0.0, 3.0, 1.25], [0.75, 0.0, 2.0, -1.0]])  # one and two zeros a row
    assert ag.gradgradcheck(fn, Value(x), atol=1e-6)
    v = Value(x)
    fn(v).sum().backward(create_graph=True)
    assert np.isfinite(v.grad.data).all()
