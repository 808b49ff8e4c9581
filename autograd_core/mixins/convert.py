"""Value's conversions: to Python numbers and lists (`item`, `tolist`, `float(v)`,
`int(v)`, `format(v, spec)`, `bool(v)`), to an ndarray (`numpy()`), to text
(`repr`), and iteration over the first axis."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["ConvertMixin"]


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
