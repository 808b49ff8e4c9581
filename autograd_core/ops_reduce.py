"""Reductions, softmax and the fused losses: their forwards beside their VJPs."""
from __future__ import annotations

from typing import Any

import numpy as np

from .ops import _exp, _raw, op
from .ops_shape import _bcast
from .value import Value


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
    a, out = _raw(a), _raw(out)
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


@op(lambda g, out, a, axis: g - _exp(out) * g.sum(axis=axis, keepdims=True))
def log_softmax(a, axis):
    """a - log(sum(exp(a)));  d/da = g - softmax(a) * sum(g)."""
    s = a - a.max(axis=axis, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=axis, keepdims=True))
    return s


def _per_row(g: Any, z: Any, reduction: str) -> Any:
    """The gradient of each row's loss, as a column, given the reduced loss's gradient."""
    if reduction == "none":
        return g.reshape(g.shape + (1,))
    return g if reduction == "sum" else g * (z.shape[-1] / z.size)


def _reduced(x: Any, reduction: str) -> Any:
    """The elementwise losses `x` summed, averaged, or left as they are."""
    if reduction == "none":
        return x
    total = x.sum()
    return total if reduction == "sum" else total / x.size


def _spread_loss(g: Any, a: Any, reduction: str) -> Any:
    """The gradient of each elementwise loss, given the reduced loss's gradient."""
    return g if reduction != "mean" else g * (1.0 / a.size)


@op(lambda g, out, a, t, reduction: _spread_loss(g, a, reduction) * (2 * (a - t)),
    lambda g, out, a, t, reduction: _spread_loss(g, a, reduction) * (2 * (t - a)))
def mse(a, t, reduction):
    """(a - t)**2, then reduced;  d/da = 2 (a - t), d/dt = 2 (t - a)."""
    d = a - t
    if reduction != "none" and type(d) is np.ndarray:
        total = np.vdot(d, d)  # one dot product instead of a square and a sum
        return total if reduction == "sum" else total / d.size
    d *= d
    return _reduced(d, reduction)


def _softmax_last(z: Any) -> Any:
    if isinstance(z, Value):
        return softmax(z, axis=(z.ndim - 1,))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _log_softmax_last(z: Any) -> Any:
    if isinstance(z, Value):
        return log_softmax(z, axis=(z.ndim - 1,))
    return log_softmax.forward(z, axis=-1)


def _cross_entropy_gz(g: Any, out: Any, z: Any, t: Any, reduction: str) -> Any:
    if isinstance(z, Value):
        return _per_row(g, z, reduction) * (_softmax_last(z) - t)
    e = _softmax_last(z)  # a new array: work in place
    e -= t
    e *= _per_row(g, z, reduction)
    return e


@op(_cross_entropy_gz,
    lambda g, out, z, t, reduction: -_per_row(g, z, reduction) * _log_softmax_last(z))
def cross_entropy(z, t, reduction):
    """-sum(t * log_softmax(z)) over the last axis, then reduced;  d/dz = softmax(z) - t, d/dt = -log_softmax(z)."""
    logp = log_softmax.forward(z, axis=-1)
    if reduction == "none" or np.shape(t) != logp.shape:
        return _reduced(-(t * logp).sum(axis=-1), reduction)
    total = -np.vdot(t, logp)  # one dot product instead of a product and two sums
    return total if reduction == "sum" else total / (logp.size // logp.shape[-1])
