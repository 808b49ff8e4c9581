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

Operand = Any  # a Value, a Python number or an ndarray


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
    """Mixed into `Value`: shape, conversions, comparisons, and the ops that take arguments.

    Each method that computes returns a new Value recorded by its op; the
    arguments are checked first, so that a bad axis or shape fails with an
    error naming the method rather than deep inside NumPy.
    """

    __slots__ = ()

    @property
    def shape(self) -> tuple:
        """The shape of the data, as a tuple (`()` for a scalar)."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions of the data."""
        return self._data.ndim

    @property
    def size(self) -> int:
        """The number of elements of the data."""
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the data (float16, float32 or float64)."""
        return self._data.dtype

    def item(self) -> float:
        """The single element as a Python float.

        Returns:
            The element.

        Raises:
            ValueError: the Value has more than one element.
        """
        if self._data.size != 1:
            raise ValueError(f"item: only a single-element Value converts, this one has shape {self.shape}")
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray, as PyTorch's `.numpy()`.

        Returns:
            The data itself (no copy): writing to it changes the Value, untracked.
        """
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
        """The transpose, all axes reversed (the `transpose` op)."""
        return self.transpose()

    def clip(self, lo: float | None, hi: float | None) -> Any:
        """Elementwise limit to `[lo, hi]`; the gradient is 1 inside, 0 where clipped.

        Args:
            lo: the lower bound, or None for none.
            hi: the upper bound, or None for none.

        Returns:
            A new Value, recorded by the `clip` op.

        Raises:
            ValueError: `lo` is greater than `hi`.

        Examples:
            >>> from autograd_core import Value
            >>> Value([-2.0, 0.5, 3.0]).clip(0.0, 1.0)
            Value([0. , 0.5, 1. ], op='clip')
        """
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo={lo} is greater than hi={hi}")
        return ops.clip(self, lo=-np.inf if lo is None else lo, hi=np.inf if hi is None else hi)

    # ----------------------------------------------------------- reductions
    def _reduce(self, op: Any, axis: Any, keepdims: bool, torch_names: dict) -> Any:
        """The reduction `op` over `axis`, once its arguments are checked (sum, mean, max, min)."""
        if torch_names:
            raise _torch_spelling(op.name, torch_names)
        return op(self, axis=_axes(axis, self._data.ndim, op.name), keepdims=keepdims)

    def sum(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The sum over `axis`; the gradient is 1 for every summed element.

        Args:
            axis: an int or a tuple of ints (negative counts from the end), or
                None for all axes.
            keepdims: keep the summed axes, with size 1.
            **torch_names: none is taken; PyTorch's `dim=` and `keepdim=` raise
                `TypeError` saying to write `axis=` and `keepdims=`.

        Returns:
            A new Value, recorded by the `sum` op.

        Raises:
            TypeError: `axis` is not an int or a tuple of ints, or a keyword
                other than `axis` and `keepdims` is given.
            ValueError: an axis out of range, or repeated.

        Examples:
            >>> import numpy as np
            >>> from autograd_core import Value
            >>> Value(np.arange(6.0).reshape(2, 3)).sum(axis=0)
            Value([3., 5., 7.], op='sum')
        """
        return self._reduce(ops.sum, axis, keepdims, torch_names)

    def mean(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The mean over `axis`; the gradient is 1/n for each of the n elements averaged.

        Args:
            axis: the axes to reduce, as for `sum`.
            keepdims: keep the averaged axes, with size 1.
            **torch_names: refused, as for `sum`.

        Returns:
            A new Value, recorded by the `mean` op.

        Raises:
            TypeError: as for `sum`.
            ValueError: as for `sum`.
        """
        return self._reduce(ops.mean, axis, keepdims, torch_names)

    def max(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The maximum over `axis`; tied elements share the gradient evenly (as `torch.amax`).

        Args:
            axis: the axes to reduce, as for `sum`.
            keepdims: keep the reduced axes, with size 1.
            **torch_names: refused, as for `sum`.

        Returns:
            A new Value, recorded by the `max` op.

        Raises:
            TypeError: as for `sum`.
            ValueError: as for `sum`.

        Examples:
            >>> from autograd_core import Value
            >>> x = Value([1.0, 3.0, 3.0])
            >>> x.max().backward()
            >>> x.grad
            array([0. , 0.5, 0.5])
        """
        return self._reduce(ops.max, axis, keepdims, torch_names)

    def min(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The minimum over `axis`; tied elements share the gradient evenly (as `torch.amin`).

        Args:
            axis: the axes to reduce, as for `sum`.
            keepdims: keep the reduced axes, with size 1.
            **torch_names: refused, as for `sum`.

        Returns:
            A new Value, recorded by the `min` op.

        Raises:
            TypeError: as for `sum`.
            ValueError: as for `sum`.
        """
        return self._reduce(ops.min, axis, keepdims, torch_names)

    def softmax(self, axis: int = -1, **torch_names: Any) -> Any:
        """`exp(v) / sum(exp(v))` along `axis`, computed stably (no overflow for large v).

        Args:
            axis: the axis whose entries sum to 1.
            **torch_names: none is taken; PyTorch's `dim=` raises `TypeError`
                saying to write `axis=`.

        Returns:
            A new Value, recorded by the `softmax` op.

        Raises:
            TypeError: `axis` is not an int, or another keyword is given.
            ValueError: `axis` is out of range.

        Examples:
            >>> from autograd_core import Value
            >>> Value([1.0, 2.0]).softmax()
            Value([0.2689, 0.7311], op='softmax')
        """
        if torch_names:
            raise _torch_spelling("softmax", torch_names)
        return ops.softmax(self, axis=_axes(axis, self._data.ndim, "softmax"))

    def log_softmax(self, axis: int = -1, **torch_names: Any) -> Any:
        """`v - log(sum(exp(v)))` along `axis`, computed stably (no overflow for large v).

        Args:
            axis: the axis of the classes.
            **torch_names: none is taken; PyTorch's `dim=` raises `TypeError`
                saying to write `axis=`.

        Returns:
            A new Value, recorded by the `log_softmax` op.

        Raises:
            TypeError: `axis` is not an int, or another keyword is given.
            ValueError: `axis` is out of range.
        """
        if torch_names:
            raise _torch_spelling("log_softmax", torch_names)
        return ops.log_softmax(self, axis=_axes(axis, self._data.ndim, "log_softmax"))

    # ---------------------------------------------------------------- shape
    def reshape(self, *shape: Any) -> Any:
        """The same data with a new shape; the gradient is reshaped back.

        Args:
            *shape: the new shape, as ints or as one tuple; one entry may be -1,
                inferred from the size.

        Returns:
            A new Value, recorded by the `reshape` op.

        Raises:
            TypeError: an entry is not an int.
            ValueError: the shape does not hold the same number of elements.

        Examples:
            >>> import numpy as np
            >>> from autograd_core import Value
            >>> Value(np.arange(6.0)).reshape(2, -1).shape
            (2, 3)
        """
        return ops.reshape(self, shape=_shape_arg(shape, "reshape"))

    def transpose(self, *axes: Any) -> Any:
        """The axes permuted; the gradient is permuted back.

        Args:
            *axes: a permutation of the axes, as ints or as one tuple; none
                reverses them all (as `.T`).

        Returns:
            A new Value, recorded by the `transpose` op.

        Raises:
            TypeError: an entry is not an int.
            ValueError: `axes` is not a permutation of all the axes.
        """
        n = self._data.ndim
        axes = _shape_arg(axes, "transpose") if axes else tuple(range(n - 1, -1, -1))
        if sorted(a % n if n else a for a in axes) != list(range(n)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {n} axes")
        return ops.transpose(self, axes=tuple(a % n for a in axes))

    def __getitem__(self, idx: Any) -> Any:
        """`v[idx]`: ints, slices, None, `...`, and arrays of ints or bools, as NumPy indexes.

        The gradient goes back to the selected elements; repeated integer
        indices add up their gradients.

        Args:
            idx: the index.

        Returns:
            A new Value, recorded by the `getitem` op.

        Raises:
            IndexError: an index out of range, or of an unsupported kind (a float,
                an array of floats).
            TypeError: a Value used as an index.
        """
        index, accumulate = _index(idx)
        return ops.getitem(self, index=index, accumulate=accumulate)


_NUMPY_SPELLING = {"dim": "axis", "keepdim": "keepdims"}  # PyTorch's keyword -> ours


def _torch_spelling(name: str, kwargs: dict) -> TypeError:
    """The error for keywords that `name` does not take, saying what to write instead."""
    hints = [f"use {_NUMPY_SPELLING[k]}= instead of PyTorch's {k}=" if k in _NUMPY_SPELLING
             else f"unexpected keyword argument {k!r}" for k in kwargs]
    return TypeError(f"{name}: " + "; ".join(hints))
