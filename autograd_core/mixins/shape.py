"""Value's shape and indexing: `reshape`, `transpose`, `.T` and `v[idx]`, and
PyTorch's spellings beside them (`permute`, `unsqueeze`, `squeeze`, `flatten`,
`view`, `transpose(dim0, dim1)`, `mT`, `t()`), each a reshape, transpose or
getitem (no new derivative rules); then the wider op set's shapes and
selections (`flip`, `roll`, `repeat`, `split`, `gather`, `sort`, `topk`, ...),
each calling the function of its name in `autograd_core`."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import assembly, matrices, ops, selection, shaping
from ..args import axes, index, shape_arg

__all__ = ["ShapeMixin"]


class ShapeMixin:
    """Mixed into `Value`: new views of the same elements, each recorded by its op
    (the gradient is reshaped, permuted or scattered back)."""

    __slots__ = ()

    @property
    def T(self) -> Any:
        """The transpose, all axes reversed (the `transpose` op)."""
        return self.transpose()

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
        return ops.reshape(self, shape=shape_arg(shape, "reshape"))

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
        perm = shape_arg(axes, "transpose") if axes else tuple(range(n - 1, -1, -1))
        if sorted(a % n if n else a for a in perm) != list(range(n)):
            raise ValueError(f"transpose: axes {perm} are not a permutation of the {n} axes")
        return ops.transpose(self, axes=tuple(a % n for a in perm))

    def permute(self, *dims: Any) -> Any:
        """The axes in the order `dims` (PyTorch's name; every axis must be named).

        Raises:
            TypeError: an entry is not an int.
            ValueError: `dims` is not a permutation of all the axes.
        """
        dims = shape_arg(dims, "permute")
        if len(dims) != self._data.ndim:
            raise ValueError(f"permute: dims {dims} are not a permutation of the "
                             f"{self._data.ndim} axes")
        return self.transpose(*dims)

    def unsqueeze(self, dim: int) -> Any:
        """A new axis of size 1 at `dim`, from `-ndim - 1` to `ndim` (a reshape, as in PyTorch).

        Raises:
            TypeError: `dim` is not an int.
            ValueError: `dim` is out of range.
        """
        shape = self._data.shape
        d = axes(dim, len(shape) + 1, "unsqueeze", single=True)
        return self.reshape(shape[:d] + (1,) + shape[d:])

    def squeeze(self, dim: Any = None) -> Any:
        """The axes of size 1 removed (a reshape, as in PyTorch).

        Args:
            dim: an int or a tuple of ints: only those axes are removed, and
                those whose size is not 1 stay (as in PyTorch); None removes every
                axis of size 1.

        Raises:
            TypeError: `dim` is not an int or a tuple of ints.
            ValueError: an axis in `dim` is out of range.
        """
        shape = self._data.shape
        dims = range(len(shape)) if dim is None else axes(dim, len(shape), "squeeze") or ()
        return self.reshape(tuple(n for i, n in enumerate(shape) if n != 1 or i not in dims))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Any:
        """The axes `start_dim` to `end_dim` (both included) merged into one, as in PyTorch.

        A reshape; a 0-d Value gives one element, as in PyTorch.

        Raises:
            TypeError: `start_dim` or `end_dim` is not an int.
            ValueError: `start_dim` comes after `end_dim`, or either is out of range.

        Examples:
            >>> import numpy as np
            >>> from autograd_core import Value
            >>> Value(np.ones((2, 3, 4))).flatten(1).shape
            (2, 12)
        """
        shape, n = self._data.shape, max(self._data.ndim, 1)
        s = axes(start_dim, n, "flatten", single=True)
        e = axes(end_dim, n, "flatten", single=True)
        if s > e:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for a Value of shape {shape}")
        return self.reshape(shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])

    def __getitem__(self, idx: Any) -> Any:
        """`v[idx]`: ints, slices, None, `...`, and arrays of ints or bools, as NumPy indexes.

        The gradient goes back to the selected elements; repeated integer
        indices add up their gradients.

        Raises:
            IndexError: an index out of range, or of an unsupported kind (a float,
                an array of floats).
            TypeError: a Value used as an index.
        """
        idx, accumulate = index(idx)
        return ops.getitem(self, index=idx, accumulate=accumulate)

    # The wider op set (each calls the function of its name in `autograd_core`).
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
    diagonal = matrices.diagonal
    trace = matrices.trace
    tril = matrices.tril
    triu = matrices.triu
    gather = selection.gather
    take_along_axis = take_along_dim = selection.take_along_axis
    index_select = selection.index_select
    masked_fill = selection.masked_fill
    scatter_add = selection.scatter_add
    sort = selection.sort
    topk = selection.topk

    def broadcast_to(self, *shape: Any) -> Any:
        """The Value broadcast to `shape` (ints or one tuple), as `np.broadcast_to`."""
        return shaping.broadcast_to(self, shape_arg(shape, "broadcast_to"))

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
