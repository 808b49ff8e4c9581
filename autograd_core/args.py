"""The argument checks that `Value`'s methods and the functions on Values share:
axes, shapes, indices, and PyTorch's keyword spellings (`dim=`, `keepdim=`).

Each turns a bad argument into an error naming the method, before NumPy sees it.
This module knows nothing of `Value`.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["axes", "shape_arg", "index", "refuse_keywords", "spelled", "reduce_args", "one_axis",
           "shape_of"]


def _is_int(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def axes(axis: Any, ndim: int, name: str, single: bool = False) -> Any:
    """The one axis normaliser: `axis` (None, an int, or a tuple of ints; only an
    int with `single`) as a sorted tuple of non-negative ints, or one int with
    `single`. None, and any axis of a 0-d Value (0 or -1), give None."""
    if single and not _is_int(axis):
        raise TypeError(f"{name}: axis must be an int, got {axis!r}")
    if axis is None:
        return None
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in items:
        if not _is_int(ax):
            raise TypeError(f"{name}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= ax < ndim and not (ndim == 0 and ax in (0, -1)):
            raise ValueError(f"{name}: axis {ax} is out of range for a Value with {ndim} "
                             f"dimensions")
        out.append(int(ax) % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    if not ndim:
        return None
    return out[0] if single else tuple(sorted(out))


def shape_arg(shape: tuple, name: str) -> tuple:
    """A shape given as ints or as one tuple (`reshape(2, 3)`, `reshape((2, 3))`), as ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(_is_int(n) for n in shape):
        raise TypeError(f"{name}: expected ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def index(idx: Any) -> tuple:
    """An index checked and normalised (lists become arrays, arrays are copied);
    returns it with whether it may select a position twice (an integer array:
    gradients add up)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    out, accumulate = [], False
    for i in items:
        if isinstance(i, list):
            i = np.asarray(i)
            if i.size == 0:
                i = i.astype(np.intp)
        elif isinstance(i, np.ndarray):
            i = i.copy()  # the gradient uses the index as it is now, whatever is written into it
        if isinstance(i, np.ndarray):
            if i.dtype.kind in "iu":
                accumulate = True
            elif i.dtype.kind != "b":
                raise IndexError(f"arrays used as indices must be of integer or boolean type, "
                                 f"not {i.dtype}")
        elif not (i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral))):
            if hasattr(i, "requires_grad"):  # a Value (this module does not know the class)
                raise TypeError("index with ints, slices, None, or arrays of ints or bools, "
                                "not a Value")
            raise IndexError(f"unsupported index {i!r}: use ints, slices, None, ... or "
                             f"int/bool arrays")
        out.append(i)
    return (tuple(out) if isinstance(idx, tuple) else out[0]), accumulate


_NUMPY_SPELLING = {"dim": "axis", "keepdim": "keepdims"}  # PyTorch's keyword -> ours


def refuse_keywords(name: str, kwargs: dict) -> None:
    """Raise `TypeError` for keywords `name` does not take, saying what to write
    instead of PyTorch's `dim=` and `keepdim=`; nothing if `kwargs` is empty."""
    if kwargs:
        hints = [f"use {_NUMPY_SPELLING[k]}= instead of PyTorch's {k}=" if k in _NUMPY_SPELLING
                 else f"unexpected keyword argument {k!r}" for k in kwargs]
        raise TypeError(f"{name}: " + "; ".join(hints))


def spelled(name: str, numpy_value: Any, torch_value: Any, numpy_name: str, torch_name: str,
            default: Any = None) -> Any:
    """The one of NumPy's and PyTorch's spellings of an argument that was given.

    Args:
        name: the function, for the error message.
        numpy_value: the value given under NumPy's name (None if not given).
        torch_value: the value given under PyTorch's name (None if not given).
        numpy_name: NumPy's name (`axis`, `keepdims`, `ddof`, ...).
        torch_name: PyTorch's name (`dim`, `keepdim`, `correction`, ...).
        default: the value if neither was given.

    Returns:
        The value given, or `default`.

    Raises:
        TypeError: both were given.
    """
    if numpy_value is not None and torch_value is not None:
        raise TypeError(f"{name}: give {numpy_name}= or {torch_name}= (PyTorch's name), not both")
    if numpy_value is not None:
        return numpy_value
    return default if torch_value is None else torch_value


def shape_of(v: Any) -> tuple:
    """The shape of a Value (its data's) or of anything NumPy reads as an array."""
    return np.shape(v.data if hasattr(v, "_data") else v)


def reduce_args(name: str, v: Any, axis: Any, dim: Any, keepdims: Any, keepdim: Any) -> tuple:
    """The axes (a sorted tuple, or None for all) and keepdims of a reduction, checked.

    Args:
        name: the function, for error messages.
        v: the Value (or array) reduced.
        axis: NumPy's spelling of the axes, or None.
        dim: PyTorch's spelling, or None.
        keepdims: NumPy's spelling, or None.
        keepdim: PyTorch's spelling, or None.

    Returns:
        `(axes, keepdims)`.

    Raises:
        TypeError: both spellings of one argument, or an axis that is not an int.
        ValueError: an axis out of range, or repeated.
    """
    ax = spelled(name, axis, dim, "axis", "dim")
    keep = spelled(name, keepdims, keepdim, "keepdims", "keepdim", False)
    return axes(ax, len(shape_of(v)), name), bool(keep)


def one_axis(name: str, v: Any, axis: Any, dim: Any, default: Any = None) -> int | None:
    """One axis, non-negative (None if neither spelling was given and there is no default)."""
    ax = spelled(name, axis, dim, "axis", "dim", default)
    if ax is None:
        return None
    if isinstance(ax, (tuple, list)):
        raise TypeError(f"{name}: axis must be one int, got {ax!r}")
    found = axes(ax, max(len(shape_of(v)), 1), name)
    return found[0] if found else 0
