"""The default float dtype, and how user data and constant operands become arrays.

The default dtype is process-wide (unlike the modes, which are per thread):
Python numbers, ints and bools become it, and so do integer and boolean
arrays; float arrays keep their dtype.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["FLOAT_DTYPES", "set_default_dtype", "get_default_dtype", "to_array", "is_float_array",
           "const"]

FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
"""The float dtypes a Value may have."""

_default = np.dtype(np.float64)
_ndarray = np.ndarray


def set_default_dtype(dtype: Any) -> None:
    """Set the float dtype that Python numbers and int/bool arrays become, process-wide.

    Unlike the modes, which are per thread, the default dtype is one for the
    whole process. Float arrays keep their own dtype whatever the default.

    Args:
        dtype: float16, float32 or float64 (a NumPy dtype, type or name).

    Raises:
        TypeError: `dtype` is not a dtype.
        ValueError: it is not float16, float32 or float64.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value, set_default_dtype
        >>> set_default_dtype(np.float32)
        >>> Value(1).dtype
        dtype('float32')
        >>> set_default_dtype(np.float64)
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
    """The float dtype that Python numbers and int/bool arrays become.

    Returns:
        The default dtype: float64 unless `set_default_dtype` changed it.
    """
    return _default


def to_array(data: Any, dtype: Any = None, name: str = "Value", copy: bool = True,
             arg: str = "") -> np.ndarray:
    """A float ndarray made from user data, refusing anything that is not real numbers.

    Python numbers and int/bool arrays become the default dtype, float arrays
    keep theirs; `dtype` overrides both.

    Args:
        data: a number, a nested list or an array of real numbers.
        dtype: the dtype wanted (float16, float32 or float64), or None.
        name: the argument's name, for error messages (e.g. `".grad"`).
        copy: always return an array of its own; without it, an ndarray that
            needs no conversion is returned as it is.
        arg: the parameter of `name` that the data was given as (`"data"`
            for `Value(data)`), named in the messages.

    Returns:
        The array.

    Raises:
        TypeError: the data is not real numbers (complex, strings, bytes,
            dates and times, objects, None, ragged lists); it is never
            converted. The message names `name`.
        ValueError: `dtype` is not a float dtype.
    """
    what = f" for {arg}" if arg else ""
    python = not isinstance(data, (_ndarray, np.generic))
    if not python:
        arr = np.asarray(data)
    elif isinstance(data, (bool, int, float, list, tuple)):
        try:
            arr = np.asarray(data)
        except (ValueError, TypeError) as e:
            raise TypeError(f"{name}: cannot make an array{what} from {type(data).__name__}: "
                            f"{e}") from None
    else:
        raise TypeError(f"{name}: expected real numbers{what} (a number, a list or an array), "
                        f"got {type(data).__name__}")
    if arr.dtype.kind not in "biuf" or (arr.dtype.kind == "f" and arr.dtype not in FLOAT_DTYPES):
        raise TypeError(f"{name}: expected real numbers{what}, got an array of dtype {arr.dtype}")
    if dtype is not None:
        d = np.dtype(dtype)
        if d not in FLOAT_DTYPES:
            raise ValueError(f"{name}: dtype must be float16, float32 or float64, got {d}")
    elif python or arr.dtype.kind in "biu":
        d = _default  # Python numbers, and int and bool arrays
    else:
        d = arr.dtype
    return np.array(arr, dtype=d, copy=True) if copy else np.asarray(arr, dtype=d)


def is_float_array(x: np.ndarray) -> bool:
    """Whether the ndarray `x` holds floats of a dtype the ops take as they are
    (float16, float32, float64): `const` copies such an array, keeping its dtype."""
    return x.dtype.kind == "f" and x.dtype.itemsize <= 8


def const(x: Any, dtype: np.dtype, weak: bool = False) -> Any:
    """A non-Value operand as raw data for an op.

    Numbers and int/bool arrays take the float dtype of the op; float arrays
    and NumPy floats keep theirs. An array is always copied: the op uses
    the operand as it was when it ran, whatever is written into it later.

    Args:
        x: the operand: a number, a NumPy scalar or an ndarray.
        dtype: the op's float dtype.
        weak: leave Python floats and ints as they are (NumPy treats them as
            weak: they take the other operand's dtype).

    Returns:
        The operand's data.

    Raises:
        TypeError: an operand of another type (a string, None, a list, an
            array of complex numbers or strings, ...).
    """
    t = type(x)
    if t is float or t is int:
        # NumPy treats Python numbers as "weak": they take the other operand's
        # dtype, so they can stay as they are next to a Value's data.
        return x if weak else dtype.type(x)
    if isinstance(x, _ndarray):
        if is_float_array(x):
            # A copy: the op keeps the operand as it is now, so refilling the
            # array later (a reused batch buffer) changes no gradient.
            return x.copy()
        if x.dtype.kind in "biu":
            return x.astype(dtype)
        raise TypeError(f"unsupported operand: array of dtype {x.dtype}")
    if isinstance(x, np.floating) and x.dtype in FLOAT_DTYPES:
        return x
    if isinstance(x, (bool, np.integer, np.bool_)):
        return dtype.type(x)
    raise TypeError(f"unsupported operand type {t.__name__!r}")


def default_consts(inputs: tuple) -> list:
    """Raw data for operands none of which is a Value, in the default dtype.

    Args:
        inputs: the operands.

    Returns:
        Their data, one per operand (see `const`).

    Raises:
        TypeError: an operand of an unsupported type.
    """
    return [const(x, _default) for x in inputs]
