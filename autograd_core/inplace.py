"""Changing a Value in place, as PyTorch users write a parameter update:
`with no_grad(): w -= lr * w.grad`, `v[idx] = x`, and assigning `.data` or
`.grad`, each checked at once.

Under `no_grad()` (or on a Value that requires no grad) the operators
`+= -= *= /= **= @=` and `v[idx] = x` change the Value itself: same object,
shape and dtype. With recording on, an augmented assignment on an op's
result builds a new node and rebinds the name, as in micrograd; on a leaf
that requires grad it raises, pointing to `no_grad()`. Every change in place
bumps the Value's version (see `versions`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .dtypes import const, to_array
from .methods import _index
from .modes import current as _current_modes
from .registry import Op
from .versions import bump_version

__all__ = ["InPlaceMethods"]


def _operand(x: Any, dtype: np.dtype, what: str) -> Any:
    """The raw data of the right-hand side of an in-place change."""
    if isinstance(x, InPlaceMethods):
        return x._data
    try:
        return const(x, dtype, True)
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None


class InPlaceMethods:
    """Mixed into `Value`: in-place operators, item assignment and the checked setters.

    Under `no_grad()`, or on a Value that requires no grad, `v += x`, `v -= x`,
    `v *= x`, `v /= x`, `v **= x`, `v @= x` and `v[idx] = x` write into the
    Value itself: the same object, shape and dtype, so `w -= lr * w.grad` is a
    parameter update and `w` stays a leaf that requires grad. With recording
    on, an augmented assignment on a Value produced by an op builds a new node
    and rebinds the name, as in micrograd; on a leaf that requires grad it
    raises `RuntimeError` pointing to `no_grad()`. Every change in place bumps
    the Value's version: a backward pass through a graph recorded before it
    raises `RuntimeError` (see `autograd_core.versions`).

    Raises:
        RuntimeError: an in-place operator or `v[idx] = x` on a leaf that
            requires grad while the graph is recorded (`v[idx] = x` also on an
            op's result).
        ValueError: the result has another shape than the Value.
        TypeError: the right-hand side is not real numbers.

    Examples:
        >>> from autograd_core import Value, no_grad
        >>> w = Value([1.0, 2.0])
        >>> (w * w).sum().backward()
        >>> with no_grad():
        ...     w -= 0.1 * w.grad
        >>> w
        Value([0.8, 1.6])
    """

    __slots__ = ()

    def _in_place(self, op: Op, other: Any, symbol: str) -> Any:
        """`self symbol other`, written into self; NotImplemented where Python
        should build a new node instead (recording on, an op's result)."""
        if self.requires_grad and _current_modes().grad_enabled:
            if self._op is not None:
                return NotImplemented  # Python falls back to the binary operator
            raise RuntimeError(
                f"a leaf Value that requires grad cannot be changed in place ({symbol}) while "
                f"the graph is recorded; for a parameter update write it under no_grad(): "
                f"`with no_grad(): w {symbol} ...`")
        what = f"in-place {symbol}"
        data = self._data
        result = op.forward(data, _operand(other, data.dtype, what))
        if np.shape(result) != data.shape:
            raise ValueError(f"{what}: the result has shape {np.shape(result)} but the Value "
                             f"has shape {data.shape}; an in-place change keeps the shape")
        if type(data) is np.ndarray:
            np.copyto(data, result, casting="unsafe")
        else:  # a 0-d Value held as a NumPy scalar, which is immutable
            self._data = data.dtype.type(result)
        bump_version(self)
        return self

    def __iadd__(self, other: Any) -> Any:
        return self._in_place(ops.add, other, "+=")

    def __isub__(self, other: Any) -> Any:
        return self._in_place(ops.sub, other, "-=")

    def __imul__(self, other: Any) -> Any:
        return self._in_place(ops.mul, other, "*=")

    def __itruediv__(self, other: Any) -> Any:
        return self._in_place(ops.div, other, "/=")

    def __ipow__(self, other: Any) -> Any:
        return self._in_place(ops.pow, other, "**=")

    def __imatmul__(self, other: Any) -> Any:
        return self._in_place(ops.matmul, other, "@=")

    def __setitem__(self, idx: Any, x: Any) -> None:
        """`v[idx] = x`, written into the Value under `no_grad()` (or if it requires no grad).

        Args:
            idx: the index, as for `v[idx]`.
            x: the new elements (real numbers, broadcast to the selection).

        Raises:
            RuntimeError: the Value requires grad and the graph is recorded.
            ValueError: `x` does not fit the selection's shape.
            TypeError: `x` is not real numbers.
            IndexError: the index is out of range or of an unsupported kind.
        """
        if self.requires_grad and _current_modes().grad_enabled:
            hint = ("write it under no_grad() for a parameter update" if self._op is None else
                    "build a new Value instead (where(), concat(), or the op's result)")
            raise RuntimeError(f"v[idx] = x on a Value that requires grad while the graph is "
                               f"recorded is not supported; {hint}")
        index, _ = _index(idx)
        data = self.data  # an ndarray also for 0-d Values
        value = _operand(x, data.dtype, "v[idx] = x")
        try:
            data[index] = value
        except ValueError as e:
            raise ValueError(f"v[idx] = x: cannot write a value of shape {np.shape(value)} "
                             f"into the selection: {e}") from None
        bump_version(self)

    # The checked setters (the getters are in value.py).
    def _set_data(self, value: Any) -> None:
        if isinstance(value, InPlaceMethods):
            value = value.data
        self._data = to_array(value, self._data.dtype, ".data", copy=False)
        bump_version(self, memory=False)  # a new array: no other Value's data changed

    def _set_grad(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, InPlaceMethods):  # a Value (create_graph) is kept as it is
                value = to_array(value, self._data.dtype, ".grad", copy=False)
            if value.shape != self._data.shape:
                raise ValueError(f".grad: a gradient of shape {value.shape} for a Value "
                                 f"of shape {self._data.shape}")
        self._grad = value
