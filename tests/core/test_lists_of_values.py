"""A list or tuple that holds Values is never silently turned into an array of
numbers: NumPy's functions, `concat`, `stack` and the operators record every
Value in it, or raise TypeError."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value


def _pair():
    return Value([1.0, 2.0]), Value(3.0), Value(4.0)


@pytest.mark.parametrize("ufunc, grads", [
    (np.add, (1.0, 1.0)), (np.multiply, (1.0, 2.0)), (np.maximum, (1.0, 1.0)),
    (np.subtract, (-1.0, -1.0)), (np.matmul, (1.0, 2.0))])
def test_ufunc_with_a_list_of_values_records_each(ufunc, grads) -> None:
    a, b0, b1 = _pair()
    out = ufunc(a, [b0, b1])
    assert isinstance(out, Value)
    out.sum().backward()
    assert (float(b0.grad), float(b1.grad)) == grads


@pytest.mark.parametrize("join", [
    lambda a, b0, b1: ag.concat([a, [b0, b1]]),
    lambda a, b0, b1: ag.concat(([b0, b1], a)),
    lambda a, b0, b1: ag.stack([a, (b0, b1)]),
    lambda a, b0, b1: np.concatenate([a, [b0, b1]]),
    lambda a, b0, b1: np.stack([[b0, b1], a], axis=1),
])
def test_joins_record_values_inside_nested_lists(join) -> None:
    a, b0, b1 = _pair()
    out = join(a, b0, b1)
    (out * out).sum().backward()
    assert float(b0.grad) == 6.0 and float(b1.grad) == 8.0
    np.testing.assert_array_equal(a.grad, [2.0, 4.0])


def test_numbers_beside_values_in_a_list_are_constants() -> None:
    a, b0, _ = _pair()
    out = ag.stack([[b0, 1.0], a])
    out.sum().backward()
    np.testing.assert_array_equal(out.data, [[3.0, 1.0], [1.0, 2.0]])
    assert float(b0.grad) == 1.0


@pytest.mark.parametrize("expr", [
    lambda a, b0, b1: a * [b0, b1], lambda a, b0, b1: [b0, b1] + a,
    lambda a, b0, b1: ag.maximum(a, [b0, b1]), lambda a, b0, b1: ag.where(a > 1, [b0, b1], 0.0),
])
def test_operators_and_functions_refuse_lists_of_values(expr) -> None:
    a, b0, b1 = _pair()
    with pytest.raises(TypeError):
        expr(a, b0, b1)


def test_values_that_do_not_stack_raise() -> None:
    a, b0, _ = _pair()
    with pytest.raises(ValueError, match="stack"):
        np.add(a, [b0, a])
