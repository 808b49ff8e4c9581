"""The public `op` decorator: a user's op is written as the library writes its
own, checked by `gradcheck`, and differentiable again where its VJPs use
operators and NumPy's functions (which record on Values)."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import GradcheckError, Value, gradcheck, gradgradcheck, op, vjp_tools


@op(lambda g, out, x: g * 3 * x * x)
def cube(x):
    """x ** 3;  d/dx = 3 x**2."""
    return x ** 3


@op(lambda g, out, a, b: g * np.exp(b), lambda g, out, a, b: g * out)
def scaled_exp(a, b):
    """a * exp(b);  d/da = exp(b), d/db = a exp(b)."""
    return a * np.exp(b)


@op(lambda g, out, x: g * x * x)  # wrong on purpose: the derivative of x**3 is 3 x**2
def cube_wrong(x):
    """x ** 3, with a wrong derivative."""
    return x ** 3


def test_user_op_is_an_op_not_in_the_library_table() -> None:
    assert isinstance(cube, ag.Op) and cube.name == "cube"
    assert cube.doc.startswith("x ** 3")
    assert "cube" not in ag.OPS


def test_user_op_takes_values_numbers_and_arrays() -> None:
    x = Value([1.0, -2.0])
    y = cube(x)
    assert y.op == "cube" and y.parents == (x,)
    np.testing.assert_array_equal(y.data, [1.0, -8.0])
    assert cube(2.0).item() == 8.0 and not cube(2.0).requires_grad
    np.testing.assert_array_equal(cube(np.array([3.0])).data, [27.0])


def test_user_op_gradients_checked_by_gradcheck() -> None:
    rng = np.random.default_rng(0)
    a, b = Value(rng.standard_normal((2, 3))), Value(rng.standard_normal((2, 3)))
    assert gradcheck(lambda a: cube(a).sum(), a)
    assert gradcheck(lambda a, b: scaled_exp(a, b), a, b)
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(lambda a: cube_wrong(a).sum(), a)


def test_user_op_second_derivatives_through_numpy_functions() -> None:
    rng = np.random.default_rng(1)
    a, b = Value(rng.standard_normal(4)), Value(rng.standard_normal(4))
    assert gradgradcheck(lambda a, b: scaled_exp(a, b).sum(), a, b)
    x = Value(2.0)
    (g,) = [ag.grad(lambda x: cube(x))(x)]
    g.backward()
    assert g.item() == 12.0 and x.grad.item() == 12.0  # d2/dx2 x**3 = 6x


def test_user_op_broadcasting_reduced_by_the_engine() -> None:
    a, b = Value(np.ones((3, 1))), Value(np.zeros((1, 4)))
    scaled_exp(a, b).sum().backward()
    np.testing.assert_allclose(a.grad, np.full((3, 1), 4.0))
    np.testing.assert_allclose(b.grad, np.full((1, 4), 3.0))


def test_vjp_tools_on_arrays_and_values() -> None:
    x = np.array([0.5, 1.5])
    for ufunc, name in [(np.exp, "exp"), (np.log, "log"), (np.sqrt, "sqrt"), (np.tanh, "tanh"),
                        (np.sin, "sin"), (np.cos, "cos")]:  # NumPy's functions record on Values
        v = ufunc(Value(x))
        assert isinstance(v, Value) and v.op == name
        np.testing.assert_allclose(v.data, ufunc(x))
    np.testing.assert_allclose(vjp_tools.sigmoid(x), 1 / (1 + np.exp(-x)))
    big = np.array([-800.0, 800.0])
    with np.errstate(over="raise"):  # no overflow in exp
        np.testing.assert_array_equal(vjp_tools.sigmoid(big), [0.0, 1.0])
    assert vjp_tools.sigmoid(np.float32(0.0)).dtype == np.float32
    assert vjp_tools.sigmoid(Value(x)).op == "sigmoid"
    assert vjp_tools.is_value(Value(1.0)) and not vjp_tools.is_value(x)
    assert not vjp_tools.is_value(1.0) and not vjp_tools.is_value(np.float64(1.0))
    assert vjp_tools.data(Value([1.0])).tolist() == [1.0] and vjp_tools.data(x) is x


def test_op_refuses_bad_definitions() -> None:
    with pytest.raises(TypeError, match="callable"):
        op(3)
    with pytest.raises(TypeError, match="either"):
        op(lambda g, out, a: g, vjp_all=lambda g, out, *a: [g])
