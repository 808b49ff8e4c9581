"""Convolutions: `Conv1d`, `Conv2d`, and the functions `conv1d`, `conv2d`, `unfold`, `fold`.

Channels first, as in PyTorch: images are `(N, C, H, W)`, sequences `(N, C,
L)`; the weight is `(out_channels, in_channels // groups, kH, kW)`. What is
computed is a cross-correlation (the kernel is not flipped), as in every
deep-learning library:

    out[n, o, p, q] = bias[o] + sum_{c, i, j} weight[o, c, i, j] *
                      xpad[n, g*C/groups + c, stride*p + dilation*i, stride*q + dilation*j]

for the group `g` of output channel `o`. It runs as im2col and one matmul
(the op `conv2d` of `autograd_core.ops`); `nn.functional.unfold` shows the
columns.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Value, get_default_dtype, ops
from autograd_core.checks import positive_int
from autograd_core.ops.conv import out_size

from .data import RngLike, as_rng
from .inputs import as_value, check_fits, one, pair
from .module import Module
from .pooling import pad

__all__ = ["conv1d", "conv2d", "Conv1d", "Conv2d"]


def _same_padding(where: str, weight_shape: tuple, stride: tuple, dilation: tuple
                  ) -> tuple[tuple[int, int], tuple[int, ...]]:
    """`padding="same"`: the symmetric padding, and the extra pad on the right (F.pad order)."""
    if stride != (1, 1):
        raise ValueError(f"{where}: padding='same' needs stride 1, got stride {stride}")
    total = [dilation[a] * (weight_shape[2 + a] - 1) for a in (0, 1)]
    return (total[0] // 2, total[1] // 2), (0, total[1] % 2, 0, total[0] % 2)


def conv2d(input: Any, weight: Value, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1, *, where: str = "conv2d") -> Value:
    """2-D convolution (cross-correlation) of `(N, C_in, H, W)` input, as PyTorch's.

    Shapes: `input` `(N, C_in, H, W)` (or `(C_in, H, W)`), `weight`
    `(C_out, C_in // groups, kH, kW)`, `bias` `(C_out,)` or None; output
    `(N, C_out, H_out, W_out)` with `H_out = (H + 2*padding - dilation*(kH - 1)
    - 1) // stride + 1` (likewise `W_out`). `stride`, `padding`, `dilation`:
    an int or a pair; `padding` also "valid" (0) or "same" (stride 1).

    Raises:
        ValueError: an input of the wrong rank or channel count, `groups`
            not dividing the channels, or a kernel larger than the padded input.
    """
    x = as_value(input, where)
    if x.ndim == 3:
        return conv2d(x.reshape(1, *x.shape), weight, bias, stride, padding, dilation, groups,
                      where=where).reshape(-1, *_out_hw(x, weight, stride, padding, dilation))
    if not isinstance(weight, Value) or weight.ndim != 4:
        raise TypeError(f"{where}: weight must be a 4-D Value (C_out, C_in // groups, kH, kW), "
                        f"got shape {np.shape(weight)}")
    groups = positive_int(f"{where}: groups", groups, type_error=TypeError)
    if x.ndim != 4 or x.shape[1] != weight.shape[1] * groups:
        raise ValueError(f"{where}: expected input (N, {weight.shape[1] * groups}, H, W) for a "
                         f"weight of shape {tuple(weight.shape)} and groups={groups}, got input "
                         f"of shape {tuple(x.shape)}")
    if weight.shape[0] % groups:
        raise ValueError(f"{where}: groups={groups} does not divide the {weight.shape[0]} "
                         f"output channels (weight shape {tuple(weight.shape)})")
    stride = pair(where, "stride", stride)
    dilation = pair(where, "dilation", dilation)
    if padding == "same":
        padding, extra = _same_padding(where, weight.shape, stride, dilation)
        if any(extra):
            x = pad(x, extra)
    else:
        padding = pair(where, "padding", 0 if padding == "valid" else padding, low=0)
    check_fits(where, x, weight.shape[2:], stride, padding, dilation)
    if bias is None:
        bias = np.zeros(weight.shape[0], dtype=weight.dtype)
    elif tuple(np.shape(bias)) != (weight.shape[0],):
        raise ValueError(f"{where}: bias must have shape ({weight.shape[0]},), "
                         f"got {tuple(np.shape(bias))}")
    return ops.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation,
                      groups=groups)


def _out_hw(x: Value, weight: Any, stride: Any, padding: Any, dilation: Any) -> tuple[int, int]:
    """The output's `(H_out, W_out)` for unbatched input (padding "same" keeps the size)."""
    if padding == "same":
        return x.shape[1], x.shape[2]
    p = pair("conv2d", "padding", 0 if padding == "valid" else padding, low=0)
    s, d = pair("conv2d", "stride", stride), pair("conv2d", "dilation", dilation)
    return tuple(out_size(x.shape[1 + a], weight.shape[2 + a], s[a], p[a], d[a]) for a in (0, 1))


def conv1d(input: Any, weight: Value, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1, *, where: str = "conv1d") -> Value:
    """1-D convolution of `(N, C_in, L)` input: `conv2d` on a height of 1, as PyTorch's.

    Shapes: `input` `(N, C_in, L)` (or `(C_in, L)`), `weight` `(C_out, C_in
    // groups, k)`, `bias` `(C_out,)` or None; output `(N, C_out, L_out)`,
    `L_out = (L + 2*padding - dilation*(k - 1) - 1) // stride + 1`.

    Raises:
        ValueError: as for `conv2d`.
    """
    x = as_value(input, where)
    if not isinstance(weight, Value) or weight.ndim != 3:
        raise TypeError(f"{where}: weight must be a 3-D Value (C_out, C_in // groups, k), "
                        f"got shape {np.shape(weight)}")
    if x.ndim not in (2, 3):
        raise ValueError(f"{where}: expected input (N, C, L) or (C, L), got shape {tuple(x.shape)}")
    if padding not in ("same", "valid"):
        padding = (0, one(where, "padding", padding, low=0))
    w = weight.reshape(weight.shape[0], weight.shape[1], 1, weight.shape[2])
    x4 = x.reshape(*x.shape[:-1], 1, x.shape[-1])
    y = conv2d(x4, w, bias, (1, one(where, "stride", stride)), padding,
               (1, one(where, "dilation", dilation)), groups, where=where)
    return y.reshape(*y.shape[:-2], y.shape[-1])


class _ConvNd(Module):
    """What Conv1d and Conv2d share: the arguments, the weights and PyTorch's init."""

    _dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 rng: RngLike = None, dtype: Any = None) -> None:
        name = type(self).__name__
        self.in_channels = positive_int(f"{name}: in_channels", in_channels, type_error=TypeError)
        """The number of input channels."""
        self.out_channels = positive_int(f"{name}: out_channels", out_channels,
                                         type_error=TypeError)
        """The number of output channels (filters)."""
        self.groups = positive_int(f"{name}: groups", groups, type_error=TypeError)
        """The number of groups (the input and output channels split into as many)."""
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: groups={groups} must divide in_channels={in_channels} "
                             f"and out_channels={out_channels}")
        norm = pair if self._dims == 2 else (lambda w, n, v, low=1: (one(w, n, v, low),))
        self.kernel_size = norm(name, "kernel_size", kernel_size)
        """The kernel's size (a tuple)."""
        self.stride = norm(name, "stride", stride)
        """The step between windows (a tuple)."""
        self.padding = padding if padding in ("same", "valid") else norm(name, "padding", padding,
                                                                          low=0)
        """Zeros added on each side (a tuple), or "same" / "valid"."""
        self.dilation = norm(name, "dilation", dilation)
        """The spacing of the kernel's taps (a tuple)."""
        dt = np.dtype(get_default_dtype() if dtype is None else dtype)
        fan_in = in_channels // groups * math.prod(self.kernel_size)
        bound = 1 / math.sqrt(fan_in)  # PyTorch's: kaiming_uniform_(a=sqrt(5)), then the bias
        gen = as_rng(rng)
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Value(gen.uniform(-bound, bound, shape).astype(dt), label="weight")
        """The filters, `(out_channels, in_channels // groups, *kernel_size)`: a parameter."""
        self.bias = Value(gen.uniform(-bound, bound, out_channels).astype(dt), label="bias") \
            if bias else None
        """The bias, `(out_channels,)` (None without one): a parameter."""

    def forward(self, input: Any) -> Value:
        """Convolve `input` (channels first) with the filters.

        Args:
            input: a Value, or real numbers made a constant Value of the layer's dtype.

        Returns:
            A new Value `(N, out_channels, *out_size)`.

        Raises:
            ValueError: the wrong rank or channel count, or a kernel larger than
                the padded input (naming the layer and the shapes).
        """
        x = input if isinstance(input, Value) else Value(input, requires_grad=False,
                                                         dtype=self.weight.dtype)
        where = repr(self)
        if x.ndim not in (self._dims + 1, self._dims + 2) or x.shape[-self._dims - 1] != \
                self.in_channels:
            axes = "(N, C, H, W)" if self._dims == 2 else "(N, C, L)"
            raise ValueError(f"{where}: expected input {axes} with C = {self.in_channels} "
                             f"channels, got shape {tuple(x.shape)}")
        fn = conv2d if self._dims == 2 else conv1d
        return fn(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                  self.groups, where=where)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        for key, default in (("stride", (1,) * self._dims), ("padding", (0,) * self._dims),
                             ("dilation", (1,) * self._dims), ("groups", 1)):
            if getattr(self, key) != default:
                s += f", {key}={getattr(self, key)}"
        return s + ("" if self.bias is not None else ", bias=False")


class Conv2d(_ConvNd):
    """2-D convolution over images `(N, C_in, H, W)`, as `torch.nn.Conv2d`.

    `out[n, o] = bias[o] + sum_c weight[o, c] * x[n, c]` where `*` is
    the 2-D cross-correlation with `stride`, zero `padding` and `dilation`.
    `weight` `(out_channels, in_channels // groups, kH, kW)` and `bias`
    start U(-1/sqrt(fan_in), 1/sqrt(fan_in)), `fan_in = in_channels // groups
    * kH * kW`, as in PyTorch.

    Shapes: input `(N, C_in, H, W)` (or `(C_in, H, W)`), output `(N, C_out,
    H_out, W_out)`, `H_out = (H + 2*padding - dilation*(kH - 1) - 1) //
    stride + 1`, likewise `W_out`.

    Args:
        in_channels: the input's channels.
        out_channels: the output's channels (the number of filters).
        kernel_size: the filters' size, an int or a pair.
        stride: the step between windows, an int or a pair.
        padding: zeros added on each side, an int or a pair, or "same" or "valid".
        dilation: the spacing of the filters' taps, an int or a pair.
        groups: split the channels into this many independent convolutions.
        bias: whether there is a bias.
        rng: an int seed or a `numpy.random.Generator`.
        dtype: the parameters' dtype; None for the default dtype.

    Raises:
        ValueError: `groups` does not divide the channels, or a size below 1.
    """


class Conv1d(_ConvNd):
    """1-D convolution over sequences `(N, C_in, L)`, as `torch.nn.Conv1d`.

    As `Conv2d` along one axis: `weight` `(out_channels, in_channels //
    groups, k)`, output `(N, C_out, L_out)`, `L_out = (L + 2*padding -
    dilation*(k - 1) - 1) // stride + 1`; the same arguments and init.
    """

    _dims = 1
