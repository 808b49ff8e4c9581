"""Initialisation of parameters in place, as `torch.nn.init`: gains, fans, and the usual schemes.

Each function fills a Value's data in place (the same array: an optimizer
holding the Value stays valid), bumps its version as any change in place
does (a graph recorded before can no longer run backward), and returns the
Value. Use it with `Module.apply`:

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    model.apply(init_weights)

Fans follow PyTorch's weight layouts: for a weight of shape `(out, in, *kernel)`
`fan_in = in * prod(kernel)` and `fan_out = out * prod(kernel)`. `nn.Linear`
keeps its weight the other way round, `(in_features, out_features)`, so that
`x @ weight` reads as the math does; the weights that `Linear` makes are
recognised (whatever their shape, they are remembered when made), and their
fans are read in that layout: `fan_in = in_features`, `fan_out =
out_features`, the same numbers as PyTorch's for its `(out, in)` weight. Any
other 2-D Value is read in PyTorch's layout, `(out, in)`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Value
from autograd_core.versions import bump_version

from .data import RngLike, as_rng
from .layers import LINEAR_WEIGHTS

__all__ = ["calculate_gain", "calculate_fan_in_and_fan_out", "uniform_", "normal_",
           "constant_", "zeros_", "ones_", "eye_", "xavier_uniform_", "xavier_normal_",
           "kaiming_uniform_", "kaiming_normal_", "orthogonal_"]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as PyTorch's table gives it.

    1 for linear, the convolutions and sigmoid; 5/3 for tanh; sqrt(2) for
    relu; sqrt(2 / (1 + slope**2)) for leaky_relu (`param` the slope,
    default 0.01); 3/4 for selu.

    Raises:
        ValueError: an unknown nonlinearity, or a `param` that is not a number.
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _is_linear_weight(tensor: Any) -> bool:
    return isinstance(tensor, Value) and tensor.ndim == 2 \
        and LINEAR_WEIGHTS.get(id(tensor)) is tensor


def calculate_fan_in_and_fan_out(tensor: Any) -> tuple[int, int]:
    """`(fan_in, fan_out)` of a weight: PyTorch's rule for `(out, in, *kernel)`,
    Linear's `(in, out)` layout for a weight made by `nn.Linear` (same numbers).

    Raises:
        ValueError: fewer than 2 dimensions.
    """
    shape = np.shape(tensor.data if isinstance(tensor, Value) else tensor)
    if len(shape) < 2:
        raise ValueError(f"nn.init: fan in and fan out can not be computed for a tensor with "
                         f"fewer than 2 dimensions (shape {shape})")
    if _is_linear_weight(tensor):
        return shape[0], shape[1]
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out  # PyTorch's (private) name


def _fan(tensor: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _write(tensor: Any, values: np.ndarray) -> Any:
    """Copy `values` into the tensor's array in place; a Value's version is bumped."""
    if isinstance(tensor, Value):
        np.copyto(tensor.data, values, casting="unsafe")
        bump_version(tensor)
    elif isinstance(tensor, np.ndarray):
        np.copyto(tensor, values, casting="unsafe")
    else:
        raise TypeError(f"nn.init: expected a Value (or an ndarray), got {type(tensor).__name__}")
    return tensor


def _shape(tensor: Any) -> tuple[int, ...]:
    return tuple(np.shape(tensor.data if isinstance(tensor, Value) else tensor))


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, rng: RngLike = None) -> Any:
    """Fill with draws from U(a, b); returns the tensor."""
    return _write(tensor, as_rng(rng).uniform(a, b, _shape(tensor)))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, rng: RngLike = None) -> Any:
    """Fill with draws from N(mean, std**2); returns the tensor."""
    return _write(tensor, as_rng(rng).normal(mean, std, _shape(tensor)))


def constant_(tensor: Any, val: float) -> Any:
    """Fill with `val`; returns the tensor."""
    return _write(tensor, np.full(_shape(tensor), val))


def zeros_(tensor: Any) -> Any:
    """Fill with zeros; returns the tensor."""
    return constant_(tensor, 0.0)


def ones_(tensor: Any) -> Any:
    """Fill with ones; returns the tensor."""
    return constant_(tensor, 1.0)


def eye_(tensor: Any) -> Any:
    """Fill a 2-D tensor with the identity (ones on the diagonal); returns it.

    Raises:
        ValueError: the tensor is not 2-D.
    """
    shape = _shape(tensor)
    if len(shape) != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {shape}")
    return _write(tensor, np.eye(*shape))


def xavier_uniform_(tensor: Any, gain: float = 1.0, rng: RngLike = None) -> Any:
    """Glorot's uniform init: U(-a, a) with `a = gain * sqrt(6 / (fan_in + fan_out))`."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a, rng)


def xavier_normal_(tensor: Any, gain: float = 1.0, rng: RngLike = None) -> Any:
    """Glorot's normal init: N(0, std**2) with `std = gain * sqrt(2 / (fan_in + fan_out))`."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def kaiming_uniform_(tensor: Any, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", rng: RngLike = None) -> Any:
    """He's uniform init: U(-bound, bound), `bound = gain * sqrt(3 / fan)`,
    `gain = calculate_gain(nonlinearity, a)` and `fan` the fan of `mode`."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, rng)


def kaiming_normal_(tensor: Any, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", rng: RngLike = None) -> Any:
    """He's normal init: N(0, std**2), `std = gain / sqrt(fan)`, as `kaiming_uniform_`."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, rng)


def orthogonal_(tensor: Any, gain: float = 1.0, rng: RngLike = None) -> Any:
    """A (semi-)orthogonal matrix times `gain` (Saxe et al.), as PyTorch's.

    The tensor is viewed as `(shape[0], rest)` in PyTorch's layout (a
    Linear weight as its transpose, `(out, in)`): its rows are orthonormal,
    or its columns where there are fewer of them.

    Raises:
        ValueError: fewer than 2 dimensions.
    """
    shape = _shape(tensor)
    if len(shape) < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, "
                         f"got shape {shape}")
    torch_shape = shape[::-1] if _is_linear_weight(tensor) else shape
    rows = torch_shape[0]
    cols = math.prod(torch_shape) // rows
    flat = as_rng(rng).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))  # makes the decomposition unique
    if rows < cols:
        q = q.T
    q = (gain * q).reshape(torch_shape)
    return _write(tensor, q.T if _is_linear_weight(tensor) else q)
