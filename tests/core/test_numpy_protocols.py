"""NumPy's functions on Values (`__array_ufunc__`, `__array_function__`,
`__array__`) against PyTorch in float64: each records the op that the Value's
own method records; the rest raise TypeError naming what is not supported."""
import io

import matplotlib
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value, no_grad

from torch_oracle import assert_matches_torch, requires_torch, torch

matplotlib.use("Agg")

RNG = np.random.default_rng(1)


def normal(*shape):
    return RNG.standard_normal(shape)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


def distinct(*shape):
    """Pairwise gaps of at least 0.1: no ties, no kinks."""
    n = int(np.prod(shape))
    return (RNG.permutation(n) * 0.1 + RNG.uniform(0, 0.01, n) - n * 0.05).reshape(shape)


def away_from_zero(*shape):
    x = normal(*shape)
    return np.sign(x) * (0.2 + np.abs(x))


C14 = normal(1, 4)
CPOS = positive(3, 4)
MASK = RNG.random((2, 3)) > 0.5


def T(x):  # a constant float64 tensor
    return torch.tensor(np.asarray(x, dtype=np.float64))


# (id, function on Values, function on tensors, inputs, smooth)
UFUNCS = [
    ("exp", np.exp, lambda a: a.exp(), [normal(2, 3)], True),
    ("log", np.log, lambda a: a.log(), [positive(2, 3)], True),
    ("sqrt", np.sqrt, lambda a: a.sqrt(), [positive(2, 3)], True),
    ("tanh", np.tanh, lambda a: a.tanh(), [normal(2, 3)], True),
    ("sin", np.sin, lambda a: a.sin(), [normal(2, 3)], True),
    ("cos", np.cos, lambda a: a.cos(), [normal(2, 3)], True),
    ("square", np.square, lambda a: a.square(), [normal(2, 3)], True),
    ("negative", np.negative, lambda a: -a, [normal(2, 3)], True),
    ("positive", lambda a: np.positive(a) * 1.5, lambda a: a * 1.5, [normal(2, 3)], True),
    ("abs", np.abs, lambda a: a.abs(), [away_from_zero(2, 3)], False),
    ("add", np.add, torch.add if torch else None, [normal(3, 1), normal(1, 4)], True),
    ("subtract", np.subtract, torch.sub if torch else None, [normal(3, 1), normal(4)], True),
    ("multiply", np.multiply, torch.mul if torch else None, [normal(3, 4), normal(3, 4)], True),
    ("divide", np.divide, torch.div if torch else None, [normal(2, 3), away_from_zero(3)], True),
    ("true_divide", np.true_divide, torch.div if torch else None, [normal(3), away_from_zero(3)], True),
    ("power", np.power, torch.pow if torch else None, [positive(2, 3), normal(2, 3)], True),
    ("maximum", np.maximum, torch.maximum if torch else None, [distinct(2, 3), distinct(2, 3)], False),
    ("minimum", np.minimum, torch.minimum if torch else None, [distinct(2, 3), distinct(3)], False),
    ("maximum with 0", lambda a: np.maximum(a, 0), lambda a: a.clamp(min=0),
     [away_from_zero(2, 3)], False),
    ("matmul", np.matmul, torch.matmul if torch else None, [normal(3, 4), normal(4, 2)], True),
    ("matmul batched", np.matmul, torch.matmul if torch else None, [normal(2, 3, 4), normal(4)], True),
    # an ndarray (or a NumPy scalar) with a Value: broadcast, the gradient reduced to the Value's shape
    ("add array", lambda a: np.add(C14, a), lambda a: T(C14) + a, [normal(3, 1)], True),
    ("multiply array", lambda a: np.multiply(a, C14), lambda a: a * T(C14), [normal(3, 1)], True),
    ("array + Value", lambda a: C14 + a, lambda a: T(C14) + a, [normal(3, 1)], True),
    ("array - Value", lambda a: C14 - a, lambda a: T(C14) - a, [normal(2, 1, 1)], True),
    ("array * Value", lambda a: C14 * a, lambda a: T(C14) * a, [normal(3, 1)], True),
    ("array / Value", lambda a: C14 / a, lambda a: T(C14) / a, [positive(3, 1)], True),
    ("array ** Value", lambda a: CPOS ** a, lambda a: T(CPOS) ** a, [normal(4)], True),
    ("array @ Value", lambda a: CPOS @ a, lambda a: T(CPOS) @ a, [normal(4, 2)], True),
    ("float64 * Value", lambda a: np.float64(2.5) * a, lambda a: 2.5 * a, [normal(3)], True),
    ("list in a ufunc", lambda a: np.maximum(a, [0.0, 0.1, 5.0]),
     lambda a: torch.maximum(a, T([0.0, 0.1, 5.0])), [distinct(2, 3)], False),
]

FUNCTIONS = [
    ("sum", np.sum, lambda a: a.sum(), [normal(2, 3, 4)], True),
    ("sum axis", lambda a: np.sum(a, axis=1), lambda a: a.sum(dim=1), [normal(2, 3, 4)], True),
    ("sum positional axis", lambda a: np.sum(a, -1), lambda a: a.sum(dim=-1), [normal(2, 3, 4)], True),
    ("sum axes keepdims", lambda a: np.sum(a, axis=(0, 2), keepdims=True),
     lambda a: a.sum(dim=(0, 2), keepdim=True), [normal(2, 3, 4)], True),
    ("mean", lambda a: np.mean(a, axis=0), lambda a: a.mean(dim=0), [normal(2, 3, 4)], True),
    ("mean keepdims", lambda a: np.mean(a, keepdims=True),
     lambda a: a.mean(dim=(0, 1), keepdim=True), [normal(3, 4)], True),
    ("max", np.max, lambda a: a.amax(), [distinct(3, 4)], False),
    ("max axis", lambda a: np.max(a, axis=1, keepdims=True),
     lambda a: a.amax(dim=1, keepdim=True), [distinct(3, 4)], False),
    ("amax", lambda a: np.amax(a, 0), lambda a: a.amax(dim=0), [distinct(3, 4)], False),
    ("min", lambda a: np.min(a, axis=-1), lambda a: a.amin(dim=-1), [distinct(3, 4)], False),
    ("amin", np.amin, lambda a: a.amin(), [distinct(3, 4)], False),
    ("reshape", lambda a: np.reshape(a, (4, 6)), lambda a: a.reshape(4, 6), [normal(2, 3, 4)], False),
    ("reshape -1", lambda a: np.reshape(a, -1), lambda a: a.reshape(-1), [normal(2, 3, 4)], False),
    ("reshape shape=", lambda a: np.tanh(np.reshape(a, shape=(3, 8))),
     lambda a: a.reshape(3, 8).tanh(), [normal(2, 3, 4)], True),
    ("transpose", np.transpose, lambda a: a.permute(2, 1, 0), [normal(2, 3, 4)], False),
    ("transpose axes", lambda a: np.transpose(a, (1, -1, 0)),
     lambda a: a.permute(1, 2, 0), [normal(2, 3, 4)], False),
    ("concatenate", lambda a, b: np.concatenate([a, b], axis=1),
     lambda a, b: torch.cat([a, b], dim=1), [normal(2, 3), normal(2, 4)], False),
    ("concatenate array", lambda a: np.concatenate((a, C14)), lambda a: torch.cat([a, T(C14)]),
     [normal(2, 4)], False),
    ("concatenate axis=None", lambda a, b: np.concatenate([a, b], axis=None),
     lambda a, b: torch.cat([a.flatten(), b.flatten()]), [normal(2, 3), normal(4)], False),
    ("concat", lambda a, b: np.concat([a, b], axis=-1),
     lambda a, b: torch.cat([a, b], dim=-1), [normal(3, 1), normal(3, 2)], False),
    ("stack", lambda a, b: np.stack([a, b], axis=-1),
     lambda a, b: torch.stack([a, b], dim=-1), [normal(2, 3), normal(2, 3)], False),
    ("where", lambda a, b: np.where(MASK, a, b), lambda a, b: torch.where(torch.tensor(MASK), a, b),
     [normal(2, 3), normal(3)], False),
    ("where number", lambda a: np.where(MASK, a, 0.5), lambda a: torch.where(torch.tensor(MASK), a, 0.5),
     [normal(2, 3)], False),
    ("where Value condition", lambda a: np.where(a > 0, a, -a), lambda a: torch.where(a > 0, a, -a),
     [away_from_zero(2, 3)], False),
    ("dot 1-D", np.dot, torch.dot if torch else None, [normal(4), normal(4)], True),
    ("dot 2-D", np.dot, torch.mm if torch else None, [normal(3, 4), normal(4, 2)], True),
    ("dot 2-D 1-D", np.dot, torch.mv if torch else None, [normal(3, 4), normal(4)], True),
    ("dot 0-d", np.dot, torch.mul if torch else None, [normal(), normal(2, 3)], True),
    ("dot N-D", np.dot, lambda a, b: torch.tensordot(a, b, dims=([2], [1])),
     [normal(2, 3, 4), normal(5, 4, 2)], True),
    ("dot N-D 1-D", np.dot, lambda a, b: torch.tensordot(a, b, dims=([2], [0])),
     [normal(2, 3, 4), normal(4)], True),
    ("dot 1-D N-D", np.dot, lambda a, b: torch.tensordot(a, b, dims=([0], [1])),
     [normal(4), normal(2, 4, 3)], True),
    ("dot with an array", lambda a: np.dot(CPOS, a), lambda a: T(CPOS) @ a, [normal(4, 2)], True),
    ("clip", lambda a: np.clip(a, -0.5, 0.7), lambda a: a.clamp(-0.5, 0.7), [distinct(3, 4)], False),
    ("clip None", lambda a: np.clip(a, None, 0.5), lambda a: a.clamp(max=0.5), [distinct(3, 4)], False),
    ("clip min=", lambda a: np.clip(a, min=-0.2), lambda a: a.clamp(min=-0.2), [distinct(3, 4)], False),
    ("squeeze", np.squeeze, lambda a: a.squeeze(), [normal(1, 3, 1)], False),
    ("squeeze axis", lambda a: np.squeeze(a, axis=0), lambda a: a.squeeze(0), [normal(1, 3, 1)], False),
    ("expand_dims", lambda a: np.expand_dims(a, -1), lambda a: a.unsqueeze(-1), [normal(2, 3)], False),
    ("expand_dims axes", lambda a: np.expand_dims(a, (0, 2)),
     lambda a: a.unsqueeze(0).unsqueeze(2), [normal(2, 3)], False),
    ("ravel", np.ravel, lambda a: a.flatten(), [normal(2, 3, 4)], False),
    ("swapaxes", lambda a: np.swapaxes(a, 0, -1), lambda a: a.swapaxes(0, -1), [normal(2, 3, 4)], False),
    ("broadcast_to", lambda a: np.broadcast_to(a, (2, 3, 4)), lambda a: a.expand(2, 3, 4),
     [normal(3, 1)], False),
    ("composed", lambda a, b: np.mean(np.tanh(np.dot(a, b)) ** 2, axis=0),
     lambda a, b: (a @ b).tanh().pow(2).mean(dim=0), [normal(3, 4), normal(4, 2)], True),
]

CASES = UFUNCS + FUNCTIONS


@requires_torch
@pytest.mark.parametrize("name,fn,tfn,arrays,smooth", CASES, ids=[c[0] for c in CASES])
def test_matches_pytorch(name, fn, tfn, arrays, smooth):
    assert_matches_torch(fn, tfn, *arrays, smooth=smooth)


@pytest.mark.parametrize("name,fn,tfn,arrays,smooth", CASES, ids=[c[0] for c in CASES])
def test_records_ops_of_the_table(name, fn, tfn, arrays, smooth):
    out = fn(*[Value(a) for a in arrays])
    seen, todo = set(), [out]
    while todo:
        v = todo.pop()
        if v.op:
            seen.add(v.op)
            todo.extend(v.parents)
    assert seen and seen <= set(ag.OPS)


def test_each_function_records_the_op_of_its_method():
    v, w = Value(normal(2, 3)), Value(normal(3, 2))
    assert [np.exp(v).op, np.tanh(v).op, np.maximum(v, 0).op, np.add(v, 1).op] == \
           ["exp", "tanh", "maximum", "add"]
    assert [np.square(v).op, np.abs(v).op, np.matmul(v, w).op, np.dot(v, w).op] == \
           ["pow", "abs", "matmul", "matmul"]
    assert [np.sum(v).op, np.mean(v).op, np.max(v).op, np.amin(v).op] == ["sum", "mean", "max", "min"]
    assert [np.reshape(v, 6).op, np.transpose(v).op, np.clip(v, 0, 1).op] == \
           ["reshape", "transpose", "clip"]
    assert [np.concatenate([v, v]).op, np.stack([v, v]).op, np.where(MASK, v, 0).op] == \
           ["concat", "stack", "where"]


def test_no_grad_records_nothing():
    v = Value(normal(2, 3))
    with no_grad():
        outs = [np.exp(v), np.add(np.ones(3), v), np.ones(3) * v, np.sum(v, axis=0), np.dot(v, v.T)]
    for out in outs:
        assert isinstance(out, Value) and not out.requires_grad and out.op == "" and out.parents == ()
    np.testing.assert_allclose(outs[0].data, np.exp(v.data))


def test_operators_with_a_value_on_the_left_never_pass_through_numpy(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("__array_ufunc__ was called")
    monkeypatch.setattr(Value, "__array_ufunc__", refuse)
    v, a = Value([1.0, 2.0]), np.array([3.0, 4.0])
    for out in (v + a, v - a, v * np.float64(2), v / a, v ** a, v @ a, 2.0 * v, 1 - v, -v):
        assert isinstance(out, Value)
    with pytest.raises(AssertionError, match="__array_ufunc__ was called"):
        a + v  # an ndarray on the left: NumPy's ufunc, which reaches the op through the protocol


def test_float32_stays_float32():
    v = Value(np.ones(3, dtype=np.float32))
    for out in (np.exp(v), np.sin(v), np.sum(v, axis=0), np.maximum(v, 0.5), np.ones(3, np.float32) * v):
        assert out.dtype == np.float32


# --------------------------------------------------------------- refused
@pytest.mark.parametrize("call,match", [
    (lambda v: np.add.reduce(v), r"np\.add\.reduce is not supported.*use v\.sum\(axis=\.\.\.\)"),
    (lambda v: np.maximum.accumulate(v), r"np\.maximum\.accumulate is not supported"),
    (lambda v: np.add.at(np.zeros(3), [0, 1], v[:2]), r"np\.add\.at is not supported"),
    (lambda v: np.multiply.outer(v, v), r"np\.multiply\.outer is not supported"),
    (lambda v: np.sin(v, out=np.empty(3)), r"np\.sin: out= is not supported"),
    (lambda v: np.maximum(v, 0, where=np.ones(3, bool)), r"np\.maximum: where= is not supported"),
    (lambda v: np.exp(v, dtype=np.float32), r"np\.exp: dtype= is not supported"),
    (lambda v: np.matmul(v, v, axes=[(0,), (0,), ()]), r"np\.matmul: axes= is not supported"),
    (lambda v: np.sum(v, dtype=np.float32), r"np\.sum: dtype= is not supported"),
    (lambda v: np.sum(v, 0, np.float32), r"np\.sum: dtype= is not supported"),
    (lambda v: np.sum(v, out=np.empty(())), r"np\.sum: out= is not supported"),
    (lambda v: np.sum(v, where=np.ones(3, bool), initial=0.0),
     r"np\.sum: initial=, where= are not supported"),
    (lambda v: np.mean(v, dtype=np.float32), r"np\.mean: dtype= is not supported"),
    (lambda v: np.max(v, initial=0.0), r"np\.max: initial= is not supported"),
    (lambda v: np.reshape(v, (3, 1), order="F"), r"np\.reshape: order= is not supported"),
    (lambda v: np.concatenate([v, v], dtype=np.float32), r"np\.concatenate: dtype= is not supported"),
    (lambda v: np.stack([v, v], out=np.empty((2, 3))), r"np\.stack: out= is not supported"),
    (lambda v: np.clip(v, 0, 1, out=np.empty(3)), r"np\.clip: out= is not supported"),
    (lambda v: np.clip(v, 0, 1, casting="unsafe"), r"np\.clip: casting= is not supported"),
    (lambda v: np.dot(v, v, np.empty(())), r"np\.dot: out= is not supported"),
    (lambda v: np.clip(v, Value(0.0), 1.0), r"np\.clip with a Value as its min bound"),
    (lambda v: np.clip(np.ones(3), 0.0, v), r"np\.clip with a Value as its max bound"),
    (lambda v: np.clip(v, 0.0, 1.0, min=0.1), r"np\.clip: give a_min or min, not both"),
])
def test_unsupported_calls_and_keywords_raise_type_error_naming_them(call, match):
    with pytest.raises(TypeError, match=match):
        call(Value([1.0, -2.0, 3.0]))


def test_keywords_given_their_default_are_accepted():
    v = Value([1.0, -2.0, 3.0])
    assert np.sum(v, out=None, dtype=None).op == "sum"
    assert np.reshape(v, (3, 1), order="C").shape == (3, 1)
    assert np.concatenate([v, v], casting="same_kind").shape == (6,)


@pytest.mark.parametrize("fn,name", [
    (np.cbrt, "np.cbrt"), (np.spacing, "np.spacing"), (lambda v: np.fmax(v, 0), "np.fmax"),
    (np.nancumsum, "np.nancumsum"),
    (np.median, "np.median"), (np.nanvar, "np.nanvar"), (np.nanprod, "np.nanprod"),
    (lambda v: np.linalg.inv(v.reshape(3, 1) * v), "np.linalg.inv"),
    (lambda v: np.cross(v, v), "np.cross"), (lambda v: np.convolve(v, v), "np.convolve"),
])
def test_functions_the_op_set_cannot_differentiate_raise_type_error(fn, name):
    with pytest.raises(TypeError, match=rf"^{name} is not supported on Values: "
                                        "the op set cannot differentiate it"):
        fn(Value([1.0, 2.0, 3.0]))


def test_in_place_operators_on_an_array_say_what_to_write():
    a = np.zeros(2)
    with pytest.raises(TypeError, match=r"np\.add: out= .*write `array = array \+ value`"):
        a += Value([1.0, 2.0])
    np.testing.assert_array_equal(a, [0.0, 0.0])


def test_errors_from_the_ops_name_the_function():
    with pytest.raises(ValueError, match=r"np\.dot: shapes \(2, 3, 4\) and \(5, 3, 2\) are not aligned"):
        np.dot(Value(normal(2, 3, 4)), normal(5, 3, 2))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(2, 3\)"):
        np.dot(Value(normal(2, 3)), normal(2, 3))
    with pytest.raises(ValueError, match="np.squeeze: axis 1 has size 3, not 1"):
        np.squeeze(Value(normal(1, 3)), axis=1)
    with pytest.raises(ValueError, match="np.where: give both x and y"):
        np.where(MASK, Value(normal(2, 3)), None)
    with pytest.raises(ValueError, match=r"concat.*\(2, 3\).*\(2, 4\)"):
        np.concatenate([Value(normal(2, 3)), normal(2, 4)])


# ------------------------------------------------------- results on the data
def test_functions_without_a_gradient_run_on_the_data():
    x = np.array([[1.0, np.inf, -2.0], [np.nan, 0.5, 3.0]])
    v = Value(x)
    for fn in (np.isfinite, np.isnan, np.isinf, np.signbit, lambda a: np.greater(a, 0.7),
               lambda a: np.equal(a, 3.0), np.argmax, lambda a: np.argmin(a, axis=1), np.shape, np.ndim,
               np.size, lambda a: np.nonzero(a), lambda a: np.count_nonzero(a), lambda a: np.any(a > 2),
               lambda a: np.isclose(a, 0.5), lambda a: np.argsort(a, axis=0)):
        got, expect = fn(v), fn(x)
        assert not isinstance(got, Value) and type(got) is type(expect)
        np.testing.assert_array_equal(got, expect)
    assert np.allclose(v, x, equal_nan=True) and np.array_equal(v, x, equal_nan=True)
    np.testing.assert_array_equal(np.where(v), np.nonzero(x))


def test_asarray_gives_the_data():
    v = Value(normal(2, 3))
    assert np.asarray(v) is v.data
    assert np.asarray(Value(2.5)).shape == () and float(np.asarray(Value(2.5))) == 2.5
    a = np.array(v)
    assert not np.shares_memory(a, v.data)
    np.testing.assert_array_equal(a, v.data)
    f32 = np.asarray(v, dtype=np.float32)
    assert f32.dtype == np.float32
    np.testing.assert_allclose(f32, v.data, rtol=1e-6)
    with pytest.raises(ValueError, match="copy=False"):
        np.array(v, dtype=np.float32, copy=False)
    assert np.array(v, copy=False) is v.data


def test_matplotlib_plots_values():
    import matplotlib.pyplot as plt
    x = Value(np.linspace(0.0, 1.0, 5))
    y = np.tanh(x) * 2
    plt.figure()
    (line,) = plt.plot(y)
    np.testing.assert_array_equal(line.get_ydata(), y.data)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(5))
    (line,) = plt.plot(x, y)
    np.testing.assert_array_equal(line.get_xdata(), x.data)
    np.testing.assert_array_equal(line.get_ydata(), y.data)
    buf = io.BytesIO()
    plt.gcf().savefig(buf, format="png")
    plt.close("all")
    assert buf.getvalue().startswith(b"\x89PNG")
