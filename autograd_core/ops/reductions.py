"""Reductions and softmax: their forwards beside their VJPs."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dual
from ..registry import op
from .shape import _bcast


def _kshape(shape: tuple, axis: tuple | None) -> tuple:
    """The shape a reduction over `axis` has with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _spread(g: Any, a: Any, axis: tuple | None, keepdims: bool) -> Any:
    """Broadcast a reduction's output gradient back over the reduced axes."""
    if not keepdims:
        g = g.reshape(_kshape(a.shape, axis))
    return _bcast(g, a.shape)


def _argext(a: Any, out: Any, axis: tuple | None) -> np.ndarray:
    """Weights that share a max/min's gradient evenly among tied elements."""
    a, out = dual.data(a), dual.data(out)
    mask = a == out.reshape(_kshape(a.shape, axis))
    return mask / mask.sum(axis=axis, keepdims=True)


@op(lambda g, out, a, axis, keepdims: _spread(g, a, axis, keepdims))
def sum(a, axis, keepdims):
    """sum(a, axis);  d/da = 1 for every summed element."""
    return a.sum(axis=axis, keepdims=keepdims)


@op(lambda g, out, a, axis, keepdims: _spread(g, a, axis, keepdims) * (out.size / a.size))
def mean(a, axis, keepdims):
    """mean(a, axis);  d/da = 1/n for each of the n averaged elements."""
    s = a.sum(axis=axis, keepdims=keepdims)  # then divide: np.mean's overhead is large on small arrays
    return s / (a.size // s.size if s.size else 0)


@op(lambda g, out, a, axis, keepdims: _spread(g, a, axis, keepdims) * _argext(a, out, axis))
def max(a, axis, keepdims):
    """max(a, axis);  d/da = 1/k for each of the k elements equal to the max, else 0."""
    return a.max(axis=axis, keepdims=keepdims)


@op(lambda g, out, a, axis, keepdims: _spread(g, a, axis, keepdims) * _argext(a, out, axis))
def min(a, axis, keepdims):
    """min(a, axis);  d/da = 1/k for each of the k elements equal to the min, else 0."""
    return a.min(axis=axis, keepdims=keepdims)


@op(lambda g, out, a, axis: out * (g - (g * out).sum(axis=axis, keepdims=True)))
def softmax(a, axis):
    """exp(a)/sum(exp(a));  d/da = s * (g - sum(g * s))."""
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@op(lambda g, out, a, axis: g - dual.exp(out) * g.sum(axis=axis, keepdims=True))
def log_softmax(a, axis):
    """a - log(sum(exp(a)));  d/da = g - softmax(a) * sum(g)."""
    s = a - a.max(axis=axis, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=axis, keepdims=True))
    return s
