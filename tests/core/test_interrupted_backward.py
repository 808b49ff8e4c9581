"""A backward pass that stops with an exception leaves nothing behind that a
later backward pass would pick up: no pending gradient, no partial `.grad`."""
from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Value, detect_anomaly, op
from autograd_core.backward import toposort


class Stop(Exception):
    """Raised by the VJP below on demand."""


_raise = {"exc": None}


def _maybe_raise(g, out, a):
    if _raise["exc"] is not None:
        raise _raise["exc"]
    return g * 2


@op(_maybe_raise)
def double(a):
    """2 a;  d/da = 2 (its VJP raises on demand)."""
    return 2 * a


def _graph(w: Value, b: Value) -> Value:
    # b is reached before double's VJP runs, w only through it
    return (double(w * 3.0) + b * b).sum()


@pytest.mark.parametrize("exc", [Stop("user op failed"), KeyboardInterrupt()])
def test_a_failing_vjp_leaves_no_gradient_behind(exc) -> None:
    w, b = Value(np.ones(3), label="w"), Value(np.full(3, 2.0), label="b")
    y = _graph(w, b)
    _raise["exc"] = exc
    try:
        with pytest.raises(type(exc), match=f"^{exc}$"):  # KeyboardInterrupt(): no message
            y.backward()
    finally:
        _raise["exc"] = None
    assert all(n._pending is None for n in toposort(y))
    assert w.grad is None and b.grad is None and y.grad is None
    # A later, unrelated pass over part of the same nodes is exact.
    (b * 5.0).sum().backward()
    np.testing.assert_array_equal(b.grad, np.full(3, 5.0))
    y.backward()
    np.testing.assert_array_equal(w.grad, np.full(3, 6.0))
    np.testing.assert_array_equal(b.grad, np.full(3, 5.0 + 4.0))


def test_an_anomaly_mid_pass_leaves_no_gradient_behind() -> None:
    x = Value(np.array([0.0, 1.0]), label="x")
    c = Value(np.array([2.0, 3.0]), label="c")
    y = (x.sqrt() + c * c).sum()  # sqrt's gradient at 0 is inf
    with detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        y.backward()
    assert x.grad is None and c.grad is None
    assert all(n._pending is None for n in toposort(y))
    (c * 1.0).sum().backward()
    np.testing.assert_array_equal(c.grad, [1.0, 1.0])


def test_accumulated_gradients_are_kept_when_a_later_pass_fails() -> None:
    w, b = Value(np.ones(3)), Value(np.ones(3))
    (w * 4.0).sum().backward()
    y = _graph(w, b)
    _raise["exc"] = Stop("again")
    try:
        with pytest.raises(Stop, match="again"):
            y.backward()
    finally:
        _raise["exc"] = None
    np.testing.assert_array_equal(w.grad, np.full(3, 4.0))  # as before the failed pass
