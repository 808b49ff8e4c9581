"""`no_grad` and `enable_grad` as decorators of generator functions keep
their mode while the generator runs and give the caller's mode back at each
`yield`, as PyTorch's decorators do."""
from __future__ import annotations

import pytest

from autograd_core import Value, enable_grad, no_grad
from autograd_core.modes import is_grad_enabled


def test_no_grad_generator_records_nothing_and_the_caller_records_between_yields() -> None:
    x = Value(2.0)

    @no_grad
    def scaled(n):
        for k in range(n):
            yield x * k

    seen = []
    for y in scaled(3):
        seen.append((y.requires_grad, is_grad_enabled(), (x * 1).requires_grad))
    assert seen == [(False, True, True)] * 3


def test_enable_grad_generator_records_inside_no_grad() -> None:
    x = Value(2.0)

    @enable_grad()
    def squares():
        yield x * x
        yield x * x * x

    with no_grad():
        out = []
        for y in squares():
            out.append((y.requires_grad, is_grad_enabled()))
    assert out == [(True, False), (True, False)]


def test_send_throw_close_and_return_value_pass_through() -> None:
    @no_grad()
    def echo():
        try:
            got = yield is_grad_enabled()
            got = yield got, is_grad_enabled()
        except KeyError as e:
            yield "caught", str(e), is_grad_enabled()
        return "done"

    g = echo()
    assert next(g) is False
    assert g.send(5) == (5, False)
    assert is_grad_enabled()
    assert g.throw(KeyError("k")) == ("caught", "'k'", False)
    with pytest.raises(StopIteration) as stop:
        next(g)
    assert stop.value.value == "done"

    closed = []

    @no_grad
    def closing():
        try:
            yield 1
        finally:
            closed.append(is_grad_enabled())

    g = closing()
    next(g)
    g.close()
    assert closed == [False] and is_grad_enabled()


def test_decorated_generator_keeps_its_name() -> None:
    @no_grad
    def named():
        """Doc."""
        yield 1

    assert named.__name__ == "named" and named.__doc__ == "Doc."
