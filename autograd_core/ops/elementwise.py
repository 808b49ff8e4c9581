"""Elementwise ops and `matmul`: each forward beside its vector-Jacobian products.

Each op is one `@op(vjp_0, vjp_1, ...)` definition: the forward on ndarrays,
one VJP per input, and a docstring whose first line states the derivative.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op, passthrough
from .numeric import F16, finite


def _mT(x: Any) -> Any:
    """Swap the last two axes."""
    n = x.ndim
    return x.T if n == 2 else x.transpose(tuple(range(n - 2)) + (n - 1, n - 2))


def _share(a: Any, b: Any) -> np.ndarray:
    """a's share of max(a, b)'s gradient (constant): 0 where a < b, 1/2 at ties,
    else 1 (NaN on either side included, as in PyTorch)."""
    a, b = vjp_tools.data(a), vjp_tools.data(b)
    return 1.0 - (a < b) - 0.5 * (a == b)


def _select(cond: Any, x: Any, y: Any) -> Any:
    """x where cond, else y: `np.where` on arrays, the recorded op on Values."""
    if vjp_tools.is_value(x) or vjp_tools.is_value(y):
        return where(x, y, cond=np.asarray(cond))
    return np.where(cond, x, y)


def _masked(g: Any, w: Any) -> Any:
    """g * w, but 0 wherever w is 0 even where g is NaN or inf, as PyTorch's
    masked gradients are (`where(mask, grad, 0)`).

    The product is computed first; `np.where`, several times slower on large
    arrays, runs only when the product holds a NaN or inf."""
    r = g * w
    return r if finite(vjp_tools.data(r)) else _select(w == 0, 0, r)


# One zero per scalar type: NumPy scalars are immutable, and a lookup is several
# times faster than making one.
_ZEROS = {t: t(0) for t in (np.float16, np.float32, np.float64)}


def _zero(g: Any) -> Any:
    """A zero like the raw gradient g (g * 0 is NaN where g is NaN or inf)."""
    z = _ZEROS.get(type(g))
    return np.zeros_like(g) if z is None else z


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


@op(lambda g, out, a, b: g / b, lambda g, out, a, b: -g * (out / b))
def div(a, b):
    """a / b;  d/da = 1/b, d/db = -a/b**2."""
    return a / b


_SPECIAL = (0.5, -0.5, -1, 3, -2)  # the exponents PyTorch computes specially (besides 0, 1, 2)


def _power(a: Any, e: float) -> Any:
    """a ** e for a Python-number exponent, as PyTorch computes it.

    In float32 and float64 PyTorch takes sqrt for 0.5, 1/sqrt for -0.5 and
    products for 3 and -2 (C's pow differs at -0.0 and -inf, and in rounding);
    in float16 only C's pow, where NumPy's `**` would take sqrt for 0.5."""
    if e == 2:
        return a * a  # NumPy's `**` does the same; on NumPy scalars several times faster
    if e == 1:
        return +a  # a new array (an output must not share its input's memory); no ufunc call
    if e in _SPECIAL and a.dtype is not F16:
        if e == 0.5:
            return np.sqrt(a)
        if e == -0.5:
            return 1 / np.sqrt(a)
        if e == -1:
            return 1 / a
        if e == 3:
            return a * a * a
        if e == -2:
            return 1 / (a * a)
    return np.power(a, e)


def _cpow(a: Any, b: Any) -> Any:
    """Elementwise C pow, as PyTorch's for a tensor exponent. NumPy takes sqrt
    for an exponent 0.5 given as one number: NaN at -inf, where pow gives inf."""
    r = np.power(a, b)
    return r if finite(r) else np.where((a == -np.inf) & (b == 0.5), np.inf, r)


def _pow_ga(g: Any, out: Any, a: Any, b: Any) -> Any:
    t = type(b)
    if t is int or t is float:  # a constant exponent (a Value's would be a Value here)
        if b == 2:  # the square, the common case: a call less (a tenth of this VJP's time)
            return g * (2 * a)
        return g * (b * _power(a, b - 1)) if b != 0 else _zero(g)
    if vjp_tools.is_value(a):  # recorded (create_graph): the graph must differentiate too
        zero = vjp_tools.data(b) == 0
        if np.any(zero):
            # The derivative is 0 where b == 0; an exponent of 1 there keeps
            # a**(b-1) finite at a == 0, so that the recorded graph differentiates
            # to 0 (as PyTorch's), not to 0 * inf.
            return _select(zero, 0, g * (b * a ** (_select(zero, 1, b) - 1)))
        return g * (b * a ** (b - 1))
    r = g * (b * _cpow(a, b - 1))
    # Where b == 0 the derivative is 0, also at a == 0 (0 * inf) and for a NaN g,
    # as in PyTorch; elsewhere r is right, and it is finite unless an edge value entered.
    return r if finite(r) else _select(b == 0, 0, r)


def _pow_gb(g: Any, out: Any, a: Any, b: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):  # log(0), then 0 * -inf: fixed below
        r = out * np.log(a)
    if finite(vjp_tools.data(r)):
        return g * r
    # At a == 0 and b >= 0 the derivative is 0 (the limit from a > 0), as in PyTorch.
    return g * _select((vjp_tools.data(a) == 0) & (vjp_tools.data(b) >= 0), 0, r)


@op(_pow_ga, _pow_gb, name="pow")
def pow_(a, b):
    """a ** b;  d/da = b * a**(b-1) (0 where b == 0), d/db = a**b * log(a) (0 where a == 0 <= b)."""
    t = type(b)
    if t is int or t is float:
        return a * a if b == 2 else _power(a, b)  # the square inline: a call less
    return _cpow(a, b)


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
_amin = np.minimum.reduce
_FEW = 32  # up to this many elements, the overflow test takes Python's min of a list
_EXP_SAFE = {np.dtype(np.float64): -709.0, np.dtype(np.float32): -88.0, np.dtype(np.float16): -11.0}


@op(lambda g, out, a: g * (out * (1 - out)))
def sigmoid(a):
    """1/(1+exp(-a));  d/da = sigmoid(a) * (1 - sigmoid(a))."""
    # exp of -|a| never overflows; both branches are then exact. float16 is
    # computed in float32 and rounded once, as PyTorch does: rounded at each
    # step, 1 - sigmoid (its gradient) would lose most digits near 1.
    if type(a) is not np.ndarray or not a.ndim:
        if type(a) is np.float16:  # `type`: cheaper than the dtype on the scalar hot path
            return np.float16(sigmoid.forward(np.float32(a)))
        e = np.exp(-a if a >= 0 else a)
        return 1 / (1 + e) if a >= 0 else e / (1 + e)
    if a.dtype is F16:
        return sigmoid.forward(a.astype(np.float32)).astype(F16)
    # exp(-a) cannot overflow: `a.min()` through the ufunc itself (a.min's Python
    # wrapper, skipped, cost a third of the test), or for a few elements Python's
    # min of a list (the forward on 4 float32 elements 28.1k -> 23.2k instructions,
    # on 16 28.2k -> 26.3k; callgrind, N and 2N calls). A NaN first fails the
    # test, as with a.min(); one further on is passed over, and gives NaN on either branch.
    n, limit = a.size, _EXP_SAFE.get(a.dtype, 0.0)
    if n and (min(a.ravel().tolist()) if n <= _FEW else _amin(a, None)) > limit:
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


def _relu_ga(g: Any, out: Any, a: Any) -> Any:
    if isinstance(a, np.generic):  # NumPy scalars: a comparison, no ufunc (several times faster)
        if not a <= 0:
            return g
        z = _ZEROS.get(type(g))  # _zero inline: a call less on the scalar hot path
        return np.zeros_like(g) if z is None else z
    if type(a) is np.ndarray:
        # g where a > 0: the comparison written straight into a float array and
        # multiplied in place (a third faster than g * (a > 0), which casts
        # booleans). Right unless a is NaN or g holds NaN or inf; one dot product
        # shows those (NaN or inf in out or r survives it), and then np.where,
        # several times slower, gives PyTorch's rule.
        r = np.greater(a, 0, out=np.empty(a.shape, g.dtype))
        r *= g
        s = np.vdot(out, r)
        return r if s - s == 0 else np.where(a <= 0, 0, g)
    return _select(vjp_tools.data(a) <= 0, 0, g)  # Values: a recorded backward pass


@op(_relu_ga)
def relu(a):
    """max(a, 0);  d/da = 0 where a <= 0, else 1 (a NaN passes the gradient, as in PyTorch)."""
    # On NumPy scalars a comparison is much faster than a ufunc.
    return np.maximum(a, 0) if type(a) is np.ndarray else a if not a <= 0 else _ZEROS[type(a)]


def _abs_ga(g: Any, out: Any, a: Any) -> Any:
    s = np.sign(vjp_tools.data(a))
    r = g * s
    # sign(NaN) is NaN; PyTorch's is 0 (checked only when the product shows a NaN).
    return r if finite(vjp_tools.data(r)) else g * np.nan_to_num(s)


@op(_abs_ga, name="abs")
def abs_(a):
    """|a|;  d/da = sign(a) (0 at 0 and at NaN)."""
    return np.abs(a)


@op(lambda g, out, a, lo, hi: _masked(g, (vjp_tools.data(a) >= lo) & (vjp_tools.data(a) <= hi)))
def clip(a, lo, hi):
    """clip(a, lo, hi);  d/da = 1 where lo <= a <= hi, else 0 (also at NaN)."""
    return np.clip(a, lo, hi)


@op(lambda g, out, a, b: _masked(g, _share(a, b)), lambda g, out, a, b: _masked(g, _share(b, a)))
def maximum(a, b):
    """max(a, b);  d/da = 1 where a > b or either is NaN, 1/2 at ties, else 0; likewise for b."""
    return np.maximum(a, b)


@op(lambda g, out, a, b: _masked(g, _share(b, a)), lambda g, out, a, b: _masked(g, _share(a, b)))
def minimum(a, b):
    """min(a, b);  d/da = 1 where a < b or either is NaN, 1/2 at ties, else 0; likewise for b."""
    return np.minimum(a, b)


@op(lambda g, out, a, b, cond: _masked(g, cond), lambda g, out, a, b, cond: _masked(g, ~cond))
def where(a, b, cond):
    """cond ? a : b;  d/da = cond, d/db = not cond."""
    return np.where(cond, a, b)


@op(lambda g, out, a: g * np.cos(a))
def sin(a):
    """sin(a);  d/da = cos(a)."""
    return np.sin(a)


@op(lambda g, out, a: -g * np.sin(a))
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
    try:
        return a @ b
    except (TypeError, ValueError):  # NumPy blames the scalar type for a 0-d operand
        if np.ndim(a) and np.ndim(b):
            raise
        raise ValueError("both operands need at least one dimension (for a product with a "
                         "scalar, use *)") from None
