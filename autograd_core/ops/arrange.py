"""Ops that rearrange elements: flip, roll, tile, pad, tril, triu and diff,
each forward beside its VJP.

The other shape functions (`repeat_interleave`, `split`, `moveaxis`, ...) are
compositions of `reshape`, `broadcast_to`, `transpose` and `getitem`, whose
gradients are exact; these have rules of their own, as cheap as their
forwards.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op
from .numeric import total


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


def _tile_ga(g: Any, out: Any, a: Any, reps: tuple) -> Any:
    # g seen as (r0, [s0,] r1, s1, ...), one r per copy and one s per axis of a, summed over the r's:
    # a reshape (a view) and one sum, straight to a's shape (measured: repeat(2, 1)'s backward on
    # 100 x 1000, best of 40, 0.48 ms as reshape, broadcast and reshape ops -> 0.37 ms)
    shape = np.shape(vjp_tools.data(a))
    reps = (1,) * (len(shape) - len(reps)) + tuple(reps)  # fewer reps than axes: NumPy's 1s in front
    lead = len(reps) - len(shape)
    split = reps[:lead] + tuple(x for r, s in zip(reps[lead:], shape) for x in (r, s))
    axes = tuple(range(lead)) + tuple(lead + 2 * i for i in range(len(shape)))
    g = g.reshape(split)
    return g.sum(axis=axes) if vjp_tools.is_value(g) else total(g, axes)


@op(_tile_ga)
def tile(a, reps):
    """a repeated reps[i] times along axis i, as a whole (NumPy's tile);  d/da = g summed over the copies."""
    return np.tile(a, reps)


def _cropped(a: Any, widths: tuple) -> tuple:
    """`a` without what the negative widths crop (a view), and the widths left to pad."""
    crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, a.shape))
    return a[crop], tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)


def _pad_ga(g: Any, out: Any, a: Any, widths: tuple, value: float) -> Any:
    back = tuple((-lo, -hi) for lo, hi in widths)  # the padding cropped, the cropped padded with 0
    if vjp_tools.is_value(g):
        return pad(g, widths=back, value=0.0)
    inner, grow = _cropped(g, back)
    return np.pad(inner, grow) if any(lo or hi for lo, hi in grow) else inner  # without crops, a view


@op(_pad_ga)
def pad(a, widths, value):
    """a surrounded by `value`, widths[i] = (before, after) on axis i, a negative width cropping
    (as PyTorch's pad);  d/da = g cropped where a was padded, 0 where a was cropped."""
    inner, grow = _cropped(a, widths)
    return np.pad(inner, grow, constant_values=value)


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
