"""Every registered op: forward against NumPy, gradients against central
differences (first and, for smooth ops, second order), and against PyTorch."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value, gradcheck, gradgradcheck

from op_table import ROWS

try:
    import torch
except ImportError:  # the PyTorch comparisons skip
    torch = None

ALL = [(name, i) for name, row in ROWS.items() for i in range(len(row.shapes))]
EXTRA = [(name, i) for name, row in ROWS.items() for i in range(len(row.cases))]


def test_every_registered_op_has_a_row():
    missing = sorted(set(ag.OPS) - set(ROWS))
    assert not missing, f"ops without a gradient-check row: {missing}"
    unknown = sorted(set(ROWS) - set(ag.OPS))
    assert not unknown, f"rows for ops that are not registered: {unknown}"


def test_every_op_states_its_derivative():
    for name, o in ag.OPS.items():
        assert "d/d" in o.doc, f"op {name} has no one-line derivative in its docstring"


def _inputs(name, i, seed=0):
    row = ROWS[name]
    rng = np.random.default_rng(seed + 17 * i)
    return row, row.inputs(rng, row.shapes[i])


@pytest.mark.parametrize("name,i", ALL)
def test_forward_matches_numpy(name, i):
    row, xs = _inputs(name, i)
    out = row.fn(*[Value(x) for x in xs])
    np.testing.assert_allclose(out.data, row.ref(*xs), rtol=1e-12, atol=1e-12)
    assert out.data.dtype == np.float64


@pytest.mark.parametrize("name,i", ALL)
def test_gradient_matches_finite_differences(name, i):
    row, xs = _inputs(name, i)
    assert gradcheck(row.fn, *[Value(x, label=f"x{k}") for k, x in enumerate(xs)])


@pytest.mark.parametrize("name,i", EXTRA)
def test_more_cases_match_finite_differences(name, i):
    fn, shape = ROWS[name].cases[i]
    rng = np.random.default_rng(i)
    gen = (ROWS[name].gen or [None])[0]
    x = gen(rng, shape) if gen else rng.standard_normal(shape)
    assert gradcheck(fn, Value(x))


@pytest.mark.parametrize("name,i", [a for a in ALL if ROWS[a[0]].smooth])
def test_second_derivative_matches_finite_differences(name, i):
    row, xs = _inputs(name, i)
    assert gradgradcheck(row.fn, *[Value(x) for x in xs], atol=1e-4)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name,i", ALL)
def test_matches_pytorch(name, i):
    row, xs = _inputs(name, i, seed=5)
    vs = [Value(x) for x in xs]
    out = row.fn(*vs)
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    tout = row.torch(*ts)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-10, atol=1e-10)
    cot = np.random.default_rng(3).standard_normal(out.shape)
    out.backward(cot)
    tout.backward(torch.tensor(cot))
    for v, t in zip(vs, ts):
        np.testing.assert_allclose(v.grad, t.grad.numpy(), rtol=1e-10, atol=1e-10)
        assert v.grad.shape == v.shape and v.grad.dtype == v.dtype


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", [n for n in ROWS if ROWS[n].smooth and ROWS[n].torch])
def test_second_order_matches_pytorch(name):
    row, xs = _inputs(name, 0, seed=9)
    vs = [Value(x) for x in xs]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    w = np.random.default_rng(4).standard_normal(row.fn(*vs).shape)
    (row.fn(*vs) * w).sum().tanh().backward(create_graph=True)
    first = sum((v.grad * np.cos(np.arange(v.size).reshape(v.shape))).sum() for v in vs)
    tw = torch.tensor(w)
    tg = torch.autograd.grad((row.torch(*ts) * tw).sum().tanh(), ts, create_graph=True)
    tfirst = sum((g * torch.cos(torch.arange(t.numel(), dtype=torch.float64).reshape(t.shape))).sum()
                 for g, t in zip(tg, ts))
    for v in vs:
        v.grad = None
    first.backward()
    tsecond = torch.autograd.grad(tfirst, ts, allow_unused=True)
    for v, t in zip(vs, tsecond):
        expect = np.zeros(v.shape) if t is None else t.numpy()
        got = np.zeros(v.shape) if v.grad is None else v.grad.data
        np.testing.assert_allclose(got, expect, rtol=1e-9, atol=1e-10)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("method,tname", [("max", "amax"), ("min", "amin")])
def test_ties_share_the_gradient_like_torch(method, tname):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    for kw, tkw in [({}, {}), ({"axis": 1}, {"dim": 1}), ({"axis": 0, "keepdims": True}, {"dim": 0, "keepdim": True})]:
        v = Value(x)
        getattr(v, method)(**kw).sum().backward()
        t = torch.tensor(x, requires_grad=True)
        getattr(t, tname)(**tkw).sum().backward()
        np.testing.assert_allclose(v.grad, t.grad.numpy(), atol=1e-15)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_maximum_ties_match_torch():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])
    va, vb = Value(a), Value(b)
    (ag.maximum(va, vb) * np.array([1.0, 2.0, 3.0])).sum().backward()
    ta, tb = (torch.tensor(x, requires_grad=True) for x in (a, b))
    (torch.maximum(ta, tb) * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(va.grad, ta.grad.numpy())
    np.testing.assert_allclose(vb.grad, tb.grad.numpy())


def test_max_ties_split_evenly():
    v = Value([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    v.max(axis=1).sum().backward()
    np.testing.assert_allclose(v.grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_softmax_is_stable_for_large_inputs(method):
    v = Value([1000.0, 999.0, -1000.0])
    out = getattr(v, method)()
    assert np.isfinite(out.data).all()
    (out * np.array([1.0, 2.0, 3.0])).sum().backward()
    assert np.isfinite(v.grad).all()
    ref = np.exp([0.0, -1.0, -2000.0]) / np.exp([0.0, -1.0, -2000.0]).sum()
    expect = ref if method == "softmax" else np.log(ref[:2])
    np.testing.assert_allclose(out.data[: len(expect)], expect, rtol=1e-12)


def test_sigmoid_is_stable_for_large_inputs():
    v = Value([-1000.0, 0.0, 1000.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = v.sigmoid()
        out.sum().backward()
    np.testing.assert_allclose(out.data, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(v.grad, [0.0, 0.25, 0.0])


def test_repeated_integer_indices_accumulate():
    v = Value(np.arange(4.0))
    v[np.array([1, 1, 3, 1])].sum().backward()
    np.testing.assert_allclose(v.grad, [0, 3, 0, 1])


def test_pow_with_value_exponent():
    a, b = Value(2.0), Value(3.0)
    (a ** b).backward()
    assert a.grad == pytest.approx(12.0)
    assert b.grad == pytest.approx(8 * np.log(2))
    c = Value(2.0)
    (3.0 ** c).backward()
    assert c.grad == pytest.approx(9 * np.log(3))
