"""More elementwise math: trigonometry, hyperbolic functions, logs and
exponentials, rounding, and the binary functions beyond arithmetic.

Each op is one `@op` definition with its VJPs, written with NumPy's
functions and operators, so that on Values (`backward(create_graph=True)`)
the same rule records the graph. The rounding ops (`floor`, `ceil`,
`round`, `trunc`, `sign`, `floor_divide`) have a zero gradient, as in
PyTorch. Where PyTorch and NumPy disagree, the docstring says which is kept.
"""
from __future__ import annotations

import math as _m
from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op, passthrough
from .elementwise import _select
from .numeric import finite

_LN2, _LN10 = _m.log(2.0), _m.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / _m.sqrt(_m.pi)


def _zero(g: Any, out: Any, *inputs: Any, **params: Any) -> np.ndarray:
    """The VJP of a piecewise-constant op: zeros (a constant, also on Values), as in PyTorch."""
    d = vjp_tools.data(g)
    return np.zeros(np.shape(d), np.asarray(d).dtype)


try:  # SciPy's erf when it is installed; else Python's, elementwise (slower, as exact)
    from scipy.special import erf as _erf
except ImportError:  # pragma: no cover - SciPy is optional
    _erf = np.vectorize(_m.erf, otypes=[np.float64])


# ---------------------------------------------------------- trigonometry
@op(lambda g, out, a: g * (1 + out * out))
def tan(a):
    """tan(a);  d/da = 1 + tan(a)**2."""
    return np.tan(a)


@op(lambda g, out, a: g / np.sqrt(1 - a * a))
def asin(a):
    """arcsin(a);  d/da = 1/sqrt(1 - a**2)."""
    return np.arcsin(a)


@op(lambda g, out, a: -g / np.sqrt(1 - a * a))
def acos(a):
    """arccos(a);  d/da = -1/sqrt(1 - a**2)."""
    return np.arccos(a)


@op(lambda g, out, a: g / (1 + a * a))
def atan(a):
    """arctan(a);  d/da = 1/(1 + a**2)."""
    return np.arctan(a)


def _inverse_sq(a: Any, b: Any) -> Any:
    """1/(a**2 + b**2), 0 where that is 1/0 (at a = b = 0 both atan2 gradients are 0, as in PyTorch)."""
    d = a * a + b * b
    with np.errstate(divide="ignore"):
        r = 1 / d
    return r if finite(vjp_tools.data(r)) else _select(vjp_tools.data(d) == 0, 0, r)


@op(lambda g, out, a, b: g * b * _inverse_sq(a, b), lambda g, out, a, b: g * -a * _inverse_sq(a, b))
def atan2(a, b):
    """arctan2(a, b), the angle of (b, a);  d/da = b/(a**2 + b**2), d/db = -a/(a**2 + b**2) (0 at 0, 0)."""
    return np.arctan2(a, b)


# ---------------------------------------------------------- hyperbolic
@op(lambda g, out, a: g * np.cosh(a))
def sinh(a):
    """sinh(a);  d/da = cosh(a)."""
    return np.sinh(a)


@op(lambda g, out, a: g * np.sinh(a))
def cosh(a):
    """cosh(a);  d/da = sinh(a)."""
    return np.cosh(a)


@op(lambda g, out, a: g / np.sqrt(a * a + 1))
def asinh(a):
    """arcsinh(a);  d/da = 1/sqrt(a**2 + 1)."""
    return np.arcsinh(a)


@op(lambda g, out, a: g / np.sqrt(a * a - 1))
def acosh(a):
    """arccosh(a);  d/da = 1/sqrt(a**2 - 1)."""
    return np.arccosh(a)


@op(lambda g, out, a: g / (1 - a * a))
def atanh(a):
    """arctanh(a);  d/da = 1/(1 - a**2)."""
    return np.arctanh(a)


# ---------------------------------------------------------- logs and exponentials
@op(lambda g, out, a: g / (a * _LN2))
def log2(a):
    """log2(a);  d/da = 1/(a ln 2)."""
    return np.log2(a)


@op(lambda g, out, a: g / (a * _LN10))
def log10(a):
    """log10(a);  d/da = 1/(a ln 10)."""
    return np.log10(a)


@op(lambda g, out, a: g / (1 + a))
def log1p(a):
    """log(1 + a), exact for small a;  d/da = 1/(1 + a)."""
    return np.log1p(a)


@op(lambda g, out, a: g * (out * _LN2))
def exp2(a):
    """2**a;  d/da = 2**a ln 2."""
    return np.exp2(a)


@op(lambda g, out, a: g * (out + 1))
def expm1(a):
    """exp(a) - 1, exact for small a;  d/da = exp(a)."""
    return np.expm1(a)


@op(lambda g, out, a: -g * (out * out))
def reciprocal(a):
    """1/a;  d/da = -1/a**2."""
    return np.reciprocal(a)


@op(lambda g, out, a: g * (-0.5 * out * out * out))
def rsqrt(a):
    """1/sqrt(a);  d/da = -1/(2 a**1.5)."""
    return 1 / np.sqrt(a)


@op(lambda g, out, a: g * (_TWO_OVER_SQRT_PI * np.exp(-(a * a))))
def erf(a):
    """The error function;  d/da = 2/sqrt(pi) exp(-a**2)."""
    return np.asarray(_erf(a), dtype=np.result_type(a))[()]


@op(lambda g, out, a, b: g / (1 + np.exp(b - a)), lambda g, out, a, b: g / (1 + np.exp(a - b)))
def logaddexp(a, b):
    """log(exp(a) + exp(b)) without overflow;  d/da = 1/(1 + exp(b - a)), d/db likewise."""
    return np.logaddexp(a, b)


@op(lambda g, out, a, b: g * (a / out), lambda g, out, a, b: g * (b / out))
def hypot(a, b):
    """sqrt(a**2 + b**2) without overflow;  d/da = a/hypot, d/db = b/hypot."""
    return np.hypot(a, b)


# ---------------------------------------------------------- rounding: zero gradients
@op(_zero)
def sign(a):
    """The sign, -1, 0 or 1 (0 at NaN, as in PyTorch; NumPy's is NaN);  d/da = 0, as in PyTorch."""
    r = np.sign(a)
    return r if finite(r) else np.where(np.isnan(r), 0, r)[()]


@op(_zero)
def floor(a):
    """The largest integer <= a;  d/da = 0, as in PyTorch."""
    return np.floor(a)


@op(_zero)
def ceil(a):
    """The smallest integer >= a;  d/da = 0, as in PyTorch."""
    return np.ceil(a)


@op(_zero)
def trunc(a):
    """a rounded toward zero;  d/da = 0, as in PyTorch."""
    return np.trunc(a)


@op(_zero, name="round")
def _round(a, decimals):
    """a rounded to `decimals` places, halves to even (as both NumPy and PyTorch);  d/da = 0."""
    return np.round(a, decimals)


def round_(v: Any, decimals: int = 0) -> Any:
    """Elementwise rounding to `decimals` places, halves to even (as NumPy and PyTorch); gradient 0.

    `autograd_core.round`; the method `v.round(decimals)` and `np.round(v)` are the same op.

    Args:
        v: a Value, number or array.
        decimals: the number of decimal places (negative: to tens, hundreds, ...).

    Returns:
        A new Value, recorded by the `round` op.

    Raises:
        TypeError: `decimals` is not an int.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}")
    return _round(v, decimals=int(decimals))


@op(_zero, _zero)
def floor_divide(a, b):
    """floor(a / b), as Python's `//` and NumPy's;  d/da = 0, d/db = 0, as in PyTorch."""
    return np.floor_divide(a, b)


# ---------------------------------------------------------- remainders and interpolation
@op(passthrough, lambda g, out, a, b: -g * np.trunc(vjp_tools.data(a) / vjp_tools.data(b)))
def fmod(a, b):
    """a - trunc(a/b) b, the sign of a (C's fmod);  d/da = 1, d/db = -trunc(a/b)."""
    return np.fmod(a, b)


@op(passthrough, lambda g, out, a, b: -g * np.floor_divide(vjp_tools.data(a), vjp_tools.data(b)))
def remainder(a, b):
    """a - floor(a/b) b, the sign of b (Python's `%`);  d/da = 1, d/db = -floor(a/b)."""
    return np.remainder(a, b)


@op(lambda g, out, a, b, w: g * (1 - w), lambda g, out, a, b, w: g * w,
    lambda g, out, a, b, w: g * (b - a))
def lerp(a, b, w):
    """a + w (b - a) (PyTorch's: b - (b - a)(1 - w) where |w| >= 1/2);  d/da = 1 - w, d/db = w, d/dw = b - a."""
    d = b - a
    if np.ndim(w) == 0:  # one weight: one branch
        return a + w * d if abs(w) < 0.5 else b - d * (1 - w)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w))


@op(lambda g, out, a, nan, posinf, neginf: g * np.isfinite(vjp_tools.data(a)))
def nan_to_num(a, nan, posinf, neginf):
    """a with NaN, inf and -inf replaced by numbers;  d/da = 1 where a is finite, else 0."""
    return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)
