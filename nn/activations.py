"""Activations: `ReLU`, `Tanh`, `Sigmoid`, and the functions and modules of PyTorch's other ones.

Each function (`leaky_relu`, `elu`, `gelu`, ...) is also in `nn.functional`;
each class (`LeakyReLU`, `ELU`, `GELU`, ...) is a module calling it. Most are
compositions of the elementwise ops, written so that the gradient at the
kinks (`x = 0`, the ends of `hardtanh`) is PyTorch's; `softplus`,
`logsigmoid` and exact `gelu` use the ops `softplus` and `normal_cdf`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Value, ops

from .inputs import as_value
from .module import Module

__all__ = ["leaky_relu", "elu", "gelu", "silu", "softplus", "hardtanh", "relu6", "softsign",
           "logsigmoid", "softmax", "log_softmax", "ReLU", "Tanh", "Sigmoid",
           "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus", "Hardtanh", "ReLU6", "Softsign",
           "LogSigmoid", "Softmax", "LogSoftmax"]


def leaky_relu(input: Any, negative_slope: float = 0.01) -> Value:
    """`x` where `x > 0`, else `negative_slope * x` (the gradient at 0 is the slope)."""
    x = as_value(input, "leaky_relu")
    return ops.where(x, x * negative_slope, cond=x.data > 0)


def elu(input: Any, alpha: float = 1.0) -> Value:
    """`x` where `x > 0`, else `alpha * (exp(x) - 1)` (the gradient at 0 is `alpha`)."""
    x = as_value(input, "elu")
    positive = x.data > 0
    # exp of x only where x <= 0 (0 elsewhere): no overflow, and no inf times a zero gradient
    negative = ((x * (~positive).astype(x.dtype)).exp() - 1) * alpha
    return ops.where(x, negative, cond=positive)


def gelu(input: Any, approximate: str = "none") -> Value:
    """`x * Phi(x)`, Phi the standard normal distribution function; with
    `approximate="tanh"`, `x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x**3)))`."""
    x = as_value(input, "gelu")
    if approximate == "none":
        return x * ops.normal_cdf(x)
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)
        return x * 0.5 * (inner.tanh() + 1)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input: Any) -> Value:
    """`x * sigmoid(x)` (also called swish)."""
    x = as_value(input, "silu")
    return x * x.sigmoid()


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Value:
    """`log(1 + exp(beta x)) / beta`, and `x` itself where `beta x > threshold`."""
    x = as_value(input, "softplus")
    return ops.softplus(x, beta=float(beta), threshold=float(threshold))


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Value:
    """`x` clipped to `[min_val, max_val]`; the gradient is 1 strictly inside, 0 at the ends and outside."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
    x = as_value(input, "hardtanh")
    inside = (x.data > min_val) & (x.data < max_val)
    return ops.where(x, np.clip(x.data, min_val, max_val), cond=inside)


def relu6(input: Any) -> Value:
    """`min(max(x, 0), 6)`: `hardtanh(x, 0, 6)`, as in PyTorch."""
    return hardtanh(input, 0.0, 6.0)


def softsign(input: Any) -> Value:
    """`x / (1 + |x|)`."""
    x = as_value(input, "softsign")
    return x / (x.abs() + 1)


def logsigmoid(input: Any) -> Value:
    """`log(sigmoid(x)) = -softplus(-x)`, without overflow for any `x`."""
    x = as_value(input, "logsigmoid")
    return -ops.softplus(-x, beta=1.0, threshold=math.inf)


def _softmax_dim(dim: int | None, ndim: int) -> int:
    """PyTorch's choice when no `dim` is given: 0 for 0-, 1- and 3-D input, else 1."""
    if dim is None:
        return 0 if ndim in (0, 1, 3) else 1
    return dim


def softmax(input: Any, dim: int | None = None) -> Value:
    """`exp(x) / sum(exp(x))` along `dim` (numerically stable)."""
    x = as_value(input, "softmax")
    return x.softmax(axis=_softmax_dim(dim, x.ndim))


def log_softmax(input: Any, dim: int | None = None) -> Value:
    """`x - logsumexp(x)` along `dim` (numerically stable)."""
    x = as_value(input, "log_softmax")
    return x.log_softmax(axis=_softmax_dim(dim, x.ndim))


class ReLU(Module):
    """Elementwise `max(x, 0)`.

    Examples:
        >>> import nn
        >>> nn.ReLU()([-1.0, 2.0])
        Value([0., 2.], requires_grad=False)
    """

    def forward(self, x: Any) -> Value:
        """Apply `max(x, 0)` elementwise.

        Args:
            x: a Value, or real numbers (an array, a list, a number), made a
                constant Value.

        Returns:
            A new Value of the shape of `x`, recorded by the `relu` op.

        Raises:
            TypeError: `x` is not real numbers (naming the layer).
        """
        return as_value(x, "ReLU").relu()


class Tanh(Module):
    """Elementwise hyperbolic tangent."""

    def forward(self, x: Any) -> Value:
        """Apply tanh elementwise.

        Args:
            x: a Value, or real numbers, as for `ReLU.forward`.

        Returns:
            A new Value of the shape of `x`, recorded by the `tanh` op.

        Raises:
            TypeError: as for `ReLU.forward`.
        """
        return as_value(x, "Tanh").tanh()


class Sigmoid(Module):
    """Elementwise logistic sigmoid `1 / (1 + exp(-x))`."""

    def forward(self, x: Any) -> Value:
        """Apply the logistic sigmoid elementwise.

        Args:
            x: a Value, or real numbers, as for `ReLU.forward`.

        Returns:
            A new Value of the shape of `x`, recorded by the `sigmoid` op.

        Raises:
            TypeError: as for `ReLU.forward`.
        """
        return as_value(x, "Sigmoid").sigmoid()

class _Activation(Module):
    """An activation module: its settings, and the function it calls."""

    _settings: tuple[str, ...] = ()

    def forward(self, input: Any) -> Value:
        """Apply the activation elementwise (`Softmax`: along `dim`).

        Args:
            input: a Value, or real numbers made a constant Value.

        Returns:
            A new Value of the input's shape.
        """
        fn = _FUNCTIONS[type(self).__name__]
        return fn(input, **{k: getattr(self, k) for k in self._settings})

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={getattr(self, k)!r}" for k in self._settings)


class LeakyReLU(_Activation):
    """`x` where `x > 0`, else `negative_slope * x`. Shapes: any, unchanged."""

    _settings = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = float(negative_slope)
        """The slope for negative inputs."""


class ELU(_Activation):
    """`x` where `x > 0`, else `alpha * (exp(x) - 1)`. Shapes: any, unchanged."""

    _settings = ("alpha",)

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = float(alpha)
        """The value approached as `x` goes to minus infinity is `-alpha`."""


class GELU(_Activation):
    """`x * Phi(x)` (`approximate="none"`) or its tanh approximation
    (`approximate="tanh"`). Shapes: any, unchanged."""

    _settings = ("approximate",)

    def __init__(self, approximate: str = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate
        """"none" for the exact function, "tanh" for the approximation."""


class SiLU(_Activation):
    """`x * sigmoid(x)`. Shapes: any, unchanged."""


class Softplus(_Activation):
    """`log(1 + exp(beta x)) / beta`, `x` where `beta x > threshold`. Shapes: any, unchanged."""

    _settings = ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        self.beta = float(beta)
        """The sharpness."""
        self.threshold = float(threshold)
        """Above it (in `beta x`) the function is `x`."""


class Hardtanh(_Activation):
    """`x` clipped to `[min_val, max_val]`. Shapes: any, unchanged."""

    _settings = ("min_val", "max_val")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} is greater than max_val {max_val}")
        self.min_val = float(min_val)
        """The lower end."""
        self.max_val = float(max_val)
        """The upper end."""


class ReLU6(_Activation):
    """`min(max(x, 0), 6)`. Shapes: any, unchanged."""


class Softsign(_Activation):
    """`x / (1 + |x|)`. Shapes: any, unchanged."""


class LogSigmoid(_Activation):
    """`log(sigmoid(x))`. Shapes: any, unchanged."""


class Softmax(_Activation):
    """`exp(x) / sum(exp(x))` along `dim`. Shapes: any, unchanged; each slice
    along `dim` sums to 1."""

    _settings = ("dim",)

    def __init__(self, dim: int | None = None) -> None:
        self.dim = dim
        """The axis normalised (None: PyTorch's legacy choice, 0 for 0-, 1- and 3-D input, else 1)."""


class LogSoftmax(_Activation):
    """`x - logsumexp(x)` along `dim`. Shapes: any, unchanged."""

    _settings = ("dim",)

    def __init__(self, dim: int | None = None) -> None:
        self.dim = dim
        """The axis normalised (None: as for `Softmax`)."""


_FUNCTIONS = {"LeakyReLU": leaky_relu, "ELU": elu, "GELU": gelu, "SiLU": silu,
              "Softplus": softplus, "Hardtanh": hardtanh, "ReLU6": relu6, "Softsign": softsign,
              "LogSigmoid": logsigmoid, "Softmax": softmax, "LogSoftmax": log_softmax}
