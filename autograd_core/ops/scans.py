"""Statistics and scans: prod, var, std, logsumexp, the 2-norm, cumsum and
cumprod, each forward beside its VJP.

The reductions take `axis` (a sorted tuple of non-negative ints, or None for
all) and `keepdims`, as `sum` does; the scans one int `axis`. float16 is
accumulated in float32 and rounded once, as PyTorch does.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op
from .elementwise import _select
from .numeric import in_float32
from .reductions import _kshape
from .arrange import flip


def _count(shape: tuple, axis: tuple | None) -> int:
    """How many elements a reduction over `axis` of an array of `shape` takes."""
    return int(np.prod(shape if axis is None else [shape[i] for i in axis], dtype=np.int64))


def _unzero(g: Any, out: Any, scale: Any) -> Any:
    """g * scale / out, but 0 where out is 0 (as PyTorch's norm and std gradients are)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = g * scale / out
    return _select(vjp_tools.data(out) == 0, 0, r)


def _rcumsum(g: Any, axis: int) -> Any:
    """The cumulative sum from the end of `axis` (the VJP of cumsum)."""
    if vjp_tools.is_value(g):
        return flip(cumsum(flip(g, axes=(axis,)), axis=axis), axes=(axis,))
    # Written into a reversed view of an array of its own: no flipped copy, and a
    # leaf takes the result as it is (measured: cumsum's backward on 10^5, best of 40, 0.69 ms -> 0.59 ms)
    r = np.empty_like(g)
    np.cumsum(np.flip(g, axis), axis=axis, out=np.flip(r, axis))
    return r


def _others(a: Any, axis: tuple | None) -> Any:
    """At each element of `a`, the product of the other elements reduced with it
    over `axis`: the products before it times those after it (no division, so
    exact at zeros). Written with NumPy's functions, it records the graph on a
    Value, and so differentiates again (prod's second order at zeros)."""
    ndim = np.ndim(vjp_tools.data(a))
    axes = tuple(range(ndim)) if axis is None else axis
    order = [i for i in range(ndim) if i not in axes] + list(axes)
    moved = a.transpose(tuple(order))
    rows = moved.reshape(-1, _count(np.shape(vjp_tools.data(a)), axis))
    one = np.ones((rows.shape[0], 1), dtype=vjp_tools.data(rows).dtype)
    left = np.cumprod(np.concatenate([one, rows[:, :-1]], 1), 1)
    right = np.flip(np.cumprod(np.flip(np.concatenate([rows[:, 1:], one], 1), 1), 1), 1)
    return (left * right).reshape(moved.shape).transpose(tuple(np.argsort(order)))


# ---------------------------------------------------------- reductions
def _prod_ga(g: Any, out: Any, a: Any, axis: tuple | None, keepdims: bool) -> Any:
    ad = vjp_tools.data(a)
    if not np.ndim(ad):  # a 0-d product is the element itself: the gradient passes, as in PyTorch
        return g
    g, o = _kept(g, a, axis, keepdims), _kept(out, a, axis, keepdims)
    if not ad.all():  # zeros (NaN counts as nonzero); `all()` makes no boolean array, `a != 0` did
        return g * _others(a, axis)
    if vjp_tools.is_value(a):
        return g * (o / a)
    r = o / a  # PyTorch's order: o / a is exactly 1 for a single element, even subnormal
    r *= g  # in place: one array of a's size, not two (measured with the line above: prod's backward
    return r  # on 100 x 1000, best of 40, 1.07 ms -> 0.72 ms)


@op(_prod_ga)
@in_float32
def prod(a, axis, keepdims):
    """The product over axis;  d/da_i = the product of the other elements (exact at zeros)."""
    return np.prod(a, axis=axis, keepdims=keepdims)


def _kept(x: Any, a: Any, axis: tuple | None, keepdims: bool) -> Any:
    """A reduction's output (or its gradient) with the reduced axes kept, of length 1:
    it broadcasts against `a` (cheaper than spreading it to a's shape first)."""
    return x if keepdims else x.reshape(_kshape(np.shape(vjp_tools.data(a)), axis))


def _var_ga(g: Any, out: Any, a: Any, axis: tuple | None, ddof: int, keepdims: bool) -> Any:
    n = _count(np.shape(vjp_tools.data(a)), axis)
    with np.errstate(divide="ignore"):
        scale = _kept(g, a, axis, keepdims) * (np.float64(2.0) / max(n - ddof, 0))
    d = a - np.mean(a, axis=axis, keepdims=True)
    if vjp_tools.is_value(d):
        return d * scale
    d *= scale  # d is this VJP's own array: one pass less (measured: var 10^5 backward 12 ms -> 8 ms)
    return d


@op(_var_ga)
@in_float32
def var(a, axis, ddof, keepdims):
    """The variance, sum((a - mean)**2) / (n - ddof);  d/da = 2 (a - mean) / (n - ddof)."""
    n = _count(a.shape, axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = a - (a.mean(axis=axis, keepdims=True) if a.size else 0)
        d = np.multiply(d, d, out=d if type(d) is np.ndarray else None)  # in place: a pass less
        return d.sum(axis=axis, keepdims=keepdims) / a.dtype.type(max(n - ddof, 0))


@op(lambda g, out, a, axis, ddof, keepdims: _var_ga(_unzero(g, out, 0.5), None, a, axis, ddof, keepdims))
@in_float32
def std(a, axis, ddof, keepdims):
    """The standard deviation, sqrt(var);  d/da = (a - mean) / ((n - ddof) std), 0 where std is 0."""
    return np.sqrt(var.forward(a, axis, ddof, keepdims))


@op(lambda g, out, a, axis, keepdims: a * (_kept(g, a, axis, keepdims) * _unzero(1, _kept(out, a, axis, keepdims), 1)))
@in_float32
def norm(a, axis, keepdims):
    """The 2-norm sqrt(sum(a**2)) over axis;  d/da = a / norm, 0 where the norm is 0 (NaN for a NaN g, as PyTorch's)."""
    return np.sqrt((a * a).sum(axis=axis, keepdims=keepdims))


@op(in_float32(lambda g, out, a, axis, keepdims:
               _kept(g, a, axis, keepdims) * np.exp(a - _kept(out, a, axis, keepdims))))
@in_float32
def logsumexp(a, axis, keepdims):
    """log(sum(exp(a))) over axis, without overflow;  d/da = exp(a - logsumexp(a)) = softmax(a)."""
    m = a.max(axis=axis, keepdims=True) if a.size else np.zeros((1,) * a.ndim, a.dtype)
    m = np.where(np.isfinite(m), m, 0)  # all -inf (or an inf): the shift must not make NaN
    with np.errstate(divide="ignore"):
        s = np.log(np.exp(a - m).sum(axis=axis, keepdims=True)) + m
    return s if keepdims else s.reshape(np.sum(a, axis=axis).shape)


# ---------------------------------------------------------- scans
@op(lambda g, out, a, axis: _rcumsum(g, axis))
@in_float32
def cumsum(a, axis):
    """The running sum along axis;  d/da = g summed from the end (a reversed cumsum)."""
    return np.cumsum(a, axis=axis)


def _cumprod_ga(g: Any, out: Any, a: Any, axis: int) -> Any:
    ad = vjp_tools.data(a)
    if ad.size <= 1 or ad.shape[axis] == 1:  # one element a row: the gradient passes (at inf too, as in PyTorch)
        return g
    if ad.all():  # no zeros (NaN counts as nonzero): PyTorch's rule, a division
        return _rcumsum(g * out, axis) / a
    if vjp_tools.is_value(g):
        return _cumprod_recorded(g, a, axis)
    # Zeros: before the first zero of a row the rule above holds (the products
    # after it are 0); at it, the product before it times the products after
    # it; after it, 0.
    gd, od = np.moveaxis(g, axis, -1), np.moveaxis(vjp_tools.data(out), axis, -1)
    rows, grows, orows = (x.reshape(-1, ad.shape[axis]) for x in (np.moveaxis(ad, axis, -1), gd, od))
    res = np.zeros_like(rows)
    for r, (x, gr, o) in enumerate(zip(rows, grows, orows)):
        zeros = np.flatnonzero(x == 0)
        z = zeros[0] if zeros.size else len(x)
        res[r, :z] = np.flip(np.cumsum(np.flip(gr[:z] * o[:z]))) / x[:z]
        if z < len(x):
            before = o[z - 1] if z else x.dtype.type(1)
            res[r, z] = before * (gr[z] + (gr[z + 1:] * np.cumprod(x[z + 1:])).sum())
    return np.moveaxis(res.reshape(gd.shape), -1, axis)


def _cumprod_recorded(g: Any, a: Any, axis: int) -> Any:
    """cumprod's VJP at zeros on Values, without division, so that it differentiates
    again (as PyTorch's O(n^2) rule under create_graph): d/da_i = (the product before
    i) * sum over k >= i of g_k * (the product of a_(i+1..k)), the latter from the
    running products of an n x n array per row."""
    am, gm = np.moveaxis(a, axis, -1), np.moveaxis(g, axis, -1)
    n, lead = am.shape[-1], am.shape[:-1]
    k, i = np.arange(n), np.arange(n)[:, None]
    spans = np.cumprod(np.where(k > i, am.reshape(lead + (1, n)), 1.0), -1)  # [i, k] = a_(i+1..k) for k >= i
    after = (spans * (gm.reshape(lead + (1, n)) * (k >= i).astype(vjp_tools.data(am).dtype))).sum(-1)
    one = np.ones(lead + (1,), dtype=vjp_tools.data(am).dtype)
    before = np.cumprod(np.concatenate([one, am[..., :-1]], -1), -1)
    return np.moveaxis(before * after, -1, axis)


@op(_cumprod_ga)
@in_float32
def cumprod(a, axis):
    """The running product along axis;  d/da_i = sum over k >= i of g_k * prod(a_j, j <= k, j != i)."""
    return np.cumprod(a, axis=axis)
