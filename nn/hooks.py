"""Instruments on module calls, kept beside the modules rather than on them.

A forward hook (`register_forward_hook`) sees a module's inputs and output
after each call; an interceptor (`intercepting`) wraps every module call made
in the current thread while it is active (the bridge's tracer uses one to
keep the layers it maps whole). Both live in this module's registry, keyed by
the module's identity and holding it weakly: nothing is set on the module, so
a module with hooks pickles and deep-copies as it would without, and a copy
has no hooks. `Module.__call__` tests one counter (`active`) and pays nothing
more while no instrument is attached.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Handle", "register_forward_hook", "intercepting", "call", "active"]

active = 0
"""How many hooks and interceptors are attached (`Module.__call__` reads it)."""

_hooks: dict[int, tuple[weakref.ref, dict[int, Callable]]] = {}
_local = threading.local()
_lock = threading.Lock()
_next_key = iter(range(1, 1 << 62))


class Handle:
    """What `register_forward_hook` returns: `remove()` detaches the hook."""

    def __init__(self, module_id: int, key: int) -> None:
        self._module_id, self._key = module_id, key

    def remove(self) -> None:
        """Detach the hook (a second call does nothing)."""
        global active
        with _lock:
            entry = _hooks.get(self._module_id)
            if entry is not None and entry[1].pop(self._key, None) is not None:
                active -= 1
                if not entry[1]:
                    del _hooks[self._module_id]


def register_forward_hook(module: Any, fn: Callable[[Any, tuple, Any], Any]) -> Handle:
    """Call `fn(module, args, output)` after each call of `module`.

    A result other than None replaces the output. The registry holds the
    module weakly: a module that is deleted takes its hooks with it.

    Args:
        module: the module watched.
        fn: the hook.

    Returns:
        A `Handle` whose `remove()` detaches the hook.
    """
    global active
    module_id = id(module)

    def forget(_: Any, module_id: int = module_id) -> None:
        global active
        with _lock:
            entry = _hooks.pop(module_id, None)
            if entry is not None:
                active -= len(entry[1])

    with _lock:
        entry = _hooks.get(module_id)
        if entry is None or entry[0]() is not module:
            entry = _hooks[module_id] = (weakref.ref(module, forget), {})
        key = next(_next_key)
        entry[1][key] = fn
        active += 1
    return Handle(module_id, key)


@contextlib.contextmanager
def intercepting(around: Callable[[Any, Callable[[], Any], tuple, dict], Any]) -> Iterator[None]:
    """While active, every module call in this thread goes through `around`.

    `around(module, run, args, kwargs)` returns the call's result; `run()`
    makes the call itself (forward and hooks).

    Args:
        around: the interceptor.
    """
    global active
    stack = _local.__dict__.setdefault("arounds", [])
    stack.append(around)
    with _lock:
        active += 1
    try:
        yield
    finally:
        stack.pop()
        with _lock:
            active -= 1


def call(module: Any, args: tuple, kwargs: dict) -> Any:
    """Call `module.forward` with what is attached: the interceptor, then the hooks.

    Args:
        module: the module called.
        args: its positional inputs.
        kwargs: its keyword inputs.

    Returns:
        The output.
    """
    stack = getattr(_local, "arounds", None)
    if stack:
        return stack[-1](module, lambda: _run(module, args, kwargs), args, kwargs)
    return _run(module, args, kwargs)


def _run(module: Any, args: tuple, kwargs: dict) -> Any:
    out = module.forward(*args, **kwargs)
    entry = _hooks.get(id(module))
    if entry is not None and entry[0]() is module:
        for fn in list(entry[1].values()):
            result = fn(module, args, out)
            if result is not None:
                out = result
    return out
