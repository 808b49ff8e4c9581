"""Data that is not real numbers is refused with a TypeError naming the
argument, never converted; the setters check at once."""
from __future__ import annotations

import datetime

import numpy as np
import pytest

from autograd_core import Value, no_grad

NOT_REAL = [1j, np.array([1 + 2j]), "1.5", ["1.5", "2"], b"1", None, [None, 1.0],
            np.array([1.0, None], dtype=object), np.datetime64("2024-01-01"),
            np.array([1, 2], dtype="timedelta64[s]"), datetime.date(2024, 1, 1),
            np.longdouble(1.0), {"a": 1}]


@pytest.mark.parametrize("bad", NOT_REAL, ids=lambda b: type(b).__name__)
def test_value_data(bad) -> None:
    with pytest.raises(TypeError, match="Value"):
        Value(bad)


@pytest.mark.parametrize("bad", NOT_REAL, ids=lambda b: type(b).__name__)
def test_operand(bad) -> None:
    with pytest.raises(TypeError, match="unsupported operand"):
        Value([1.0]) * bad


@pytest.mark.parametrize("bad", [b for b in NOT_REAL if b is not None],
                         ids=lambda b: type(b).__name__)
def test_backward_grad(bad) -> None:  # (None is the default: ones)
    y = Value([1.0]) * 2
    with pytest.raises(TypeError, match="grad"):
        y.backward(bad)


@pytest.mark.parametrize("bad", NOT_REAL, ids=lambda b: type(b).__name__)
def test_data_and_grad_setters(bad) -> None:
    v = Value([1.0])
    with pytest.raises(TypeError, match=r"\.data"):
        v.data = bad
    with pytest.raises(TypeError, match=r"\.grad"):
        v.grad = bad if bad is not None else "x"
    np.testing.assert_array_equal(v.data, [1.0])
    assert v.grad is None


@pytest.mark.parametrize("bad", [1j, "2", None], ids=lambda b: type(b).__name__)
def test_in_place_operands(bad) -> None:
    v = Value([1.0])
    with no_grad(), pytest.raises(TypeError, match="in-place \\+=: unsupported operand type"):
        v += bad
    with no_grad(), pytest.raises(TypeError, match=r"v\[idx\] = x: unsupported operand type"):
        v[0] = bad
    np.testing.assert_array_equal(v.data, [1.0])


def test_setters_convert_real_numbers_to_the_values_dtype() -> None:
    v = Value(np.zeros(2, dtype=np.float32))
    v.data = np.array([1, 2])  # ints: converted to float32
    assert v.dtype == np.float32 and v.data.tolist() == [1.0, 2.0]
    v.grad = [0.5, 1]
    assert v.grad.dtype == np.float32 and v.grad.tolist() == [0.5, 1.0]
    v.grad = None
    assert v.grad is None
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        v.grad = np.zeros(3)
    g = np.ones(2, dtype=np.float32)
    v.grad = g
    assert v.grad is g  # no conversion needed: the array itself
