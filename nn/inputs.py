"""How layers take their input (Values as they are, other real numbers as constant
Values) and check their size arguments."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value
from autograd_core.checks import positive_int, real_array

__all__ = ["as_input", "as_value", "check_width", "pair", "one", "check_fits"]


def as_input(x: Any, dtype: np.dtype, layer: str) -> Any:
    """Inputs that are not Values (or arrays of the layer's dtype) become constant
    Values of the layer's dtype; data that is not real numbers raises `TypeError`."""
    if isinstance(x, Value) or (isinstance(x, np.ndarray) and x.dtype == dtype):
        return x
    return Value(real_array(f"{layer}: input", x), requires_grad=False, dtype=dtype)


def as_value(x: Any, layer: str) -> Value:
    """Activations need a Value: other inputs become constant Values (real numbers only)."""
    if isinstance(x, Value):
        return x
    return Value(real_array(f"{layer}: input", x), requires_grad=False)


def check_width(name: str, value: Any) -> int:
    """A layer width: a positive int (`TypeError` for a non-int, as a wrong type)."""
    return positive_int(name, value, type_error=TypeError)


def pair(where: str, name: str, value: Any, low: int = 1) -> tuple[int, int]:
    """An int or a pair of ints (a size, stride, padding, ...), each at least `low`, as a pair.

    Raises:
        TypeError: not an int or a pair of ints (naming `where` and `name`).
        ValueError: an int below `low`.
    """
    items = (value, value) if isinstance(value, (int, np.integer)) else value
    try:
        a, b = items
        ok = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (a, b))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise TypeError(f"{where}: {name} must be an int or a pair of ints, got {value!r}")
    if a < low or b < low:
        raise ValueError(f"{where}: {name} must be at least {low}, got {value!r}")
    return int(a), int(b)


def one(where: str, name: str, value: Any, low: int = 1) -> int:
    """An int, or a 1-tuple of one (PyTorch accepts both for 1-D layers), at least `low`."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{where}: {name} must be an int, got {value!r}")
    if value < low:
        raise ValueError(f"{where}: {name} must be at least {low}, got {value!r}")
    return int(value)


def check_fits(where: str, x: Any, kernel: tuple, stride: tuple, padding: tuple,
               dilation: tuple) -> None:
    """Refuse a (dilated) kernel larger than the padded input `(N, C, H, W)`.

    Raises:
        ValueError: naming `where`, the axis, the kernel and the input's shape.
    """
    for a, name in ((0, "height"), (1, "width")):
        size, k, d, p = x.shape[2 + a], kernel[a], dilation[a], padding[a]
        if (size + 2 * p - d * (k - 1) - 1) // stride[a] + 1 < 1:
            raise ValueError(
                f"{where}: the kernel ({name} {k}, dilation {d}, so {d * (k - 1) + 1} wide) is "
                f"larger than the padded input ({name} {size} + 2*{p}; input shape "
                f"{tuple(x.shape)})")
