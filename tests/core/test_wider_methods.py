"""The wider op set as `Value` methods: PyTorch's names beside NumPy's, and
PyTorch's inquiries (`size()`, `dim()`, `numel()`, `is_leaf`, `grad_fn`)."""
import math

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value

from torch_oracle import assert_matches_torch, requires_torch, torch

RNG = np.random.default_rng(2)
X = RNG.standard_normal((3, 4))
X3 = RNG.standard_normal((2, 3, 4))
POS = RNG.uniform(0.5, 2.0, (3, 4))

CASES = [
    ("var(0, keepdim)", lambda a: a.var(0, keepdim=True), lambda a: a.var(0, keepdim=True), [X], True),
    ("std()", lambda a: a.std(), lambda a: a.std(), [X], True),
    ("logsumexp(1)", lambda a: a.logsumexp(1), lambda a: a.logsumexp(1), [X], True),
    ("prod(dim)", lambda a: a.prod(dim=0), lambda a: a.prod(0), [X], True),
    ("cumsum(1)", lambda a: a.cumsum(1), lambda a: a.cumsum(1), [X], True),
    ("norm(dim)", lambda a: a.norm(dim=1), lambda a: a.norm(dim=1), [X], True),
    ("view(-1, 6)", lambda a: a.view(-1, 6), lambda a: a.view(-1, 6), [X], False),
    ("expand", lambda a: a[None].expand(2, -1, -1), lambda a: a[None].expand(2, -1, -1), [X], False),
    ("transpose(0, 1) 2-D", lambda a: a.transpose(0, 1), lambda a: a.transpose(0, 1), [X], False),
    ("transpose(0, 2)", lambda a: a.transpose(0, 2), lambda a: a.transpose(0, 2), [X3], False),
    ("mT", lambda a: a.mT, lambda a: a.mT, [X3], False),
    ("t()", lambda a: a.t(), lambda a: a.t(), [X], False),
    ("repeat", lambda a: a.repeat(1, 2), lambda a: a.repeat(1, 2), [X], False),
    ("flip", lambda a: a.flip(0), lambda a: a.flip(0), [X], False),
    ("tan", lambda a: a.tan(), lambda a: a.tan(), [X * 0.3], True),
    ("arcsin", lambda a: (a * 0.2).arcsin(), lambda a: (a * 0.2).asin(), [X], True),
    ("%", lambda a, b: a % b, lambda a, b: a % b, [X, POS], False),
    ("3 % v", lambda a: 3.0 % a, lambda a: torch.remainder(torch.full_like(a, 3.0), a), [POS], False),
    ("//", lambda a, b: (a // b) + a, lambda a, b: torch.div(a, b, rounding_mode="floor") + a, [X, POS], False),
    ("atan2", lambda a, b: a.atan2(b), lambda a, b: a.atan2(b), [X, POS], True),
    ("lerp", lambda a, b: a.lerp(b, 0.25), lambda a, b: a.lerp(b, 0.25), [X, POS], True),
    ("round(1)", lambda a: a.round(1) + a, lambda a: a.round(decimals=1) + a, [X], False),
    ("clone", lambda a: a.clone() * a, lambda a: a.clone() * a, [X], True),
    ("double", lambda a: a.double(), lambda a: a.double(), [X], True),
    ("gather", lambda a: a.gather(1, np.array([[0], [3], [1]])),
     lambda a: a.gather(1, torch.tensor([[0], [3], [1]])), [X], False),
    ("masked_fill", lambda a: a.masked_fill(X > 0, -1.0), lambda a: a.masked_fill(torch.tensor(X > 0), -1.0), [X], False),
    ("sort", lambda a: a.sort(dim=0, descending=True).values, lambda a: a.sort(0, descending=True).values, [X], False),
    ("topk", lambda a: a.topk(2, dim=0).values, lambda a: a.topk(2, 0).values, [X], False),
    ("diagonal", lambda a: a.diagonal(), lambda a: a.diagonal(), [X], False),
    ("tril", lambda a: a.tril(1), lambda a: a.tril(1), [X], False),
    ("split", lambda a: a.split(2, dim=1)[1], lambda a: a.split(2, 1)[1], [X], False),
    ("chunk", lambda a: a.chunk(3)[2], lambda a: a.chunk(3)[2], [X], False),
]


@requires_torch
@pytest.mark.parametrize("name,fn,tfn,arrays,smooth", CASES, ids=[c[0] for c in CASES])
def test_methods_match_torch(name, fn, tfn, arrays, smooth):
    assert_matches_torch(fn, tfn, *arrays, smooth=smooth)


def test_size_is_an_int_that_can_be_called():
    v = Value(np.zeros((2, 3)))
    assert v.size == 6 and isinstance(v.size, int) and v.size + 1 == 7
    assert v.size() == (2, 3) and v.size(0) == 2 and v.size(-1) == 3
    assert np.zeros(v.size).shape == (6,)
    with pytest.raises(IndexError, match="size: dim 2 is out of range"):
        v.size(2)
    assert v.dim() == 2 and v.numel() == 6


def test_is_leaf_and_grad_fn_as_in_pytorch():
    x = Value([1.0, 2.0])
    y = (x * 2).sum()
    assert x.is_leaf and x.grad_fn is None
    assert not y.is_leaf and y.grad_fn == "sum"
    assert Value(1.0, requires_grad=False).is_leaf
    assert x.clone().grad_fn == "clone" and not x.clone().is_leaf


def test_clone_is_recorded_and_owns_its_data():
    x = Value([1.0, 2.0])
    c = x.clone()
    assert c.data is not x.data and not np.shares_memory(c.data, x.data)
    (c * c).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_math_functions_give_floats_through_float():
    v = Value(0.5)
    assert math.exp(v) == math.exp(0.5) and math.floor(Value(2.7)) == 2


def test_var_and_std_defaults_follow_the_caller():
    v = Value([1.0, 2.0, 4.0])
    assert float(v.var()) == pytest.approx(np.var([1.0, 2.0, 4.0], ddof=1))
    assert float(np.var(v)) == pytest.approx(np.var([1.0, 2.0, 4.0]))
    assert float(v.std(correction=0)) == pytest.approx(np.std([1.0, 2.0, 4.0]))
    assert float(np.std(v, ddof=1)) == pytest.approx(np.std([1.0, 2.0, 4.0], ddof=1))
    with pytest.raises(TypeError, match="var: give ddof= or correction="):
        v.var(ddof=1, correction=1)


def test_casts_refuse_integer_and_complex_dtypes():
    v = Value([1.0, 2.0])
    for bad in (np.int32, "int64", bool, np.complex64):
        with pytest.raises(TypeError, match=r"^(astype|to): "):
            v.to(bad)
    assert v.half().dtype == np.float16 and v.float().dtype == np.float32


def test_backward_takes_retain_graph_and_keeps_the_graph():
    x = Value([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=False)
    y.backward(None, True)  # PyTorch's order: gradient, retain_graph
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_max_and_min_with_dim_give_the_values():
    v = Value([[1.0, 4.0], [3.0, 2.0]])
    for got, expect in [(v.max(dim=1), [4.0, 3.0]), (v.min(dim=0, keepdim=True), [[1.0, 2.0]])]:
        assert isinstance(got, Value)
        np.testing.assert_array_equal(got.data, expect)


def test_broadcast_to_checks_the_shape():
    v = Value([1.0, 2.0])
    assert ag.broadcast_to(v, (3, 2)).shape == (3, 2) == v.broadcast_to(3, 2).shape
    with pytest.raises(ValueError, match=r"broadcast_to: shape \(2,\) does not broadcast to \(3,\)"):
        ag.broadcast_to(v, 3)
