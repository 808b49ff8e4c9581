"""Elementwise ops and `matmul`: each forward beside its vector-Jacobian products.

Each op is one `@op(vjp_0, vjp_1, ...)` definition: the forward on ndarrays,
one VJP per input, and a docstring whose first line states the derivative.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dual
from ..registry import op, passthrough


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


@op(lambda g, out, a, b: g * b * a ** (b - 1), lambda g, out, a, b: g * out * dual.log(a))
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


@op(lambda g, out, a: g * dual.sign(a))
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


@op(lambda g, out, a: g * dual.cos(a))
def sin(a):
    """sin(a);  d/da = cos(a)."""
    return np.sin(a)


@op(lambda g, out, a: -g * dual.sin(a))
def cos(a):
    """cos(a);  d/da = -sin(a)."""
    return np.cos(a)


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
