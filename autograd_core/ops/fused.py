"""The fused ops that `nn` uses: a layer in one node, and losses in one node.

`linear` is `x @ w + b`; `mse` and `cross_entropy` compute a loss and its
reduction at once. Fusing saves the nodes (and the Python overhead per node)
that the same computation written with the elementwise ops would record.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dual
from ..registry import op, passthrough
from .elementwise import _matmul_ga, _matmul_gb
from .reductions import log_softmax, softmax


@op(lambda g, out, x, w, b: _matmul_ga(g, out, x, w), lambda g, out, x, w, b: _matmul_gb(g, out, x, w),
    passthrough)
def linear(x, w, b):
    """x @ w + b;  d/dx = g @ w.T, d/dw = x.T @ g, d/db = g (summed over the batch by the engine)."""
    out = x @ w
    if type(out) is np.ndarray and type(b) is np.ndarray and out.dtype is b.dtype:
        out += b  # in place: out is a new array, already of the result's dtype
        return out
    return out + b


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
    if dual.is_value(z):
        return softmax(z, axis=(z.ndim - 1,))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _log_softmax_last(z: Any) -> Any:
    if dual.is_value(z):
        return log_softmax(z, axis=(z.ndim - 1,))
    return log_softmax.forward(z, axis=-1)


def _cross_entropy_gz(g: Any, out: Any, z: Any, t: Any, reduction: str) -> Any:
    if dual.is_value(z):
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
