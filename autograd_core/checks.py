"""Argument checks shared by `nn` and `optim`: each returns the normalised value
or raises with a message that names the argument and shows what was given.

Booleans are refused wherever a number is expected (`True` is an int to
Python, but never a width, a count or a learning rate).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["boolean", "positive_int", "real_array", "real_number"]


def boolean(name: str, value: object) -> bool:
    """Return `value` as a bool, checking that it is `True` or `False`.

    Args:
        name: how the argument is named in the error message, e.g. "nesterov".
        value: the argument; a Python or NumPy bool (not 0, 1 or a string).

    Returns:
        `value` as a Python bool.

    Raises:
        ValueError: `value` is not a bool.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def positive_int(name: str, value: object, maximum: int | None = None, *,
                 type_error: type[Exception] = ValueError) -> int:
    """Return `value` as an int, checking that it is an integer from 1 to `maximum`.

    Args:
        name: how the argument is named in the error message, e.g. "batch_size".
        value: the argument; Python and NumPy integers are accepted, bools are not.
        maximum: the largest value allowed (None: no upper limit).
        type_error: the exception raised when `value` is not an integer at all;
            out-of-range integers always raise `ValueError`.

    Returns:
        `value` as a Python int.

    Raises:
        type_error: `value` is not an integer (a float, a string, a bool, None, ...).
        ValueError: `value` is below 1 or above `maximum`.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise type_error(f"{name} must be a positive int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {int(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {int(value)}")
    return int(value)


def real_number(name: str, value: object, low: float = 0.0, high: float | None = None, *,
                low_inclusive: bool = True, high_inclusive: bool = False) -> float:
    """Return `value` as a float, checking that it is finite and within a range.

    The range is `low <= value < high` by default; `low_inclusive` and
    `high_inclusive` choose whether each end is allowed, and `high=None` means
    no upper limit. NaN and infinities are always refused.

    Args:
        name: how the argument is named in the error message, e.g. "lr (learning rate)".
        value: the argument; any real number (Python or NumPy) except a bool.
        low: the lower end of the range.
        high: the upper end of the range, or None.
        low_inclusive: whether `value == low` is allowed.
        high_inclusive: whether `value == high` is allowed.

    Returns:
        `value` as a Python float.

    Raises:
        ValueError: `value` is not a real number, is not finite, or is out of range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    ok = math.isfinite(value) and (value >= low if low_inclusive else value > low)
    if high is not None:
        ok = ok and (value <= high if high_inclusive else value < high)
    if not ok:
        if high is None:
            rng = f"{'>=' if low_inclusive else '>'} {low}"
        else:
            rng = (f"in {'[' if low_inclusive else '('}{low}, "
                   f"{high}{']' if high_inclusive else ')'}")
        raise ValueError(f"invalid {name}: {value!r} (must be finite and {rng})")
    return value


_REAL_KINDS = "biuf"  # bool, signed and unsigned int, float: NumPy's dtype kinds of real numbers
_KIND_NAMES = {"c": "complex numbers", "U": "strings", "S": "bytes", "M": "dates",
               "m": "time spans", "O": "Python objects", "V": "raw records"}


def real_array(name: str, value: object) -> np.ndarray:
    """Return `value` as an ndarray of real numbers, refusing anything else unconverted.

    Bool, integer and float arrays are returned as they are (no copy), and
    Python or NumPy numbers and nested lists of them become arrays. Nothing is
    ever converted from other data: complex numbers are not cut to their real
    part, strings are not parsed.

    Args:
        name: how the argument is named in the error message, e.g. "fit: X".
        value: the argument.

    Returns:
        `value` as an ndarray of dtype kind bool, int, unsigned int or float.

    Raises:
        TypeError: `value` is None or holds complex numbers, strings, bytes,
            dates or times, or Python objects.
        ValueError: `value` is a ragged nested list (rows of different lengths).
    """
    if value is None:
        raise TypeError(f"{name} must be real numbers, got None")
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, (str, bytes, bytearray)):
        raise TypeError(f"{name} must be real numbers, got a {type(value).__name__}")
    else:
        try:
            arr = np.asarray(value)
        except ValueError as e:  # ragged nesting
            raise ValueError(f"{name} is not an array of real numbers: {e}") from None
    if arr.dtype.kind not in _REAL_KINDS:
        what = _KIND_NAMES.get(arr.dtype.kind, "data")
        raise TypeError(f"{name} must be real numbers (bool, int or float), got {what} "
                        f"(dtype {arr.dtype}); convert it explicitly if that is meant")
    return arr
