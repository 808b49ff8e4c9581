"""The fused ops that `nn` uses: a layer in one node, and losses in one node.

`linear` is `x @ w + b`; `mse`, `cross_entropy`, `bce` and `bce_with_logits`
compute a loss and its reduction at once. Fusing saves the nodes (and the
Python overhead per node) that the same computation written with the
elementwise ops would record, and lets each loss follow PyTorch's formulas
exactly, edge values included (its gradients are not those of the composed
ops where PyTorch clamps).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op, passthrough
from .elementwise import _masked, _matmul_ga, _matmul_gb, maximum, sigmoid
from .numeric import F16, average, divide, finite, in_float32, total
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


def _reduced(x: Any, reduction: str) -> Any:
    """The elementwise losses `x` summed, averaged, or left as they are."""
    if reduction == "none":
        return x
    return total(x) if reduction == "sum" else average(x)


def _scaled(grad: Any, count: int, reduction: str) -> Any:
    """An elementwise gradient computed with the reduced loss's gradient,
    divided by the count for a mean (as PyTorch's loss backwards do)."""
    if reduction != "mean" or not count:
        return grad
    return grad * (1.0 / count) if vjp_tools.is_value(grad) else divide(grad, count)


def _mse_vjp(g: Any, a: Any, t: Any, reduction: str) -> Any:
    # The size of an ndarray, or of a Value under create_graph: read once, as an
    # attribute (np.size of vjp_tools.data twice cost 23.1k -> 17.5k instructions
    # a call on (4, 1) float32; callgrind, N and 2N calls).
    n = a.size
    if not n:  # an empty loss: an empty gradient
        return vjp_tools.data(a) * 0
    norm = 2.0 / n if reduction == "mean" else 2.0
    # (In place, `d *= norm; d *= g` with a dtype guard, measured 16.9k -> 17.8k: the
    # two arrays saved on a (4, 1) loss cost less than the guard.)
    return norm * (a - t) * g


@op(lambda g, out, a, t, reduction: _mse_vjp(g, a, t, reduction),
    lambda g, out, a, t, reduction: _mse_vjp(g, t, a, reduction))
def mse(a, t, reduction):
    """(a - t)**2, then reduced;  d/da = 2 (a - t), d/dt = 2 (t - a)."""
    d = a - t
    if reduction != "none" and type(d) is np.ndarray and d.dtype is not F16:
        s = np.vdot(d, d)  # one dot product instead of a square and a sum
        return s if reduction == "sum" else s / d.size
    d *= d  # float16: squares rounded to float16 first (they may overflow), as in PyTorch
    return _reduced(d, reduction)


# -------------------------------------------------------------- cross-entropy
def _per_row(g: Any, z: Any, reduction: str) -> Any:
    """The gradient of each row's loss, as a column, given the reduced loss's gradient."""
    if reduction == "none":
        return g.reshape(g.shape + (1,))
    rows = z.size // z.shape[-1] if z.size else 0
    return _scaled(g, rows, reduction)


def _row_sums(t: Any, z: Any) -> Any:
    """The sums over the last axis of `t` broadcast to z's shape, as a column."""
    s = t.sum(axis=-1, keepdims=True)
    n = t.shape[-1] if t.ndim else 1
    return s if n == z.shape[-1] else s * (z.shape[-1] // n)


@in_float32
def _cross_entropy_gz(g: Any, out: Any, z: Any, t: Any, reduction: str) -> Any:
    """softmax(z) * sum(tg) - tg per row, tg = t * g: targets need not sum to 1."""
    if vjp_tools.is_value(z):
        return _per_row(g, z, reduction) * (softmax(z, axis=(z.ndim - 1,)) * _row_sums(t, z) - t)
    # As PyTorch's backward through log_softmax: t * g first (a class of target 0
    # gives 0, also for an infinite g, as a class index does), then its row sums
    # spread by the softmax.
    tg = _masked(_per_row(g, z, reduction), t)
    e = np.exp(z - z.max(axis=-1, keepdims=True)) if z.size else z.copy()  # a new array: work in place
    e /= e.sum(axis=-1, keepdims=True)
    e *= _row_sums(tg, z)
    e -= tg
    return e


@in_float32
def _cross_entropy_gt(g: Any, out: Any, z: Any, t: Any, reduction: str) -> Any:
    logp = log_softmax(z, axis=(z.ndim - 1,)) if vjp_tools.is_value(z) else log_softmax.forward(z, axis=-1)
    return -_per_row(g, z, reduction) * logp


def _t_logp(t: Any, logp: np.ndarray) -> np.ndarray:
    """t * logp, where a class of target 0 adds nothing: 0 * log(0) = 0 where
    its logit is -inf (the product alone would be NaN), as with a class index."""
    p = t * logp
    return p if finite(p) else np.where(t == 0, 0, p)


@op(_cross_entropy_gz, _cross_entropy_gt)
@in_float32
def cross_entropy(z, t, reduction):
    """-sum(t * log_softmax(z)) over the last axis, then reduced;  d/dz = softmax(z) sum(t) - t, d/dt = -log_softmax(z)."""
    logp = log_softmax.forward(z, axis=-1)
    rows = logp.size // logp.shape[-1] if logp.size else 0
    # isinstance and .shape rather than np.shape's Python wrapper: with log_softmax's
    # direct reduces, this forward 111.5k -> 108.4k instructions on 64 rows of 10 classes.
    if reduction != "none" and isinstance(t, np.ndarray) and t.shape == logp.shape:
        s = -np.vdot(t, logp)  # one dot product instead of a product and two sums
        if s - s == 0:  # finite: no -inf logit met a target of 0
            return s if reduction == "sum" else s / rows
    losses = -total(_t_logp(t, logp), (logp.ndim - 1,))
    if reduction == "none":
        return losses
    s = total(losses)
    return s if reduction == "sum" else divide(s, rows)


# ------------------------------------------------------- binary cross-entropy
# PyTorch bounds p(1 - p) below by this float constant in BCE's gradient; in
# float16 it rounds to 0, so there p = 0 or 1 gives an infinite or NaN gradient.
_BCE_EPS = float(np.float32(1e-12))


def _bce_gp(g: Any, out: Any, p: Any, y: Any, reduction: str) -> Any:
    d = vjp_tools.data(p)
    if vjp_tools.is_value(p):
        r = g * (p - y) / maximum((1 - p) * p, _BCE_EPS)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):  # p = 0 or 1 in float16
            r = g * (p - y) / np.maximum((1 - p) * p, d.dtype.type(_BCE_EPS))
    return _scaled(r, np.size(d), reduction)


def _bce_gy(g: Any, out: Any, p: Any, y: Any, reduction: str) -> Any:
    with np.errstate(divide="ignore"):  # log(0) at p = 0 or 1: an infinite gradient
        return _scaled(-np.log(p / (1 - p)) * g, np.size(vjp_tools.data(p)), reduction)


@op(_bce_gp, _bce_gy)
def bce(p, y, reduction):
    """-(y log p + (1-y) log(1-p)), logs clamped at -100, then reduced;  d/dp = (p - y) / max(p(1-p), 1e-12), d/dy = -logit(p)."""
    with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped
        loss = (y - 1) * np.maximum(np.log1p(-p), -100) - y * np.maximum(np.log(p), -100)
    return _reduced(loss, reduction)


def _bce_logits_gx(g: Any, out: Any, x: Any, y: Any, reduction: str) -> Any:
    s = sigmoid(x) if vjp_tools.is_value(x) else sigmoid.forward(x)  # the op's forward: no overflow
    return _scaled((s - y) * g, np.size(vjp_tools.data(x)), reduction)


@op(_bce_logits_gx,
    lambda g, out, x, y, reduction: _scaled(-x * g, np.size(vjp_tools.data(x)), reduction))
def bce_with_logits(x, y, reduction):
    """(1 - y) x - log(sigmoid(x)), then reduced;  d/dx = sigmoid(x) - y, d/dy = -x."""
    return _reduced((1 - y) * x - _log_sigmoid(x), reduction)


@in_float32  # as PyTorch for float16: computed in float32, rounded once
def _log_sigmoid(x: Any) -> Any:
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)): no overflow for any x."""
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))

