"""Value's operators: `+ - * / ** @` and unary `-` (recorded), the comparisons
(plain boolean arrays, nothing recorded), and beside them the in-place ones,
`+= -= *= /= **= @=` and `v[idx] = x`.

Under `no_grad()` (or on a Value that requires no grad) the in-place operators
change the Value itself: same object, shape and dtype, so `w -= lr * w.grad`
is a parameter update. With recording on, an augmented assignment on an op's
result builds a new node and rebinds the name, as in micrograd; on a leaf that
requires grad it raises, pointing to `no_grad()`. Every change in place bumps
the Value's version (see `versions`).
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import ops, registry
from ..args import index
from ..dtypes import const
from ..modes import current as _current_modes
from ..registry import NO_PARAMS as _P, Op
from ..versions import bump_version

__all__ = ["OperatorMixin"]

Operand = Any  # a Value, a Python number or an ndarray
_add, _sub, _mul, _div, _pow = ops.add, ops.sub, ops.mul, ops.div, ops.pow_
_matmul, _neg = ops.matmul, ops.neg


class OperatorMixin:
    """Mixed into `Value`: its operators, in place or not.

    The binary operators take Values, Python numbers and ndarrays on either
    side, with NumPy's broadcasting. They call `registry.apply` (`node.apply`)
    directly rather than the op (`ops.add(self, other)`): one Python call less
    per node, which saves 7% of a scalar `+` (callgrind: 9,070 instead of 9,700
    instructions).

    Raises:
        RuntimeError: an in-place operator or `v[idx] = x` on a leaf that
            requires grad while the graph is recorded (`v[idx] = x` also on an
            op's result).
        ValueError: an in-place result has another shape than the Value.
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

    def __add__(self, other: Operand) -> Any:
        return registry.apply(_add, (self, other), _P)

    def __radd__(self, other: Operand) -> Any:
        return registry.apply(_add, (other, self), _P)

    def __sub__(self, other: Operand) -> Any:
        return registry.apply(_sub, (self, other), _P)

    def __rsub__(self, other: Operand) -> Any:
        return registry.apply(_sub, (other, self), _P)

    def __mul__(self, other: Operand) -> Any:
        return registry.apply(_mul, (self, other), _P)

    def __rmul__(self, other: Operand) -> Any:
        return registry.apply(_mul, (other, self), _P)

    def __truediv__(self, other: Operand) -> Any:
        return registry.apply(_div, (self, other), _P)

    def __rtruediv__(self, other: Operand) -> Any:
        return registry.apply(_div, (other, self), _P)

    def __pow__(self, other: Operand) -> Any:
        return registry.apply(_pow, (self, other), _P)

    def __rpow__(self, other: Operand) -> Any:
        return registry.apply(_pow, (other, self), _P)

    def __matmul__(self, other: Operand) -> Any:
        return registry.apply(_matmul, (self, other), _P)

    def __rmatmul__(self, other: Operand) -> Any:
        return registry.apply(_matmul, (other, self), _P)

    def __mod__(self, other: Operand) -> Any:
        return registry.apply(ops.remainder, (self, other), _P)

    def __rmod__(self, other: Operand) -> Any:
        return registry.apply(ops.remainder, (other, self), _P)

    def __floordiv__(self, other: Operand) -> Any:
        return registry.apply(ops.floor_divide, (self, other), _P)

    def __rfloordiv__(self, other: Operand) -> Any:
        return registry.apply(ops.floor_divide, (other, self), _P)

    def __neg__(self) -> Any:
        return registry.apply(_neg, (self,), _P)

    def __pos__(self) -> Any:
        return self

    # Comparisons give plain boolean arrays and record nothing.
    def __lt__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data < _compared(other))

    def __le__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data <= _compared(other))

    def __gt__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data > _compared(other))

    def __ge__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data >= _compared(other))

    def __eq__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return np.asarray(self._data == _compared(other))

    def __ne__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return np.asarray(self._data != _compared(other))

    # ------------------------------------------------------------- in place
    def __iadd__(self, other: Any) -> Any:
        return self._in_place(_add, other, "+=")

    def __isub__(self, other: Any) -> Any:
        return self._in_place(_sub, other, "-=")

    def __imul__(self, other: Any) -> Any:
        return self._in_place(_mul, other, "*=")

    def __itruediv__(self, other: Any) -> Any:
        return self._in_place(_div, other, "/=")

    def __ipow__(self, other: Any) -> Any:
        return self._in_place(_pow, other, "**=")

    def __imatmul__(self, other: Any) -> Any:
        return self._in_place(_matmul, other, "@=")

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
            _writable(data, what)
            np.copyto(data, result, casting="unsafe")
        else:  # a 0-d Value held as a NumPy scalar, which is immutable
            self._data = data.dtype.type(result)
        bump_version(self)
        return self

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
        idx, _ = index(idx)
        data = self.data  # an ndarray also for 0-d Values
        value = _operand(x, data.dtype, "v[idx] = x")
        _writable(data, "v[idx] = x")
        try:
            data[idx] = value
        except ValueError as e:
            raise ValueError(f"v[idx] = x: cannot write a value of shape {np.shape(value)} "
                             f"into the selection: {e}") from None
        bump_version(self)


def _writable(data: np.ndarray, what: str) -> None:
    """Refuse to write into read-only data, naming the change."""
    if not data.flags.writeable:
        raise ValueError(f"{what}: this Value's data is read-only (a broadcast view, such as "
                         f"broadcast_to or expand gives, where elements share one memory "
                         f"location, as PyTorch refuses too); change a copy instead, Value(v)")


def _compared(x: Any) -> Any:
    """The right-hand side of a comparison, as raw data."""
    if isinstance(x, OperatorMixin):
        return x._data
    if isinstance(x, (numbers.Real, np.ndarray, np.generic)):
        return x
    raise TypeError(f"cannot compare a Value with {type(x).__name__}")


def _operand(x: Any, dtype: np.dtype, what: str) -> Any:
    """The raw data of the right-hand side of an in-place change."""
    if isinstance(x, OperatorMixin):
        return x._data
    try:
        return const(x, dtype, True)
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None
