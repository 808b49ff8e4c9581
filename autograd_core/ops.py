"""The op table: each op's forward and its vector-Jacobian products, side by side.

`@op(vjp_0, vjp_1, ...)` registers the decorated forward (which works on
ndarrays) together with one VJP per input. A VJP `(g, out, *inputs, **params)`
maps the output's gradient `g` to that input's gradient. VJPs are written with
operators and the dual helpers below, so the same rule runs on ndarrays in a
plain backward pass and on Values when the backward pass is recorded
(`create_graph=True`). A VJP may return a gradient of the output's broadcast
shape: the engine reduces it to the input's shape.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .engine import Op, passthrough
from .value import Value

OPS: dict[str, Op] = {}


def op(*vjps: Callable, vjp_all: Callable | None = None, name: str | None = None) -> Callable:
    """Register the decorated forward function as an op with the given VJPs."""
    def register(forward: Callable) -> Op:
        o = Op(name or forward.__name__, forward, vjps or None, vjp_all,
               (forward.__doc__ or "").strip())
        OPS[o.name] = o
        return o
    return register


# Dual helpers: the same call on ndarrays (plain backward) and Values (recorded).
def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def _exp(x: Any) -> Any:
    return exp(x) if isinstance(x, Value) else np.exp(x)


def _log(x: Any) -> Any:
    return log(x) if isinstance(x, Value) else np.log(x)


def _bcast(g: Any, shape: tuple) -> Any:
    if isinstance(g, Value):
        return broadcast_to(g, shape=shape)
    out = np.empty(shape, dtype=g.dtype)  # an array of its own; faster than np.broadcast_to
    out[...] = g
    return out


def _scatter(g: Any, index: Any, shape: tuple, accumulate: bool) -> Any:
    if isinstance(g, Value):
        return scatter(g, index=index, shape=shape, accumulate=accumulate)
    return scatter.forward(g, index=index, shape=shape, accumulate=accumulate)


def _mT(x: Any) -> Any:
    """Swap the last two axes."""
    n = x.ndim
    return x.T if n == 2 else x.transpose(tuple(range(n - 2)) + (n - 1, n - 2))


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


def _tie(a: Any, b: Any) -> np.ndarray:
    """1 where a wins, 1/2 where a and b tie, 0 where b wins (constant)."""
    return (a > b) + 0.5 * (a == b)


def _argext(a: Any, out: Any, axis: tuple | None) -> np.ndarray:
    """Weights that share a max/min's gradient evenly among tied elements."""
    a, out = _raw(a), _raw(out)
    mask = a == out.reshape(_kshape(a.shape, axis))
    return mask / mask.sum(axis=axis, keepdims=True)


# ------------------------------------------------------------ elementwise
@op(passthrough, passthrough)
def add(a, b):
    """a + b;  d/da = 1, d/db = 1."""
    return a + b


@op(passthrough, lambda g, out, a, b: -g)
def sub(a, b):
    """a - b;  d/da = 1, d/db = -1."""
    return a - b


@op(lambda g, out, a, b: g * b, lambda g, out, a, b: g * a)
def mul(a, b):
    """a * b;  d/da = b, d/db = a."""
    return a * b


@op(lambda g, out, a, b: g / b, lambda g, out, a, b: -g * out / b)
def div(a, b):
    """a / b;  d/da = 1/b, d/db = -a/b**2."""
    return a / b


@op(lambda g, out, a, b: g * b * a ** (b - 1), lambda g, out, a, b: g * out * _log(a))
def pow(a, b):
    """a ** b;  d/da = b * a**(b-1), d/db = a**b * log(a)."""
    return a ** b


@op(lambda g, out, a: -g)
def neg(a):
    """-a;  d/da = -1."""
    return -a


@op(lambda g, out, a: g * out)
def exp(a):
    """exp(a);  d/da = exp(a)."""
    return np.exp(a)


@op(lambda g, out, a: g / a)
def log(a):
    """log(a);  d/da = 1/a."""
    return np.log(a)


@op(lambda g, out, a: g / (2 * out))
def sqrt(a):
    """sqrt(a);  d/da = 1/(2 sqrt(a))."""
    return np.sqrt(a)


@op(lambda g, out, a: g * (1 - out * out))
def tanh(a):
    """tanh(a);  d/da = 1 - tanh(a)**2."""
    return np.tanh(a)


@op(lambda g, out, a: g * (out * (1 - out)))
def sigmoid(a):
    """1/(1+exp(-a));  d/da = sigmoid(a) * (1 - sigmoid(a))."""
    # exp of -|a| never overflows; both branches are then exact.
    if type(a) is not np.ndarray or not a.ndim:
        e = np.exp(-a if a >= 0 else a)
        return 1 / (1 + e) if a >= 0 else e / (1 + e)
    e = np.abs(a)
    np.negative(e, out=e)
    np.exp(e, out=e)
    r = e + 1
    np.reciprocal(r, out=r)  # sigmoid(|a|)
    e *= r  # sigmoid(-|a|) = exp(-|a|) / (1 + exp(-|a|))
    np.copyto(r, e, where=a < 0)
    return r


@op(lambda g, out, a: g * (a > 0))
def relu(a):
    """max(a, 0);  d/da = 1 where a > 0, else 0."""
    # On NumPy scalars operators are much faster than ufuncs; + 0.0 turns -0.0 into 0.0.
    return np.maximum(a, 0) if type(a) is np.ndarray else a * (a > 0) + 0.0


@op(lambda g, out, a: g * np.sign(_raw(a)))
def abs(a):
    """|a|;  d/da = sign(a) (0 at 0)."""
    return np.abs(a)


@op(lambda g, out, a, lo, hi: g * ((a >= lo) & (a <= hi)))
def clip(a, lo, hi):
    """clip(a, lo, hi);  d/da = 1 where lo <= a <= hi, else 0."""
    return np.clip(a, lo, hi)


@op(lambda g, out, a, b: g * _tie(a, b), lambda g, out, a, b: g * _tie(b, a))
def maximum(a, b):
    """max(a, b);  d/da = 1 where a > b, 1/2 at ties; likewise for b."""
    return np.maximum(a, b)


@op(lambda g, out, a, b: g * _tie(b, a), lambda g, out, a, b: g * _tie(a, b))
def minimum(a, b):
    """min(a, b);  d/da = 1 where a < b, 1/2 at ties; likewise for b."""
    return np.minimum(a, b)


@op(lambda g, out, a, b, cond: g * cond, lambda g, out, a, b, cond: g * ~cond)
def where(a, b, cond):
    """cond ? a : b;  d/da = cond, d/db = not cond."""
    return np.where(cond, a, b)


def _matmul_ga(g, out, a, b):
    if b.ndim == 1:
        return g * b if a.ndim == 1 else g.reshape(g.shape + (1,)) * b
    if a.ndim == 1:
        return b @ g if b.ndim == 2 else (b * g.reshape(g.shape[:-1] + (1, g.shape[-1]))).sum(axis=-1)
    return g @ _mT(b)


def _matmul_gb(g, out, a, b):
    if a.ndim == 1:
        return g * a if b.ndim == 1 else a.reshape((-1, 1)) * g.reshape(g.shape[:-1] + (1, g.shape[-1]))
    if b.ndim == 1:
        return g @ a if a.ndim == 2 else g.reshape(g.shape + (1,)) * a
    return _mT(a) @ g


@op(_matmul_ga, _matmul_gb)
def matmul(a, b):
    """a @ b;  d/da = g @ b.T, d/db = a.T @ g (1-D operands as vectors)."""
    return a @ b


@op(lambda g, out, x, w, b: _matmul_ga(g, out, x, w), lambda g, out, x, w, b: _matmul_gb(g, out, x, w),
    passthrough)
def linear(x, w, b):
    """x @ w + b;  d/dx = g @ w.T, d/dw = x.T @ g, d/db = g (summed over the batch by the engine)."""
    return x @ w + b


# -------------------------------------------------------------- reductions
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


@op(lambda g, out, z, t, reduction: _per_row(g, z, reduction) * (_softmax_last(z) - t),
    lambda g, out, z, t, reduction: -_per_row(g, z, reduction) * _log_softmax_last(z))
def cross_entropy(z, t, reduction):
    """-sum(t * log_softmax(z)) over the last axis, then reduced;  d/dz = softmax(z) - t, d/dt = -log_softmax(z)."""
    return _reduced(-(t * log_softmax.forward(z, axis=-1)).sum(axis=-1), reduction)


# ------------------------------------------------------------------- shape
@op(lambda g, out, a, shape: g.reshape(a.shape))
def reshape(a, shape):
    """a viewed with a new shape;  d/da = g reshaped back."""
    return a.reshape(shape)


@op(lambda g, out, a, axes: g.transpose(tuple(np.argsort(axes))))
def transpose(a, axes):
    """a with permuted axes;  d/da = g with the inverse permutation."""
    return a.transpose(axes)


@op(passthrough)
def broadcast_to(a, shape):
    """a broadcast to shape;  d/da = g summed over the broadcast axes (by the engine)."""
    return np.broadcast_to(a, shape)


@op(lambda g, out, a, shape: _bcast(g, a.shape))
def sum_to(a, shape):
    """a summed down to a broadcast-compatible shape;  d/da = g broadcast back."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and a.shape[i + lead] != 1)
    return (a.sum(axis=axes, keepdims=True) if axes else a).reshape(shape)


@op(lambda g, out, a, index, accumulate: _scatter(g, index, a.shape, accumulate))
def getitem(a, index, accumulate):
    """a[index];  d/da = g placed at index in zeros (repeated indices add up)."""
    return a[index]


@op(lambda g, out, a, index, shape, accumulate: g[index])
def scatter(a, index, shape, accumulate):
    """zeros(shape) with a added at index;  d/da = g[index]."""
    z = np.zeros(shape, dtype=a.dtype)
    if accumulate:
        np.add.at(z, index, a)
    else:
        z[index] = a
    return z


def _split(g, out, *inputs, axis, sizes):
    ends = np.cumsum(sizes)
    lead = (slice(None),) * axis
    return [g[lead + (slice(e - n, e),)] for e, n in zip(ends, sizes)]


@op(vjp_all=_split)
def concat(*arrays, axis, sizes):
    """concatenation along axis;  d/d(input i) = the slice of g it occupies."""
    return np.concatenate(arrays, axis=axis)


def _unstack(g, out, *inputs, axis):
    lead = (slice(None),) * axis
    return [g[lead + (i,)] for i in range(len(inputs))]


@op(vjp_all=_unstack)
def stack(*arrays, axis):
    """stacking along a new axis;  d/d(input i) = g[..., i, ...] along that axis."""
    return np.stack(arrays, axis=axis)
