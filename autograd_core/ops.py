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


def _mT(x: Any) -> Any:
    """Swap the last two axes."""
    n = x.ndim
    return x.T if n == 2 else x.transpose(tuple(range(n - 2)) + (n - 1, n - 2))


def _tie(a: Any, b: Any) -> np.ndarray:
    """1 where a wins, 1/2 where a and b tie, 0 where b wins (constant)."""
    return (a > b) + 0.5 * (a == b)


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


# Below minus these, exp(-a) overflows (log of the dtype's largest value, rounded down).
_EXP_SAFE = {np.dtype(np.float64): -709.0, np.dtype(np.float32): -88.0, np.dtype(np.float16): -11.0}


@op(lambda g, out, a: g * (out * (1 - out)))
def sigmoid(a):
    """1/(1+exp(-a));  d/da = sigmoid(a) * (1 - sigmoid(a))."""
    # exp of -|a| never overflows; both branches are then exact.
    if type(a) is not np.ndarray or not a.ndim:
        e = np.exp(-a if a >= 0 else a)
        return 1 / (1 + e) if a >= 0 else e / (1 + e)
    if a.size and a.min() > _EXP_SAFE.get(a.dtype, 0.0):  # exp(-a) cannot overflow
        e = np.negative(a)
        np.exp(e, out=e)
        e += 1
        return np.reciprocal(e, out=e)
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
    out = x @ w
    if type(out) is np.ndarray and type(b) is np.ndarray and out.dtype is b.dtype:
        out += b  # in place: out is a new array, already of the result's dtype
        return out
    return out + b


# The reductions and losses, and the shape ops, are defined in their own modules.
from .ops_reduce import (cross_entropy, log_softmax, max, mean, min, mse,  # noqa: E402,F401
                         softmax, sum)
from .ops_shape import (broadcast_to, concat, getitem, reshape, scatter,  # noqa: E402,F401
                        stack, sum_to, transpose)
