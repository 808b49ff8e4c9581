"""Sums, means and divisions on raw arrays, computed as PyTorch computes them.

float16 is summed in float32 and rounded once at the end (NumPy's reduction
along a non-contiguous axis would add in float16 and can overflow halfway), a
mean divides in float32 (the count itself may exceed float16's largest value,
65,504), softmax and its kin run in float32 for float16 (`in_float32`), and
`finite` is the one cheap test the ops use to decide whether an edge-value
fix-up is needed at all.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

__all__ = ["F16", "finite", "total", "average", "divide", "in_float32"]

F16 = np.dtype(np.float16)


def finite(x: np.ndarray) -> bool:
    """Whether `x` holds no NaN or inf: the test for an edge-value fix-up.

    One dot product of `x` with itself (BLAS: several times faster than a sum
    or `isfinite`), which a NaN or inf survives; one that overflows reads as
    not finite, and the caller's exact path runs. float16 (no BLAS, and
    overflowing at 65,504) uses `isfinite`.

    Args:
        x: an array or a NumPy scalar.

    Returns:
        True if every element is finite (False also on overflow, see above).
    """
    if x.dtype is F16:
        return bool(np.isfinite(x).all())
    s = np.vdot(x, x)
    return bool(s - s == 0)


def total(a: Any, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """The sum over `axis`; float16 accumulated in float32 and rounded once.

    Args:
        a: an array or a NumPy scalar.
        axis: the axes summed (all if None).
        keepdims: keep the summed axes, with length 1.

    Returns:
        The sum, of a's dtype.
    """
    if a.dtype is F16:  # `is`: half the cost of ==; native dtypes are singletons
        return a.sum(axis=axis, keepdims=keepdims, dtype=np.float32).astype(F16)[()]
    return a.sum(axis=axis, keepdims=keepdims)


def average(a: Any, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """The mean over `axis`: a sum divided by the count.

    Sum, then divide: np.mean's overhead is large on small arrays. float16 is
    summed and divided in float32 and rounded once, as PyTorch does.

    Args:
        a: an array or a NumPy scalar.
        axis: the axes averaged (all if None).
        keepdims: keep the averaged axes, with length 1.

    Returns:
        The mean, of a's dtype; NaN where it averages no elements.
    """
    if a.dtype is F16:  # `is`: half the cost of ==; native dtypes are singletons
        s = a.sum(axis=axis, keepdims=keepdims, dtype=np.float32)
        return (s / np.float32(a.size // s.size if s.size else 0)).astype(F16)[()]
    s = a.sum(axis=axis, keepdims=keepdims)
    return s / (a.size // s.size if s.size else 0)


def divide(x: Any, n: int) -> Any:
    """`x / n` for a count `n`; float16 divided in float32 and rounded once.

    Args:
        x: an array or a NumPy scalar.
        n: the count (it may exceed float16's largest value).

    Returns:
        The quotient, of x's dtype.
    """
    if x.dtype is F16:
        return (np.float32(x) / np.float32(n)).astype(F16)[()]  # [()]: a 0-d result stays a scalar
    return x / n


def _raw16(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic)) and x.dtype is F16


def in_float32(fn: Callable) -> Callable:
    """Compute `fn` in float32 when its first argument is raw float16 data.

    PyTorch computes softmax, log_softmax and cross-entropy so for float16;
    in float16 throughout they would lose most digits where they cancel.
    Other dtypes, and Values (a recorded backward pass), go straight through.

    Args:
        fn: a forward or a VJP returning one array.

    Returns:
        `fn`, its float16 arguments raised to float32 and its result rounded
        once to float16.
    """
    @functools.wraps(fn)
    def run(*args: Any, **params: Any) -> Any:
        if not _raw16(args[0]):
            return fn(*args, **params)
        up = [x.astype(np.float32) if _raw16(x) else x for x in args]
        return np.asarray(fn(*up, **params)).astype(F16)[()]
    return run
