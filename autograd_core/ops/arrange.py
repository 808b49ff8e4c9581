"""Ops that rearrange elements: flip, roll, pad, tril, triu and diff, each
forward beside its VJP.

The other shape functions (`tile`, `repeat`, `split`, `moveaxis`, ...) are
compositions of `reshape`, `broadcast_to`, `transpose` and `getitem`, whose
gradients are exact; these have rules of their own, as cheap as their
forwards.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op


def _flipped(g: Any, axes: tuple) -> Any:
    return flip(g, axes=axes) if vjp_tools.is_value(g) else np.flip(g, axes)


@op(lambda g, out, a, axes: _flipped(g, axes))
def flip(a, axes):
    """a with the order of its elements along axes reversed;  d/da = g flipped back."""
    return np.flip(a, axes).copy()


def _rolled(g: Any, shifts: tuple, axes: tuple) -> Any:
    back = tuple(-s for s in shifts)
    return roll(g, shifts=back, axes=axes) if vjp_tools.is_value(g) else np.roll(g, back, axes)


@op(lambda g, out, a, shifts, axes: _rolled(g, shifts, axes))
def roll(a, shifts, axes):
    """a shifted cyclically by shifts along axes;  d/da = g shifted back."""
    return np.roll(a, shifts, axes)


@op(lambda g, out, a, widths, value: g[tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, np.shape(vjp_tools.data(a))))])
def pad(a, widths, value):
    """a surrounded by `value`, widths[i] = (before, after) on axis i;  d/da = the inner part of g."""
    return np.pad(a, widths, constant_values=value)


def _triangle(g: Any, k: int, lower: bool) -> Any:
    if vjp_tools.is_value(g):
        return (tril if lower else triu)(g, k=k)
    return np.tril(g, k) if lower else np.triu(g, k)


@op(lambda g, out, a, k: _triangle(g, k, True))
def tril(a, k):
    """a on and below the k-th diagonal of its last two axes, 0 above;  d/da = g likewise."""
    return np.tril(a, k)


@op(lambda g, out, a, k: _triangle(g, k, False))
def triu(a, k):
    """a on and above the k-th diagonal of its last two axes, 0 below;  d/da = g likewise."""
    return np.triu(a, k)


def _diff_ga(g: Any, out: Any, a: Any, axis: int) -> Any:
    # d/da_j = g_(j-1) - g_j, with g zero past either end: minus the difference of g padded by one zero
    if not np.shape(vjp_tools.data(a))[axis]:  # an empty axis: an empty gradient
        return g
    widths = tuple((1, 1) if i == axis else (0, 0) for i in range(np.ndim(vjp_tools.data(g))))
    if vjp_tools.is_value(g):
        return -diff(pad(g, widths=widths, value=0.0), axis=axis)
    return -np.diff(np.pad(g, widths), axis=axis)


@op(_diff_ga)
def diff(a, axis):
    """a[1:] - a[:-1] along axis;  d/da_j = g_(j-1) - g_j (g zero past the ends)."""
    return np.diff(a, axis=axis)
