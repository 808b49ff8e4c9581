"""The methods of `Value` beyond the recording core: its shape and
conversions, comparisons, and the ops that take arguments to check
(reductions, softmax, shapes and indexing), with the checks that turn bad
arguments into clear errors.

`Value` inherits them from `ValueMethods`; the ops are called from the op table.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import ops

__all__ = ["ValueMethods"]


def _axes(axis: Any, ndim: int, name: str) -> tuple | None:
    """Normalize an axis argument (None, int or tuple) to a sorted tuple of non-negative ints."""
    if axis is None:
        return None
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in items:
        if not isinstance(ax, (numbers.Integral)) or isinstance(ax, bool):
            raise TypeError(f"{name}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= ax < ndim and not (ndim == 0 and ax in (0, -1)):
            raise ValueError(f"{name}: axis {ax} is out of range for a Value with {ndim} dimensions")
        out.append(int(ax) % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(out)) if ndim else None


def _shape_arg(shape: tuple, name: str) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"{name}: expected ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def _index(idx: Any) -> tuple:
    """Normalize an index; returns (index, whether repeated positions are possible)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    out, accumulate = [], False
    for i in items:
        if isinstance(i, ValueMethods):
            raise TypeError("index with ints, slices, None, or arrays of ints or bools, not a Value")
        if isinstance(i, list):
            i = np.asarray(i)
            if i.size == 0:
                i = i.astype(np.intp)
        if isinstance(i, np.ndarray):
            if i.dtype.kind in "iu":
                accumulate = True
            elif i.dtype.kind != "b":
                raise IndexError(f"arrays used as indices must be of integer or boolean type, not {i.dtype}")
        elif not (i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral))):
            raise IndexError(f"unsupported index {i!r}: use ints, slices, None, ... or int/bool arrays")
        out.append(i)
    return (tuple(out) if isinstance(idx, tuple) else out[0]), accumulate


def _cmp_operand(x: Any) -> Any:
    if isinstance(x, ValueMethods):
        return x._data
    if isinstance(x, (numbers.Real, np.ndarray, np.generic)):
        return x
    raise TypeError(f"cannot compare a Value with {type(x).__name__}")


class ValueMethods:
    """Mixed into `Value`: the methods below return new Values recorded by their ops."""

    __slots__ = ()

    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def item(self) -> float:
        """The single element as a Python float."""
        if self._data.size != 1:
            raise ValueError(f"item: only a single-element Value converts, this one has shape {self.shape}")
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shares memory, like torch's `.numpy()`)."""
        return self.data

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        extra = f", op={self.op!r}" if self._op is not None else ""
        extra += f", label={self.label!r}" if self.label else ""
        extra += "" if self.requires_grad else ", requires_grad=False"
        return f"Value({body}{extra})"

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d Value")
        return len(self.data)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __float__(self) -> float:
        return float(self.item())

    def __bool__(self) -> bool:
        return bool(self.data)

    # Comparisons give plain boolean arrays and record nothing.
    def __lt__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data < _cmp_operand(other))

    def __le__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data <= _cmp_operand(other))

    def __gt__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data > _cmp_operand(other))

    def __ge__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data >= _cmp_operand(other))

    def __eq__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return np.asarray(self._data == _cmp_operand(other))

    def __ne__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return np.asarray(self._data != _cmp_operand(other))

    @property
    def T(self) -> Any:
        """The transpose (all axes reversed)."""
        return self.transpose()

    def clip(self, lo: float | None, hi: float | None) -> Any:
        """Limit to [lo, hi]; either bound may be None."""
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo={lo} is greater than hi={hi}")
        return ops.clip(self, lo=-np.inf if lo is None else lo, hi=np.inf if hi is None else hi)

    # ----------------------------------------------------------- reductions
    def sum(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Sum over `axis` (all axes if None); the gradient is 1 for every summed element."""
        return ops.sum(self, axis=_axes(axis, self._data.ndim, "sum"), keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Mean over `axis` (all axes if None); the gradient is 1/n for each of n elements."""
        return ops.mean(self, axis=_axes(axis, self._data.ndim, "mean"), keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Maximum over `axis`; tied elements share the gradient evenly."""
        return ops.max(self, axis=_axes(axis, self._data.ndim, "max"), keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Minimum over `axis`; tied elements share the gradient evenly."""
        return ops.min(self, axis=_axes(axis, self._data.ndim, "min"), keepdims=keepdims)

    def softmax(self, axis: int = -1) -> Any:
        """exp(v) / sum(exp(v)) along `axis`, computed stably."""
        return ops.softmax(self, axis=_axes(axis, self._data.ndim, "softmax"))

    def log_softmax(self, axis: int = -1) -> Any:
        """v - log(sum(exp(v))) along `axis`, computed stably."""
        return ops.log_softmax(self, axis=_axes(axis, self._data.ndim, "log_softmax"))

    # ---------------------------------------------------------------- shape
    def reshape(self, *shape: Any) -> Any:
        """The same data with a new shape (ints or one tuple; -1 infers a size)."""
        return ops.reshape(self, shape=_shape_arg(shape, "reshape"))

    def transpose(self, *axes: Any) -> Any:
        """The axes permuted (all reversed if none are given)."""
        n = self._data.ndim
        axes = _shape_arg(axes, "transpose") if axes else tuple(range(n - 1, -1, -1))
        if sorted(a % n if n else a for a in axes) != list(range(n)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {n} axes")
        return ops.transpose(self, axes=tuple(a % n for a in axes))

    def __getitem__(self, idx: Any) -> Any:
        """Indexing with ints, slices, None, ... and int/bool arrays; repeated indices accumulate."""
        index, accumulate = _index(idx)
        return ops.getitem(self, index=index, accumulate=accumulate)
