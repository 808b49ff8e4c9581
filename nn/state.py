"""What a module holds besides its parameters' walk: buffers, `state_dict` and
`load_state_dict` (the methods `Module` has from `StateMethods`).

A buffer is an ndarray of state that is not a parameter, such as
BatchNorm's running statistics: no gradient, not in `parameters()`, but in
`state_dict()` after the parameters, and saved, loaded and checked like them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd_core import Value
from autograd_core.checks import real_array
from autograd_core.versions import bump_version

if TYPE_CHECKING:
    from .module import Module

__all__ = ["StateMethods"]


class StateMethods:
    """Buffers and the state dict, for `Module` (which walks the modules and parameters)."""

    if TYPE_CHECKING:
        def named_modules(self) -> list[tuple[str, Module]]: ...
        def named_parameters(self) -> list[tuple[str, Value]]: ...

    def register_buffer(self, name: str, array: Any) -> None:
        """Declare `name` a buffer: an ndarray of state that is not a parameter.

        A buffer (BatchNorm's `running_mean`) has no gradient and is not in
        `parameters()`, but is in `state_dict()` (after the parameters), and is
        saved, loaded and checked like a parameter. It is an ordinary attribute
        (`self.running_mean`); assigning the attribute again replaces it.

        Args:
            name: the attribute name (a valid identifier without a dot).
            array: an ndarray (or real numbers, made one), or None for a
                buffer that is absent (left out of `state_dict()`).

        Raises:
            TypeError: `name` is not a string, or `array` is not real numbers.
            ValueError: `name` is empty, has a dot, or is a parameter or
                submodule already.
        """
        if not isinstance(name, str):
            raise TypeError(f"register_buffer: name must be a string, got {type(name).__name__}")
        if not name.isidentifier():
            raise ValueError(f"register_buffer: {name!r} is not a valid attribute name")
        if name in vars(self) and not isinstance(vars(self)[name], (np.ndarray, type(None))):
            raise ValueError(f"register_buffer: {type(self).__name__} already has an "
                             f"attribute {name!r} that is not a buffer")
        if array is not None:
            array = real_array(f"register_buffer: {name}", array)
        names = self.__dict__.setdefault("_buffer_names", [])
        if name not in names:
            names.append(name)
        setattr(self, name, array)

    def named_buffers(self) -> list[tuple[str, np.ndarray]]:
        """The buffers with their dotted names (`0.running_mean`).

        Returns:
            `(name, ndarray)` pairs: module by module in `named_modules`
            order, each module's in the order they were registered; absent
            (None) buffers are left out.
        """
        out = []
        for prefix, module in self.named_modules():
            for name in getattr(module, "_buffer_names", ()):
                array = getattr(module, name, None)
                if array is not None:
                    out.append((f"{prefix}.{name}" if prefix else name, array))
        return out

    def buffers(self) -> list[np.ndarray]:
        """The buffers, as a list.

        Returns:
            The arrays, in `named_buffers` order.
        """
        return [b for _, b in self.named_buffers()]

    def _state(self) -> list[tuple[str, Any]]:
        """Every parameter (a Value), then every buffer (an ndarray), by name."""
        return [*self.named_parameters(), *self.named_buffers()]

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's data, then of every buffer, by name.

        Returns:
            A dict name -> ndarray: the parameters in `named_parameters`
            order, then the buffers in `named_buffers` order.
        """
        return {name: np.array(_array(p)) for name, p in self._state()}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Copy the arrays of `state_dict` into the parameters and buffers, in place.

        The names must be exactly those of `state_dict()`, and every array
        must have its parameter's (or buffer's) shape and dtype. Everything is checked before
        anything is copied, so a refused load leaves the module unchanged. The
        parameter arrays keep their identity, so an optimizer holding them stays
        valid; each parameter's version is bumped, so a graph recorded before
        the load can no longer run backward.

        Args:
            state_dict: a mapping name -> array (or Value), as `state_dict()` gives.

        Raises:
            TypeError: `state_dict` is not a mapping, or an entry is not an array.
            ValueError: missing or unexpected names, or an entry of the wrong
                shape or dtype (naming the entry).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict expects a mapping of name -> array, "
                            f"got {type(state_dict).__name__}")
        params = dict(self._state())
        missing = [n for n in params if n not in state_dict]
        unexpected = [n for n in state_dict if n not in params]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {missing}")
            if unexpected:
                parts.append(f"unexpected {unexpected}")
            raise ValueError(f"load_state_dict: names do not match the {type(self).__name__}'s "
                             f"parameters and buffers ({'; '.join(parts)})")
        arrays = {}
        for name, p in params.items():
            value = state_dict[name]
            arr = value.data if isinstance(value, Value) else value
            if not isinstance(arr, np.ndarray):
                try:
                    arr = np.asarray(arr)
                except (TypeError, ValueError) as e:
                    raise TypeError(f"load_state_dict: entry {name!r} is not an array: {e}") \
                        from None
            kind = "parameter" if isinstance(p, Value) else "buffer"
            if arr.shape != _array(p).shape:
                raise ValueError(f"load_state_dict: entry {name!r} has shape {arr.shape}, "
                                 f"but the {kind} has shape {_array(p).shape}")
            if arr.dtype != _array(p).dtype:
                raise ValueError(f"load_state_dict: entry {name!r} has dtype {arr.dtype}, "
                                 f"but the {kind} has dtype {_array(p).dtype}")
            arrays[name] = arr
        # Every load (nn.load included) writes the parameters here, and only here.
        for name, p in params.items():
            np.copyto(_array(p), arrays[name])
            if isinstance(p, Value):
                bump_version(p)  # graphs recorded before the load can no longer backward


def _array(entry: Any) -> np.ndarray:
    """The ndarray of a state entry: a parameter's data, or the buffer itself."""
    return entry.data if isinstance(entry, Value) else entry
