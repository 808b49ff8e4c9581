"""The error contract, case by case, and property tests over broadcast shapes."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
from autograd_core import GradcheckError, Value, gradcheck
from autograd_core.registry import Op


# ------------------------------------------------------------ shape errors
@pytest.mark.parametrize("name,fn", [
    ("add", lambda a, b: a + b), ("sub", lambda a, b: a - b), ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b), ("pow", lambda a, b: a ** b),
    ("maximum", ag.maximum), ("minimum", ag.minimum),
])
def test_broadcast_mismatch_names_the_op_and_both_shapes(name, fn):
    a, b = Value(np.ones((2, 3))), Value(np.ones((4,)))
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(4,\)"):
        fn(a, b)


def test_matmul_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        Value(np.ones((2, 3))) @ np.ones((4, 5))


def test_where_concat_stack_reshape_mismatches():
    with pytest.raises(ValueError, match=r"where.*\(2,\)"):
        ag.where(np.array([True, False]), Value(np.ones(3)), 0.0)
    with pytest.raises(ValueError, match=r"concat.*\(2, 3\).*\(2, 4\)"):
        ag.concat([Value(np.ones((2, 3))), Value(np.ones((2, 4)))], axis=0)
    with pytest.raises(ValueError, match=r"stack.*\(2,\).*\(3,\)"):
        ag.stack([Value(np.ones(2)), Value(np.ones(3))])
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\)"):
        Value(np.ones((2, 3))).reshape(4, 2)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        Value(np.ones((2, 3))).sum(axis=2)
    with pytest.raises(ValueError, match="permutation"):
        Value(np.ones((2, 3))).transpose(0, 0, 1)


# ------------------------------------------------------------ type errors
@pytest.mark.parametrize("bad", ["text", [1.0, 2.0], None, 1 + 2j, {"a": 1},
                                 np.array(["x"]), np.array([1 + 1j])])
def test_unsupported_operands_raise_type_error(bad):
    v = Value(np.ones(2))
    for fn in (lambda: v + bad, lambda: bad * v, lambda: v @ bad, lambda: v ** bad):
        with pytest.raises(TypeError, match="unsupported operand"):
            fn()


@pytest.mark.parametrize("bad", ["text", None, object(), np.array(["a", "b"]), 1 + 2j])
def test_value_rejects_non_numeric_data(bad):
    with pytest.raises(TypeError, match="Value: expected real numbers for data"):
        Value(bad)


def test_comparisons_with_unsupported_types_raise():
    with pytest.raises(TypeError, match="cannot compare a Value with str"):
        Value(1.0) < "a"


# -------------------------------------------------------- backward errors
def test_backward_on_non_scalar_needs_grad():
    y = Value(np.ones(3)) * 2
    with pytest.raises(ValueError, match=r"grad must be given.*\(3,\)"):
        y.backward()


def test_backward_with_wrongly_shaped_grad():
    y = Value(np.ones(3)) * 2
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        y.backward(np.ones(2))


def test_backward_on_value_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Value(1.0, requires_grad=False).backward()
    with ag.no_grad():
        y = Value(2.0) * 3
    with pytest.raises(RuntimeError, match="backward: this Value does not require grad"):
        y.backward()


def test_indexing_errors():
    v = Value(np.arange(4.0))
    with pytest.raises(IndexError, match=r"getitem: .*\(4,\): index 4 is out of bounds"):
        v[4]
    with pytest.raises(IndexError, match=r"getitem: .*\(4,\): index 7 is out of bounds"):
        v[np.array([0, 7])]
    with pytest.raises(IndexError, match="getitem: .*boolean index did not match"):
        v[np.array([True, False])]
    with pytest.raises(IndexError, match="unsupported index 1.5: use ints, slices"):
        v[1.5]
    with pytest.raises(IndexError, match=r"getitem: .*shapes \(\): invalid index to scalar"):
        Value(1.0)[0]


def test_item_needs_a_single_element():
    with pytest.raises(ValueError, match="single-element"):
        Value(np.ones(2)).item()


# --------------------------------------------------------------- gradcheck
def _wrong_cube():
    """x**3 with the derivative 2x**2 (wrong on purpose); not registered in OPS."""
    return Op("wrong_cube", lambda a: a ** 3, (lambda g, out, a: g * 2 * a ** 2,))


def test_gradcheck_rejects_a_wrong_derivative_with_a_table():
    cube = _wrong_cube()
    x = Value(np.array([[1.0, 2.0], [3.0, 0.0]]), label="x")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: cube(v).sum(), x)
    msg = str(info.value)
    assert "x" in msg and "(1, 0)" in msg  # worst element first: 18 vs 27
    first_row = msg.splitlines()[2]
    assert re.search(r"\(1, 0\)\s+18\s+27", first_row)
    assert "(1, 1)" not in msg  # 0 == 0 there


def test_gradcheck_names_unlabelled_inputs_by_position_and_leaves_inputs_alone():
    cube = _wrong_cube()
    a = Value(np.ones(2, np.float32))
    b = Value(np.full(2, 2.0))
    before = a.data.copy()
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda u, v: (u * cube(v)).sum(), a, b)
    assert a.data.dtype == np.float32 and np.array_equal(a.data, before) and a.grad is None
    assert gradcheck(lambda u, v: (u * v ** 3).sum(), a, b)


def test_gradgradcheck_rejects_a_wrong_second_derivative():
    # First derivative right, but its VJP treats `out` as a constant.
    def vjp(g, out, a):
        return g * 2 * (a.data if isinstance(a, Value) else a)  # a's data: a constant

    square = Op("detached_square", lambda a: a * a, (vjp,))
    x = Value(np.array([0.5, -1.5]))
    assert gradcheck(lambda v: square(v).sum(), x)
    with pytest.raises(GradcheckError, match="gradgradcheck"):
        ag.gradgradcheck(lambda v: square(v).sum(), x)


# -------------------------------------------------------- property tests
@st.composite
def broadcastable_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    a_shape, b_shape = shapes.input_shapes
    elems = st.floats(-2, 2, allow_nan=False, width=64)
    a = draw(hnp.arrays(np.float64, a_shape, elements=elems))
    b = draw(hnp.arrays(np.float64, b_shape, elements=elems))
    return a, b


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(broadcastable_pair(), st.sampled_from(["add", "sub", "mul", "maximum"]))
def test_broadcast_gradients_are_reduced_to_each_input(pair, name):
    a, b = pair
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
          "maximum": ag.maximum}[name]
    va, vb = Value(a), Value(b)
    out = fn(va, vb)
    cot = np.cos(np.arange(out.size)).reshape(out.shape)
    out.backward(cot)
    assert va.grad.shape == a.shape and vb.grad.shape == b.shape
    # Reference: the gradient with respect to the broadcast operand, summed back.
    full_a, full_b = np.broadcast_arrays(a, b)
    ga = {"add": cot, "sub": cot, "mul": cot * full_b,
          "maximum": cot * ((full_a > full_b) + 0.5 * (full_a == full_b))}[name]
    lead = ga.ndim - a.ndim
    ga = ga.sum(axis=tuple(range(lead)))
    ga = ga.sum(axis=tuple(i for i, n in enumerate(a.shape) if n == 1), keepdims=True)
    np.testing.assert_allclose(va.grad, ga.reshape(a.shape), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(broadcastable_pair())
def test_gradcheck_passes_on_random_broadcast_products(pair):
    a, b = pair
    assert gradcheck(lambda x, y: (x * y + x).tanh().sum(), Value(a), Value(b))
