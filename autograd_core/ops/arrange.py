"""Ops that rearrange elements: flip, roll and pad, each forward beside its VJP.

The other shape functions (`tile`, `repeat`, `split`, `moveaxis`, ...) are
compositions of `reshape`, `broadcast_to`, `transpose` and `getitem`, whose
gradients are exact; these three have rules of their own, as cheap as their
forwards.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dual
from ..registry import op


def _flipped(g: Any, axes: tuple) -> Any:
    return flip(g, axes=axes) if dual.is_value(g) else np.flip(g, axes)


@op(lambda g, out, a, axes: _flipped(g, axes))
def flip(a, axes):
    """a with the order of its elements along axes reversed;  d/da = g flipped back."""
    return np.flip(a, axes).copy()


def _rolled(g: Any, shifts: tuple, axes: tuple) -> Any:
    back = tuple(-s for s in shifts)
    return roll(g, shifts=back, axes=axes) if dual.is_value(g) else np.roll(g, back, axes)


@op(lambda g, out, a, shifts, axes: _rolled(g, shifts, axes))
def roll(a, shifts, axes):
    """a shifted cyclically by shifts along axes;  d/da = g shifted back."""
    return np.roll(a, shifts, axes)


@op(lambda g, out, a, widths, value: g[tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, np.shape(dual.data(a))))])
def pad(a, widths, value):
    """a surrounded by `value`, widths[i] = (before, after) on axis i;  d/da = the inner part of g."""
    return np.pad(a, widths, constant_values=value)
