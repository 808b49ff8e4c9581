"""Elementwise helpers of the update rules: `lerp_` and `scalar`."""

from __future__ import annotations

import numpy as np

__all__ = ["lerp_", "scalar"]


def scalar(x: float, like: np.ndarray) -> np.ndarray | float:
    """`x` for an operation with the array `like`: a 0-d array of its dtype if it
    is a float array (the number NumPy rounds a Python float to there, so the
    results are bit for bit the same), else `x` itself (an integer gradient's
    operation takes its dtype from the Python float).

    A ufunc takes a 0-d array for less than a Python float, which it must
    convert at each call: callgrind, `np.multiply(g, s, out=t)` on 13 float32s,
    TODO instructions with s = 0.5, TODO with s = scalar(0.5, g) made in the call.
    """
    dtype = like.dtype
    return np.array(x, dtype) if dtype.kind == "f" else x


def lerp_(a: np.ndarray, b: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    """`a += weight * (b - a)`, in place, rounded as `torch.lerp_` rounds it.

    Args:
        a: the array updated in place.
        b: the array moved toward.
        weight: the fraction of the way to go.
        tmp: a scratch array shaped like `a`, overwritten.
    """
    np.subtract(b, a, out=tmp)
    if weight < 0.5:
        tmp *= scalar(weight, tmp)
        a += tmp
    else:
        tmp *= scalar(1.0 - weight, tmp)
        np.subtract(b, tmp, out=a)
