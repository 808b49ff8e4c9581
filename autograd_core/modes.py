"""The modes that change what ops record: grad mode, anomaly detection and the
module scope.

Modes are per thread, as in PyTorch: a thread that evaluates under `no_grad()`
never stops another thread's graph from being recorded. Each thread has one
`Modes` object; `current()` finds it.
"""
from __future__ import annotations

import functools
import inspect
import threading
from typing import Any, Callable

__all__ = ["Modes", "current", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
           "is_anomaly_enabled", "enter_module", "exit_module", "current_scope"]


class Modes:
    """One thread's modes: whether ops record, whether anomalies are checked, the module scope.

    Made once per thread, on first use; `current()` gives the calling
    thread's. Setting a field keeps `_changed` up to date.
    """

    __slots__ = ("grad_enabled", "anomaly", "scope")

    def __init__(self) -> None:
        set_field = object.__setattr__  # the defaults: nothing for `changed` to note
        set_field(self, "grad_enabled", True)
        """Whether ops record the graph (`no_grad` turns it off)."""
        set_field(self, "anomaly", False)
        """Whether `detect_anomaly` is on."""
        set_field(self, "scope", ())
        """The modules whose `forward` is running, outermost first."""

    def __setattr__(self, name: str, value: Any) -> None:
        _set(self, name, value)
        _note(self)


_set = object.__setattr__
"""Sets a field of a `Modes` without `Modes.__setattr__`'s bookkeeping (the
module scope's writers do their own, cheaper: see `enter_module`)."""


def _note(modes: Modes) -> None:
    """Keep `_changed` up to date after a field of `modes` was set: the one place that
    decides whether a thread's modes are the defaults."""
    # set.add and set.discard are atomic under the GIL: no lock. Only this
    # thread writes its Modes, so it is in `changed` whenever it differs.
    if modes.grad_enabled is True and modes.anomaly is False and modes.scope == ():
        _changed.discard(modes)
    else:
        _changed.add(modes)


_changed: set = set()
"""The `Modes` of the threads whose modes differ from the defaults (grad mode on,
no anomaly detection, no module scope) at this moment.

`node.apply` reads the calling thread's modes only when this set is not
empty: a test of a set's truth costs about a tenth of a thread-local lookup.
A thread that finds it empty has the default modes, since it would have added
its own `Modes` before its op (a thread that ends with a mode still set leaves
it here: ops then take the thread-local lookup, never a wrong mode)."""

_DEFAULTS = Modes()
"""The default modes, which `node.apply` uses while `_changed` is empty (never set it)."""


class _PerThread(threading.local):
    def __init__(self) -> None:  # runs once in each thread that reads `modes`
        self.modes = Modes()


_local = _PerThread()


def current() -> Modes:
    """This thread's modes.

    `node.apply` reads `_local.modes` once per op instead, and only when
    `_changed` is not empty: a thread-local lookup costs several plain
    attribute reads.

    Returns:
        The calling thread's `Modes`.
    """
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
        if inspect.isgeneratorfunction(fn):
            return functools.wraps(fn)(lambda *args, **kwargs: _in_mode(mode, fn(*args, **kwargs)))

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return fn(*args, **kwargs)

        return wrapper


def _in_mode(mode: type, gen: Any) -> Any:
    """Run the generator `gen` in `mode` whenever it runs, and in the caller's
    mode between its `yield`s (as PyTorch's decorator does): what is sent or
    thrown in is passed on."""
    try:
        with mode():
            response = gen.send(None)
        while True:
            try:
                request = yield response
            except GeneratorExit:
                with mode():
                    gen.close()
                raise
            except BaseException as e:
                with mode():
                    response = gen.throw(e)
            else:
                with mode():
                    response = gen.send(request)
    except StopIteration as e:
        return e.value


class no_grad(_GradMode):
    """Context manager and decorator: ops inside record no graph, in this thread.

    Results made inside are leaves that require no grad, which is what
    evaluation and parameter updates want; in-place updates (`w -= lr *
    w.grad`) are allowed inside. Other threads keep recording. As a decorator
    it is written `@no_grad()` or `@no_grad`, and the function runs in the mode
    (a generator function whenever it runs: its caller's mode holds between
    its `yield`s, as with PyTorch's decorator).

    Examples:
        >>> from autograd_core import Value, no_grad
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * x
        >>> y.requires_grad
        False
    """

    enabled = False
    """Whether ops record the graph inside this mode: False."""


class enable_grad(_GradMode):
    """Context manager and decorator: ops record the graph, also inside `no_grad`, in this thread.

    As a decorator it is written `@enable_grad()` or `@enable_grad` (on a
    generator function, as for `no_grad`).

    Examples:
        >>> from autograd_core import Value, enable_grad, no_grad
        >>> x = Value(2.0)
        >>> with no_grad(), enable_grad():
        ...     y = x * x
        >>> y.requires_grad
        True
    """

    enabled = True
    """Whether ops record the graph inside this mode: True."""


def is_grad_enabled() -> bool:
    """Whether ops record the graph in this thread.

    Returns:
        False inside `no_grad()` (unless `enable_grad()` is nested in it), else True.
    """
    return _local.modes.grad_enabled


class detect_anomaly:
    """Context manager: the first NaN or inf in a forward output or a backward gradient raises.

    In this thread only. It checks every op's output, and every gradient of the
    backward passes run inside it, at some cost in speed.

    Raises:
        FloatingPointError: (from the op or the backward pass inside) naming
            the op and the shapes involved.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value, detect_anomaly
        >>> with detect_anomaly(), np.errstate(invalid="ignore"):
        ...     Value([-1.0]).log()
        Traceback (most recent call last):
        FloatingPointError: log: forward output of shape (1,) holds NaN or inf (input shapes [(1,)])
    """

    def __enter__(self) -> "detect_anomaly":
        self._prev = _local.modes.anomaly
        _local.modes.anomaly = True
        return self

    def __exit__(self, *exc: Any) -> None:
        _local.modes.anomaly = self._prev


def is_anomaly_enabled() -> bool:
    """Whether `detect_anomaly` is on in this thread.

    Returns:
        True inside `detect_anomaly()`.
    """
    return _local.modes.anomaly


def enter_module(module: Any) -> tuple:
    """Push `module` on the scope that new nodes record (graph drawings cluster by it).

    `nn.Module.__call__` calls it around `forward`.

    Args:
        module: the module whose `forward` starts.

    Returns:
        A token for `exit_module`.
    """
    # The scope set without `Modes.__setattr__` (a call from C into Python, twice a
    # module call): a scope that is not empty is never the default, so entering
    # only adds to `_changed`, and only leaving the outermost module decides again;
    # this thread's modes looked up once, kept in the token (a call of a module whose
    # forward returns its input 10.2k -> 9.3k instructions; callgrind, N and 2N calls).
    modes = _local.modes
    scope = modes.scope
    _set(modes, "scope", scope + (module,))
    _changed.add(modes)
    return modes, scope


def exit_module(token: tuple) -> None:
    """Restore the module scope saved by `enter_module`.

    Args:
        token: what `enter_module` returned.
    """
    modes, scope = token
    _set(modes, "scope", scope)
    if not scope:
        _note(modes)


def current_scope() -> tuple:
    """The modules whose `forward` is running in this thread.

    Returns:
        The modules, outermost first.
    """
    return _local.modes.scope
