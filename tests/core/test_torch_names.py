"""PyTorch's names on Values (pow, square, sin, cos, unsqueeze, squeeze, flatten,
permute, requires_grad_, format, int, tolist) against PyTorch in float64, and
the errors that say how PyTorch's spellings are written here."""
import math

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value, no_grad

from torch_oracle import assert_matches_torch, requires_torch, torch

RNG = np.random.default_rng(0)
X234 = RNG.standard_normal((2, 3, 4))
X131 = RNG.standard_normal((1, 3, 1))
POS = RNG.uniform(0.5, 2.0, (2, 3))

# (name, function on Values, function on tensors, inputs, smooth)
CASES = [
    ("pow number", lambda a: a.pow(2.5), lambda a: a.pow(2.5), [POS], True),
    ("pow Value", lambda a, b: a.pow(b), lambda a, b: a.pow(b), [POS, RNG.standard_normal(3)], True),
    ("square", lambda a: a.square(), lambda a: a.square(), [X234], True),
    ("sin", lambda a: a.sin(), lambda a: a.sin(), [X234], True),
    ("cos", lambda a: a.cos(), lambda a: a.cos(), [X234], True),
    ("sin cos 0-d", lambda a: a.sin() * a.cos(), lambda a: a.sin() * a.cos(), [np.array(0.7)], True),
    ("unsqueeze 0", lambda a: a.unsqueeze(0).sin(), lambda a: a.unsqueeze(0).sin(), [X234], True),
    ("unsqueeze -1", lambda a: a.unsqueeze(-1), lambda a: a.unsqueeze(-1), [X234], False),
    ("unsqueeze 2", lambda a: a.unsqueeze(2), lambda a: a.unsqueeze(2), [X234], False),
    ("unsqueeze 0-d", lambda a: a.unsqueeze(0), lambda a: a.unsqueeze(0), [np.array(1.5)], False),
    ("squeeze", lambda a: a.squeeze().cos(), lambda a: a.squeeze().cos(), [X131], True),
    ("squeeze dim", lambda a: a.squeeze(-1), lambda a: a.squeeze(-1), [X131], False),
    ("squeeze size>1 dim", lambda a: a.squeeze(1), lambda a: a.squeeze(1), [X131], False),
    ("squeeze dims", lambda a: a.squeeze((0, 1)), lambda a: a.squeeze((0, 1)), [X131], False),
    ("squeeze 0-d", lambda a: a.squeeze(0), lambda a: a.squeeze(0), [np.array(2.0)], False),
    ("flatten", lambda a: a.flatten().square(), lambda a: a.flatten().square(), [X234], True),
    ("flatten 1", lambda a: a.flatten(1), lambda a: a.flatten(1), [X234], False),
    ("flatten 0 1", lambda a: a.flatten(0, 1), lambda a: a.flatten(0, 1), [X234], False),
    ("flatten -2 -1", lambda a: a.flatten(-2, -1), lambda a: a.flatten(-2, -1), [X234], False),
    ("flatten 1 1", lambda a: a.flatten(1, 1), lambda a: a.flatten(1, 1), [X234], False),
    ("flatten 0-d", lambda a: a.flatten(), lambda a: a.flatten(), [np.array(3.0)], False),
    ("permute", lambda a: a.permute(2, 0, 1).sin(), lambda a: a.permute(2, 0, 1).sin(), [X234], True),
    ("permute tuple", lambda a: a.permute((1, -1, 0)), lambda a: a.permute((1, -1, 0)), [X234], False),
]


@requires_torch
@pytest.mark.parametrize("name,fn,tfn,arrays,smooth", CASES, ids=[c[0] for c in CASES])
def test_matches_pytorch(name, fn, tfn, arrays, smooth):
    assert_matches_torch(fn, tfn, *arrays, smooth=smooth)


def test_shape_names_map_onto_reshape_and_transpose():
    v = Value(X234)
    for out in (v.unsqueeze(1), v.squeeze(), v.flatten(), v.flatten(0, 1)):
        assert out.op == "reshape"
    assert v.permute(1, 0, 2).op == "transpose"
    assert v.square().op == "pow" and v.pow(3).op == "pow"
    assert v.sin().op == "sin" and v.cos().op == "cos"


@requires_torch
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_edge_values_match_pytorch(name):
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e300])
    v = Value(x)
    with np.errstate(invalid="ignore"):
        out = getattr(v, name)()
        out.backward(np.ones(x.shape))
    t = torch.tensor(x, requires_grad=True)
    getattr(t, name)().backward(torch.ones(x.shape, dtype=torch.float64))
    np.testing.assert_allclose(out.data, getattr(torch, name)(torch.tensor(x)).numpy(), equal_nan=True)
    np.testing.assert_allclose(v.grad, t.grad.numpy(), equal_nan=True)
    assert np.signbit(out.data[1]) == np.signbit(getattr(torch, name)(torch.tensor(-0.0)).item())


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_on_empty_arrays(name):
    v = Value(np.zeros((0, 3)))
    out = getattr(v, name)()
    assert out.shape == (0, 3)
    out.sum().backward()
    assert v.grad.shape == (0, 3)


@requires_torch
@pytest.mark.parametrize("name", ["sin", "cos", "square"])
@pytest.mark.parametrize("dtype,tdtype", [(np.float16, "float16"), (np.float32, "float32")])
def test_sin_cos_square_keep_the_dtype(name, dtype, tdtype):
    x = np.array([0.5, -1.25, 3.0], dtype=dtype)
    v = Value(x)
    out = getattr(v, name)()
    out.sum().backward()
    t = torch.tensor(x, requires_grad=True)
    tout = getattr(t, name)()
    tout.sum().backward()
    assert out.dtype == dtype and v.grad.dtype == dtype
    tol = 2e-3 if dtype == np.float16 else 1e-6
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=tol)
    np.testing.assert_allclose(v.grad, t.grad.numpy(), rtol=tol)


def test_square_at_zero_and_infinity():
    v = Value([0.0, -3.0, np.inf])
    v.square().backward(np.ones(3))
    np.testing.assert_array_equal(v.grad, [0.0, -6.0, np.inf])


def test_shape_names_reject_bad_dims():
    v = Value(X234)
    with pytest.raises(ValueError, match="unsqueeze: axis 4 is out of range"):
        v.unsqueeze(4)
    with pytest.raises(TypeError, match="unsqueeze"):
        v.unsqueeze((0, 1))
    with pytest.raises(ValueError, match="squeeze: axis 3 is out of range"):
        v.squeeze(3)
    with pytest.raises(ValueError, match="flatten: start_dim 2 comes after end_dim 1"):
        v.flatten(2, 1)
    with pytest.raises(ValueError, match="flatten: axis 3 is out of range"):
        v.flatten(3)
    with pytest.raises(TypeError, match="flatten"):
        v.flatten(None)
    with pytest.raises(ValueError, match="permute: dims \\(1, 0\\) are not a permutation of the 3 axes"):
        v.permute(1, 0)
    with pytest.raises(ValueError, match="permutation"):
        v.permute(0, 0, 1)


def test_requires_grad_on_leaves_as_in_pytorch():
    v = Value([1.0, 2.0], requires_grad=False)
    assert v.requires_grad_() is v and v.requires_grad
    (v * 3).sum().backward()
    np.testing.assert_array_equal(v.grad, [3.0, 3.0])
    assert v.requires_grad_(False) is v and not v.requires_grad
    assert not (v * 3).requires_grad
    y = Value([1.0]) * 2
    assert y.requires_grad_(True) is y  # a no-op on a Value produced by an op, as in torch
    with pytest.raises(RuntimeError, match="only a leaf's requires_grad can be changed.*'mul'"):
        y.requires_grad_(False)
    with pytest.raises(TypeError, match="requires_grad_"):
        v.requires_grad_(1)
    with no_grad():
        z = Value([1.0]) * 2  # recorded nothing: a leaf, as in torch
    assert z.requires_grad_() is z and z.requires_grad


@requires_torch
def test_format_int_float_tolist_as_in_pytorch():
    for x in (2.71828, -2.7, 0.5, 1e20):
        v, t = Value(x), torch.tensor(x, dtype=torch.float64)
        assert format(v, ".3f") == format(t, ".3f")
        assert format(v, "10.2e") == format(t, "10.2e")
        assert int(v) == int(t) and isinstance(int(v), int)
        assert float(v) == float(t)
        assert v.tolist() == t.tolist() and isinstance(v.tolist(), float)
    x = RNG.standard_normal((2, 3))
    assert Value(x).tolist() == torch.tensor(x).tolist()
    assert Value(np.zeros((2, 0))).tolist() == torch.zeros(2, 0).tolist()
    assert format(Value([[1.5]]), ".2f") == "1.50"  # any single-element Value
    assert int(Value([[-3.9]])) == -3


def test_format_without_spec_is_str_and_errors_name_the_problem():
    v = Value([1.0, 2.0], label="w")
    assert f"{v}" == str(v) == format(v, "") and f"{Value(2.0)}" == str(Value(2.0))
    with pytest.raises(TypeError, match=r"spec '\.3f' needs a single-element Value, not shape \(2,\)"):
        format(v, ".3f")
    with pytest.raises(ValueError, match="single-element"):
        int(v)
    with pytest.raises(ValueError, match="NaN"):
        int(Value(math.nan))
    with pytest.raises(OverflowError, match="cannot convert float infinity to integer"):
        int(Value(math.inf))


@pytest.mark.parametrize("method", ["sum", "mean", "max", "min", "softmax", "log_softmax"])
def test_pytorch_dim_is_axis_and_both_are_refused(method):
    v = Value(X234)
    np.testing.assert_array_equal(getattr(v, method)(dim=1).data, getattr(v, method)(axis=1).data)
    with pytest.raises(TypeError, match=f"{method}: give axis= or dim= \\(PyTorch's name\\), not both"):
        getattr(v, method)(axis=0, dim=0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        getattr(v, method)(bogus=1)


@pytest.mark.parametrize("method", ["sum", "mean", "max", "min"])
def test_keepdim_is_keepdims(method):
    v = Value(X234)
    assert getattr(v, method)(dim=0, keepdim=True).shape == (1, 3, 4)
    assert getattr(v, method)(axis=(0, 2), keepdim=True).shape == (1, 3, 1)
    with pytest.raises(TypeError, match="give keepdims= or keepdim="):
        getattr(v, method)(axis=0, keepdims=True, keepdim=True)
    assert getattr(v, method)(axis=0, keepdims=True).shape == (1, 3, 4)


def test_sin_cos_are_in_the_op_table():
    assert "sin" in ag.OPS and "cos" in ag.OPS
