"""The default float dtype, and how user data and constant operands become arrays.

The default dtype is process-wide (unlike the modes, which are per thread):
Python numbers, ints and bools become it, and so do integer and boolean
arrays; float arrays keep their dtype.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["FLOAT_DTYPES", "set_default_dtype", "get_default_dtype", "to_array", "const"]

FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

_default = np.dtype(np.float64)
_ndarray = np.ndarray


def set_default_dtype(dtype: Any) -> None:
    """Set the float dtype that Python numbers and int/bool arrays become.

    Raises:
        TypeError: `dtype` is not a dtype.
        ValueError: it is not float16, float32 or float64.
    """
    global _default
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"set_default_dtype: {dtype!r} is not a dtype") from None
    if d not in FLOAT_DTYPES:
        raise ValueError(f"set_default_dtype: expected float16, float32 or float64, got {d}")
    _default = d


def get_default_dtype() -> np.dtype:
    """The float dtype that Python numbers and int/bool arrays become."""
    return _default


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """A float ndarray of its own made from user data (a number, nested list or
    array), following the dtype rules above; `dtype` overrides them."""
    if isinstance(data, (_ndarray, np.generic)):
        arr = np.asarray(data)
    elif isinstance(data, (bool, int, float, list, tuple)):
        try:
            arr = np.asarray(data, dtype=_default if dtype is None else dtype)
        except (ValueError, TypeError) as e:
            raise TypeError(f"Value: cannot make a float array from {type(data).__name__}: {e}") from None
    else:
        raise TypeError(f"Value: unsupported data type {type(data).__name__}")
    if dtype is not None:
        d = np.dtype(dtype)
        if d not in FLOAT_DTYPES:
            raise ValueError(f"Value: dtype must be float16, float32 or float64, got {d}")
    elif arr.dtype.kind in "biu":
        d = _default
    elif arr.dtype in FLOAT_DTYPES:
        d = arr.dtype
    else:
        raise TypeError(f"Value: unsupported array dtype {arr.dtype}")
    return np.array(arr, dtype=d, copy=True)


def const(x: Any, dtype: np.dtype, weak: bool = False) -> Any:
    """A non-Value operand as raw data: numbers and int/bool arrays take the
    float dtype of the op; with `weak`, Python numbers are left as they are."""
    t = type(x)
    if t is float or t is int:
        # NumPy treats Python numbers as "weak": they take the other operand's
        # dtype, so they can stay as they are next to a Value's data.
        return x if weak else dtype.type(x)
    if isinstance(x, _ndarray):
        kind = x.dtype.kind
        if kind == "f" and x.dtype.itemsize <= 8:
            return x
        if kind in "biu":
            return x.astype(dtype)
        raise TypeError(f"unsupported operand: array of dtype {x.dtype}")
    if isinstance(x, np.floating):
        return x
    if isinstance(x, (bool, np.integer, np.bool_)):
        return dtype.type(x)
    raise TypeError(f"unsupported operand type {t.__name__!r}")


def default_consts(inputs: tuple) -> list:
    """Raw data for operands none of which is a Value, in the default dtype."""
    return [const(x, _default) for x in inputs]
