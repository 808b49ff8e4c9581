"""Two ops for the activations that the other ops cannot compose exactly.

`softplus` is `log(1 + exp(beta x)) / beta` computed without overflow or
cancellation (composed of `exp` and `log` it would overflow for large `x` and
lose every digit for very negative `x`), and `normal_cdf` is the standard
normal distribution function `Phi(x) = (1 + erf(x / sqrt(2))) / 2`, which
exact GELU (`x * Phi(x)`) needs. The other activations of `nn` (LeakyReLU,
ELU, SiLU, Hardtanh, ...) are compositions of the elementwise ops.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op
from .elementwise import _select, sigmoid
from .numeric import in_float32


def _softplus_gx(g: Any, out: Any, x: Any, beta: float, threshold: float) -> Any:
    linear = vjp_tools.data(x) * beta > threshold  # constant: the region where softplus is x
    s = sigmoid(x * beta) if vjp_tools.is_value(x) else sigmoid.forward(x * beta)
    return _select(linear, g, g * s)


@op(_softplus_gx)
@in_float32
def softplus(x, beta, threshold):
    """log(1 + exp(beta x)) / beta, x itself where beta x > threshold;  d/dx = sigmoid(beta x) (1 there)."""
    bx = x * beta
    return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta)


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf(x) elementwise: SciPy's where it is installed, else Python's `math.erf`."""
    try:
        from scipy.special import erf  # optional: NumPy has no erf; math.erf is the fallback
    except ImportError:  # pragma: no cover - SciPy is installed where the tests run
        return np.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)
    return erf(x)


@op(lambda g, out, x: g * (np.exp(x * x * -0.5) * _INV_SQRT_2PI))
@in_float32
def normal_cdf(x):
    """Phi(x) = (1 + erf(x / sqrt(2))) / 2, as PyTorch's GELU computes it;  d/dx = exp(-x**2 / 2) / sqrt(2 pi)."""
    x = np.asarray(x)
    return ((1 + _erf(x * _SQRT_HALF)) * 0.5)[()]
