"""Value's shape and indexing: `reshape`, `transpose`, `.T` and `v[idx]`, and
PyTorch's spellings beside them (`permute`, `unsqueeze`, `squeeze`, `flatten`),
each a reshape, transpose or getitem (no new derivative rules)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
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
        """The axes permuted (as ints or one tuple; none reverses them all, as `.T`).

        Raises:
            TypeError: an entry is not an int.
            ValueError: `axes` is not a permutation of all the axes.
        """
        n = self._data.ndim
        axes = shape_arg(axes, "transpose") if axes else tuple(range(n - 1, -1, -1))
        if sorted(a % n if n else a for a in axes) != list(range(n)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {n} axes")
        return ops.transpose(self, axes=tuple(a % n for a in axes))

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
