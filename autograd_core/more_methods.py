"""`Value`'s methods for the wider op set, under PyTorch's names with NumPy's
beside them (`asin` and `arcsin`, `dim=` and `axis=`): elementwise math,
statistics and scans, shapes and selection, casts and PyTorch's inquiries
(`size()`, `dim()`, `numel()`, `is_leaf`, `grad_fn`). Each calls the
function of the same name in `autograd_core` (its docstring has the details).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import assembly, casts, contract, ops, selection, shaping, statistics
from .methods import _shape_arg

__all__ = ["MoreMethods", "Size"]


class Size(int):
    """`v.size`: NumPy's element count, an int that can also be called as PyTorch's `size()`.

    `v.size()` gives the shape (a tuple) and `v.size(d)` the length of axis `d`.
    """

    def __new__(cls, shape: tuple) -> "Size":
        s = int.__new__(cls, int(np.prod(shape, dtype=np.int64)))
        s.shape = shape  # an int subclass cannot have __slots__: a __dict__ of one entry
        return s

    def __call__(self, dim: int | None = None) -> Any:
        """The shape, or the length of axis `dim`, as PyTorch's `size()`.

        Args:
            dim: an axis (negative counts from the end), or None.

        Returns:
            The shape as a tuple, or one int.

        Raises:
            IndexError: `dim` is out of range.
        """
        if dim is None:
            return tuple(self.shape)
        n = len(self.shape)
        if isinstance(dim, bool) or not isinstance(dim, int) or not -n <= dim < n:
            raise IndexError(f"size: dim {dim!r} is out of range for a Value with {n} dimensions")
        return self.shape[dim]


def _binary(op: Any) -> Any:
    def method(self: Any, other: Any) -> Any:
        return op(self, other)
    method.__doc__ = f"`{op.name}(self, other)`: {op.doc}"
    return method


def _unary(op: Any) -> Any:
    def method(self: Any) -> Any:
        return op(self)
    method.__doc__ = f"Elementwise {op.doc}"
    return method


class MoreMethods:
    """Mixed into `Value`: the wider op set as methods (see `autograd_core`'s functions).

    First among `Value`'s bases: its `size` (callable) and `transpose` (which
    also takes PyTorch's two axes) are the ones `Value` has."""

    __slots__ = ()

    # ------------------------------------------------------------ elementwise
    tan = _unary(ops.tan)
    sinh = _unary(ops.sinh)
    cosh = _unary(ops.cosh)
    asin = arcsin = _unary(ops.asin)
    acos = arccos = _unary(ops.acos)
    atan = arctan = _unary(ops.atan)
    asinh = arcsinh = _unary(ops.asinh)
    acosh = arccosh = _unary(ops.acosh)
    atanh = arctanh = _unary(ops.atanh)
    log2 = _unary(ops.log2)
    log10 = _unary(ops.log10)
    log1p = _unary(ops.log1p)
    exp2 = _unary(ops.exp2)
    expm1 = _unary(ops.expm1)
    reciprocal = _unary(ops.reciprocal)
    rsqrt = _unary(ops.rsqrt)
    sign = _unary(ops.sign)
    erf = _unary(ops.erf)
    floor = _unary(ops.floor)
    ceil = _unary(ops.ceil)
    trunc = _unary(ops.trunc)
    atan2 = arctan2 = _binary(ops.atan2)
    logaddexp = _binary(ops.logaddexp)
    hypot = _binary(ops.hypot)
    fmod = _binary(ops.fmod)
    remainder = __mod__ = _binary(ops.remainder)
    floor_divide = __floordiv__ = _binary(ops.floor_divide)

    def __rmod__(self, other: Any) -> Any:
        return ops.remainder(other, self)

    def __rfloordiv__(self, other: Any) -> Any:
        return ops.floor_divide(other, self)

    round = ops.round_

    def lerp(self, end: Any, weight: Any) -> Any:
        """`self + weight * (end - self)`, as PyTorch's `lerp`.

        Args:
            end: a Value, number or array.
            weight: a Value, number or array.

        Returns:
            A new Value, recorded by the `lerp` op.
        """
        return ops.lerp(self, end, weight)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Any:
        """NaN and infinities replaced by numbers (see `autograd_core.nan_to_num`).

        Args:
            nan: what NaN becomes.
            posinf: what inf becomes (None: the dtype's largest).
            neginf: what -inf becomes (None: the dtype's lowest).

        Returns:
            A new Value.
        """
        return selection.nan_to_num(self, nan, posinf, neginf)

    isnan = selection.isnan
    isinf = selection.isinf
    isfinite = selection.isfinite

    # ------------------------------------------------------------ reductions and scans
    prod = statistics.prod
    var = statistics.var
    std = statistics.std
    logsumexp = statistics.logsumexp
    norm = statistics.norm
    cumsum = statistics.cumsum
    cumprod = statistics.cumprod
    argmax = statistics.argmax
    argmin = statistics.argmin
    any = statistics.any_
    all = statistics.all_

    # ------------------------------------------------------------ shape and selection
    view = shaping.view
    expand = shaping.expand
    flip = shaping.flip
    roll = shaping.roll
    repeat = shaping.repeat
    repeat_interleave = shaping.repeat_interleave
    tile = shaping.tile
    split = assembly.split
    chunk = assembly.chunk
    swapaxes = shaping.swapaxes
    moveaxis = movedim = shaping.moveaxis
    diff = shaping.diff
    diagonal = contract.diagonal
    trace = contract.trace
    tril = contract.tril
    triu = contract.triu
    gather = selection.gather
    take_along_axis = take_along_dim = selection.take_along_axis
    index_select = selection.index_select
    masked_fill = selection.masked_fill
    scatter_add = selection.scatter_add
    sort = selection.sort
    topk = selection.topk

    def broadcast_to(self, *shape: Any) -> Any:
        """The Value broadcast to `shape` (see `expand`, which also takes -1).

        Args:
            *shape: the shape, as ints or one tuple.

        Returns:
            A new Value, recorded by the `broadcast_to` op.
        """
        return shaping.expand(self, *shape)

    def expand_as(self, other: Any) -> Any:
        """The Value broadcast to `other`'s shape, as PyTorch's `expand_as`.

        Args:
            other: a Value or array.

        Returns:
            A new Value, recorded by the `broadcast_to` op.
        """
        return shaping.expand(self, np.shape(other))

    def t(self) -> Any:
        """The transpose of a Value of at most 2 dimensions, as PyTorch's `t()`.

        Returns:
            A new Value (the Value itself for 0-d and 1-d).

        Raises:
            ValueError: more than 2 dimensions.
        """
        if self.ndim > 2:
            raise ValueError(f"t: expects at most 2 dimensions, got shape {self.shape} "
                             f"(use transpose(dim0, dim1) or mT)")
        return self.transpose() if self.ndim == 2 else self

    @property
    def mT(self) -> Any:
        """The last two axes swapped (a batch of matrices transposed), as PyTorch's `mT`."""
        if self.ndim < 2:
            raise ValueError(f"mT: needs at least 2 dimensions, got shape {self.shape}")
        return shaping.swapaxes(self, -2, -1)

    def transpose(self, *axes: Any) -> Any:
        """The axes permuted; the gradient is permuted back.

        `transpose()` reverses the axes and `transpose(axes)` with a whole
        permutation applies it, as NumPy's; `transpose(dim0, dim1)` with
        exactly two ints swaps those two axes, as PyTorch's, on any number of
        dimensions (on 2-D, `transpose(0, 1)` therefore transposes, where
        NumPy would read "no change").

        Args:
            *axes: nothing, a permutation of all the axes (as ints or one
                tuple), or two ints.

        Returns:
            A new Value, recorded by the `transpose` op.

        Raises:
            TypeError: an entry is not an int.
            ValueError: `axes` is not a permutation of all the axes, or an axis is out of range.
        """
        if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
            return shaping.swapaxes(self, *axes)
        n = self._data.ndim
        axes = _shape_arg(axes, "transpose") if axes else tuple(range(n - 1, -1, -1))
        if sorted(a % n if n else a for a in axes) != list(range(n)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {n} axes")
        return ops.transpose(self, axes=tuple(a % n for a in axes))

    # ------------------------------------------------------------ conversions and inquiries
    @property
    def size(self) -> Size:
        """The number of elements (NumPy's `.size`), an int that can also be called:
        `v.size()` is the shape and `v.size(d)` the length of axis `d`, as in PyTorch."""
        return Size(self._data.shape)

    astype = casts.astype

    def to(self, dtype: Any) -> Any:
        """PyTorch's `to(dtype)`: `astype` (float16, float32 or float64; the gradient comes back).

        Args:
            dtype: a float dtype (NumPy's or `torch.float32` and the like).

        Returns:
            A new Value, recorded by the `cast` op.

        Raises:
            TypeError: an integer, boolean or complex dtype.
        """
        return casts.astype(self, dtype)

    def float(self) -> Any:
        """In float32, as PyTorch's `float()`.

        Returns:
            A new Value, recorded by the `cast` op.
        """
        return casts.astype(self, np.float32)

    def double(self) -> Any:
        """In float64, as PyTorch's `double()`.

        Returns:
            A new Value, recorded by the `cast` op.
        """
        return casts.astype(self, np.float64)

    def half(self) -> Any:
        """In float16, as PyTorch's `half()`.

        Returns:
            A new Value, recorded by the `cast` op.
        """
        return casts.astype(self, np.float16)

    def clone(self) -> Any:
        """A copy, recorded (the gradient passes through), as PyTorch's `clone()`.

        Returns:
            A new Value, recorded by the `clone` op.
        """
        return ops.clone(self)

    def dim(self) -> int:
        """The number of dimensions, as PyTorch's `dim()` (NumPy: `.ndim`).

        Returns:
            An int.
        """
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements, as PyTorch's `numel()` (NumPy: `.size`).

        Returns:
            An int.
        """
        return self._data.size

    @property
    def is_leaf(self) -> bool:
        """Whether no op produced this Value (made by the user, or outside recording), as in PyTorch."""
        return self._op is None

    @property
    def grad_fn(self) -> str | None:
        """The name of the op that produced this Value, or None for a leaf (PyTorch's `grad_fn`)."""
        return None if self._op is None else self._op.name
