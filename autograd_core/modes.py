"""The modes that change what ops record: grad mode, anomaly detection and the
module scope.

Modes are per thread, as in PyTorch: a thread that evaluates under `no_grad()`
never stops another thread's graph from being recorded. Each thread has one
`Modes` object; `current()` finds it.
"""
from __future__ import annotations

import functools
import threading
from typing import Any, Callable

__all__ = ["Modes", "current", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
           "is_anomaly_enabled", "enter_module", "exit_module", "current_scope"]


class Modes:
    """One thread's modes: whether ops record the graph, whether anomaly
    detection is on, and the modules whose `forward` is running (outermost
    first)."""

    __slots__ = ("grad_enabled", "anomaly", "scope")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.scope: tuple = ()


class _PerThread(threading.local):
    def __init__(self) -> None:  # runs once in each thread that reads `modes`
        self.modes = Modes()


_local = _PerThread()


def current() -> Modes:
    """This thread's modes. `value.apply` reads `_local.modes` once per op
    instead: a thread-local lookup costs several plain attribute reads."""
    return _local.modes


class _GradMode:
    """Sets whether ops record the graph, as a context manager or a decorator
    (`@no_grad()` or bare `@no_grad`)."""

    enabled = True

    def __new__(cls, fn: Callable | None = None) -> Any:
        self = super().__new__(cls)
        return self if fn is None else self(fn)

    def __enter__(self) -> None:
        self._prev = _local.modes.grad_enabled
        _local.modes.grad_enabled = self.enabled

    def __exit__(self, *exc: Any) -> None:
        _local.modes.grad_enabled = self._prev

    def __call__(self, fn: Callable) -> Callable:
        mode = type(self)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator: ops inside record no graph (in this thread).

    >>> from autograd_core import Value, no_grad
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.requires_grad
    False
    """

    enabled = False


class enable_grad(_GradMode):
    """Context manager and decorator: ops record the graph, also inside `no_grad`."""

    enabled = True


def is_grad_enabled() -> bool:
    """Whether ops record the graph in this thread."""
    return _local.modes.grad_enabled


class detect_anomaly:
    """Context manager: in this thread, the first NaN or inf in a forward
    output or a backward gradient raises `FloatingPointError` naming the op and
    the shapes involved."""

    def __enter__(self) -> "detect_anomaly":
        self._prev = _local.modes.anomaly
        _local.modes.anomaly = True
        return self

    def __exit__(self, *exc: Any) -> None:
        _local.modes.anomaly = self._prev


def is_anomaly_enabled() -> bool:
    """Whether `detect_anomaly` is on in this thread."""
    return _local.modes.anomaly


def enter_module(module: Any) -> tuple:
    """Push `module` on the scope recorded by new nodes; returns a token for `exit_module`."""
    token = _local.modes.scope
    _local.modes.scope = token + (module,)
    return token


def exit_module(token: tuple) -> None:
    """Restore the module scope saved by `enter_module`."""
    _local.modes.scope = token


def current_scope() -> tuple:
    """The modules whose `forward` is running in this thread, outermost first."""
    return _local.modes.scope
