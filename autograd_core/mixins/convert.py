"""Value's conversions: to Python numbers and lists (`item`, `tolist`, `float(v)`,
`int(v)`, `format(v, spec)`, `bool(v)`), to an ndarray (`numpy()`), to text
(`repr`), iteration over the first axis; casts to another float dtype
(`astype`, `to`, `float()`, `double()`, `half()`), `clone()`, and PyTorch's
inquiries (`size()`, `dim()`, `numel()`, `is_leaf`, `grad_fn`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import casts, ops

__all__ = ["ConvertMixin", "Size"]


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


class ConvertMixin:
    """Mixed into `Value`: its data out of the graph, as Python objects (nothing is recorded)."""

    __slots__ = ()

    def item(self) -> float:
        """The single element as a Python float.

        Raises:
            ValueError: the Value has more than one element.
        """
        if self._data.size != 1:
            raise ValueError(f"item: only a single-element Value converts, this one has shape "
                             f"{self._data.shape}")
        return self._data.item()

    def tolist(self) -> Any:
        """The data as nested lists of Python floats (a float for a 0-d Value), as PyTorch's."""
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The data itself, as PyTorch's `.numpy()` (no copy: writing to it is untracked)."""
        return self.data

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        """The single element as a Python int, truncated toward zero (ValueError if not one)."""
        return int(self.item())

    def __bool__(self) -> bool:
        return bool(self.data)

    def __format__(self, spec: str) -> str:
        """`format(v, ".3f")` formats a single-element Value's number; `f"{v}"` is `str(v)`.

        Raises:
            TypeError: a format spec for a Value of more than one element.
        """
        if not spec:
            return str(self)
        if self._data.size != 1:
            raise TypeError(f"format: spec {spec!r} needs a single-element Value, "
                            f"not shape {self._data.shape}")
        return format(self.item(), spec)

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

    # Casts, clone, and PyTorch's inquiries.
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
