"""PyTorch's names for what `Value` already does: `pow`, `square`, `sin`,
`cos`, `unsqueeze`, `squeeze`, `flatten`, `permute`, `requires_grad_`,
`tolist`, `int(v)` and `format(v, spec)`, each mapped onto the op table (no
new derivative rules), so a learner's PyTorch habits work here.

`Value` inherits them from `TorchNames`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .methods import _axes, _shape_arg

__all__ = ["TorchNames"]


class TorchNames:
    """Mixed into `Value`: PyTorch's names for its methods."""

    __slots__ = ()

    def pow(self, exponent: Any) -> Any:
        """`self ** exponent`, PyTorch's name for it (the `pow` op).

        Args:
            exponent: a Value, a number or an array.

        Returns:
            A new Value, recorded by the `pow` op.
        """
        return self ** exponent

    def square(self) -> Any:
        """`self ** 2`, as in PyTorch: one node of the `pow` op, whose VJP is `2 * self`.

        Returns:
            A new Value, recorded by the `pow` op.
        """
        return self ** 2

    def sin(self) -> Any:
        """Elementwise sin(v); its derivative is cos(v).

        Returns:
            A new Value, recorded by the `sin` op.
        """
        return ops.sin(self)

    def cos(self) -> Any:
        """Elementwise cos(v); its derivative is -sin(v).

        Returns:
            A new Value, recorded by the `cos` op.
        """
        return ops.cos(self)

    def unsqueeze(self, dim: int) -> Any:
        """A new axis of size 1 at `dim`, as in PyTorch (a reshape).

        Args:
            dim: where the new axis goes, from `-ndim - 1` to `ndim`.

        Returns:
            A new Value, recorded by the `reshape` op.

        Raises:
            TypeError: `dim` is not an int.
            ValueError: `dim` is out of range.
        """
        (d,) = _axes((dim,), self._data.ndim + 1, "unsqueeze")
        return self.reshape(self.shape[:d] + (1,) + self.shape[d:])

    def squeeze(self, dim: Any = None) -> Any:
        """The axes of size 1 removed, as in PyTorch (a reshape).

        Args:
            dim: an int or a tuple of ints: only those axes are removed, and
                those whose size is not 1 stay (as in PyTorch); None removes every
                axis of size 1.

        Returns:
            A new Value, recorded by the `reshape` op.

        Raises:
            TypeError: `dim` is not an int or a tuple of ints.
            ValueError: an axis in `dim` is out of range.
        """
        shape = self._data.shape
        dims = range(len(shape)) if dim is None else _axes(dim, len(shape), "squeeze") or ()
        return self.reshape(tuple(n for i, n in enumerate(shape) if n != 1 or i not in dims))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Any:
        """The axes `start_dim` to `end_dim` (both included) merged into one, as in PyTorch.

        A reshape; a 0-d Value gives one element, as in PyTorch.

        Args:
            start_dim: the first axis merged.
            end_dim: the last axis merged.

        Returns:
            A new Value, recorded by the `reshape` op.

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
        (s,), (e,) = _axes((start_dim,), n, "flatten"), _axes((end_dim,), n, "flatten")
        if s > e:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for a Value of shape {shape}")
        return self.reshape(shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])

    def permute(self, *dims: Any) -> Any:
        """The axes in the order `dims`, as in PyTorch (a transpose).

        Args:
            *dims: a permutation of all the axes, as ints or as one tuple.

        Returns:
            A new Value, recorded by the `transpose` op.

        Raises:
            TypeError: an entry is not an int.
            ValueError: `dims` is not a permutation of all the axes.
        """
        dims = _shape_arg(dims, "permute")
        if len(dims) != self._data.ndim:
            raise ValueError(f"permute: dims {dims} are not a permutation of the {self.ndim} axes")
        return self.transpose(*dims)

    def requires_grad_(self, requires_grad: bool = True) -> Any:
        """Set `requires_grad` in place and return this Value, as in PyTorch.

        Args:
            requires_grad: the new flag.

        Returns:
            This Value.

        Raises:
            TypeError: `requires_grad` is not a bool.
            RuntimeError: turning it off on a Value produced by an op (only a
                leaf's flag changes; `.detach()` gives a Value cut from the graph).
        """
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad_: expected True or False, got {requires_grad!r}")
        if self._op is not None and not requires_grad:
            raise RuntimeError(f"requires_grad_: only a leaf's requires_grad can be changed; this "
                               f"Value was produced by the op {self.op!r} (use .detach())")
        self.requires_grad = bool(requires_grad)
        return self

    def tolist(self) -> Any:
        """The data as nested lists of Python floats, as PyTorch's `.tolist()`.

        Returns:
            Nested lists, or a float for a 0-d Value.
        """
        return self._data.tolist()

    def __int__(self) -> int:
        """The single element as a Python int, truncated toward zero.

        Returns:
            The element.

        Raises:
            ValueError: the Value has more than one element.
        """
        return int(self.item())

    def __format__(self, spec: str) -> str:
        """`format(v, ".3f")` formats a single-element Value's number; `f"{v}"` is `str(v)`.

        Args:
            spec: the format spec.

        Returns:
            The formatted text.

        Raises:
            TypeError: a format spec for a Value of more than one element.
        """
        if not spec:
            return str(self)
        if self._data.size != 1:
            raise TypeError(f"format: spec {spec!r} needs a single-element Value, "
                            f"not shape {self.shape}")
        return format(self.item(), spec)
