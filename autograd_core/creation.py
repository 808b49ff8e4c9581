"""Making Values as PyTorch does: `tensor`, `zeros`, `ones`, `full`, their
`_like` forms, `eye`, `arange`, `linspace`, `randn`, `rand`, each with
`dtype=` and PyTorch's default `requires_grad=False`.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .dtypes import FLOAT_DTYPES, get_default_dtype
from .args import shape_arg as _shape_arg
from .value import Value

__all__ = ["tensor", "zeros", "ones", "full", "zeros_like", "ones_like", "full_like", "eye",
           "arange", "linspace", "randn", "rand"]


def _make(data: Any, dtype: Any, requires_grad: bool) -> Value:
    return Value(data, requires_grad=bool(requires_grad), dtype=dtype)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Value:
    """`Value(data, requires_grad=...)` with PyTorch's default: no gradient unless asked.

    Args:
        data: a number, nested lists, an ndarray or a Value (copied).
        requires_grad: whether backward passes compute its gradient.
        dtype: float16, float32 or float64; None follows `Value`'s rules.

    Returns:
        A new leaf Value.

    Raises:
        TypeError: data that is not real numbers.
        ValueError: a dtype other than the float ones.

    Examples:
        >>> from autograd_core import tensor
        >>> tensor([1.0, 2.0]).requires_grad
        False
    """
    return _make(data, dtype, requires_grad)


def _dtype(dtype: Any) -> np.dtype:
    return get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Value:
    """A Value of zeros of shape `size` (ints, or one tuple).

    Args:
        *size: the shape.
        dtype: a float dtype (default: the default dtype).
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.
    """
    return _make(np.zeros(_shape_arg(size, "zeros"), _dtype(dtype)), dtype, requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Value:
    """A Value of ones of shape `size`, as `zeros`.

    Args:
        *size: the shape.
        dtype: a float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.
    """
    return _make(np.ones(_shape_arg(size, "ones"), _dtype(dtype)), dtype, requires_grad)


def full(size: Any, fill_value: float, *, dtype: Any = None, requires_grad: bool = False) -> Value:
    """A Value of shape `size` holding `fill_value` everywhere.

    Args:
        size: the shape (an int or a tuple).
        fill_value: the number.
        dtype: a float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.
    """
    shape = _shape_arg((size,) if isinstance(size, numbers.Integral) else (tuple(size),), "full")
    return _make(np.full(shape, fill_value, _dtype(dtype)), dtype, requires_grad)


def _like(v: Any, dtype: Any) -> tuple:
    data = v.data if isinstance(v, Value) else np.asarray(v)
    d = dtype if dtype is not None else (data.dtype if data.dtype in FLOAT_DTYPES else None)
    return data.shape, _dtype(d)


def zeros_like(v: Any, *, dtype: Any = None, requires_grad: bool = False) -> Value:
    """Zeros of `v`'s shape and dtype.

    Args:
        v: a Value or array.
        dtype: another float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.
    """
    shape, d = _like(v, dtype)
    return _make(np.zeros(shape, d), d, requires_grad)


def ones_like(v: Any, *, dtype: Any = None, requires_grad: bool = False) -> Value:
    """Ones of `v`'s shape and dtype.

    Args:
        v: a Value or array.
        dtype: another float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.
    """
    shape, d = _like(v, dtype)
    return _make(np.ones(shape, d), d, requires_grad)


def full_like(v: Any, fill_value: float, *, dtype: Any = None, requires_grad: bool = False) -> Value:
    """`fill_value` everywhere, in `v`'s shape and dtype.

    Args:
        v: a Value or array.
        fill_value: the number.
        dtype: another float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.
    """
    shape, d = _like(v, dtype)
    return _make(np.full(shape, fill_value, d), d, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: Any = None, requires_grad: bool = False) -> Value:
    """The `n` x `m` identity (ones on the diagonal), `m` defaulting to `n`.

    Args:
        n: rows.
        m: columns.
        dtype: a float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.
    """
    return _make(np.eye(n, m, dtype=_dtype(dtype)), dtype, requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, *, dtype: Any = None,
           requires_grad: bool = False) -> Value:
    """The numbers from `start` up to (not including) `end` by `step`; `arange(n)` is 0 .. n-1.

    Args:
        start: the first number (the end, if `end` is not given).
        end: the bound, not included.
        step: the difference between neighbours (not 0).
        dtype: a float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new 1-D leaf Value.

    Raises:
        ValueError: `step` is 0.
    """
    if step == 0:
        raise ValueError("arange: step must not be 0")
    lo, hi = (0, start) if end is None else (start, end)
    return _make(np.arange(lo, hi, step, dtype=np.float64), _dtype(dtype), requires_grad)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None,
             requires_grad: bool = False) -> Value:
    """`steps` evenly spaced numbers from `start` to `end`, both included (as PyTorch's).

    Args:
        start: the first number.
        end: the last.
        steps: how many, at least 0.
        dtype: a float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new 1-D leaf Value.

    Raises:
        ValueError: `steps` is negative.
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative int, got {steps!r}")
    return _make(np.linspace(start, end, int(steps)), _dtype(dtype), requires_grad)


def _rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be an int seed or a numpy.random.Generator, got {rng!r}")


def randn(*size: Any, rng: Any = None, dtype: Any = None, requires_grad: bool = False) -> Value:
    """Standard normal samples of shape `size`; `rng` an int seed or a `numpy.random.Generator`.

    Args:
        *size: the shape.
        rng: the seed or generator (same seed, same numbers).
        dtype: a float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.

    Raises:
        TypeError: `rng` is neither.
    """
    shape = _shape_arg(size, "randn")
    return _make(_rng(rng).standard_normal(shape), _dtype(dtype), requires_grad)


def rand(*size: Any, rng: Any = None, dtype: Any = None, requires_grad: bool = False) -> Value:
    """Uniform samples in [0, 1) of shape `size`, as `randn`.

    Args:
        *size: the shape.
        rng: an int seed or a `numpy.random.Generator`.
        dtype: a float dtype.
        requires_grad: as for `tensor`.

    Returns:
        A new leaf Value.

    Raises:
        TypeError: `rng` is neither.
    """
    shape = _shape_arg(size, "rand")
    return _make(_rng(rng).random(shape), _dtype(dtype), requires_grad)
