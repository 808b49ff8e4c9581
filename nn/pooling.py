"""Pooling (`MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d` and their functions),
and the windows under pooling and convolution: `unfold`, `fold` and `pad`.

Each pooling window is `kernel_size` wide and steps by `stride` (by default
the kernel size: windows side by side); the input is `(N, C, H, W)` or `(C,
H, W)` and each channel is pooled on its own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core import Value, ops
from autograd_core.ops.conv import out_size

from .inputs import as_value, check_fits, pair
from .module import Module

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "unfold", "fold", "pad",
           "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


def _pool_args(where: str, x: Value, kernel_size: Any, stride: Any, padding: Any,
               dilation: Any = 1) -> tuple:
    """The checked arguments as pairs, `stride` defaulting to the kernel size."""
    if x.ndim != 4:
        raise ValueError(f"{where}: expected input (N, C, H, W) or (C, H, W), "
                         f"got shape {tuple(x.shape)}")
    k = pair(where, "kernel_size", kernel_size)
    s = k if stride is None or stride == () else pair(where, "stride", stride)
    p = pair(where, "padding", padding, low=0)
    d = pair(where, "dilation", dilation)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"{where}: padding {p} must be at most half the kernel size {k}")
    check_fits(where, x, k, s, p, d)
    return k, s, p, d


def _batched(fn: Any) -> Any:
    """Let a pooling function take unbatched `(C, H, W)` input too."""
    def run(input: Any, *args: Any, **kwargs: Any) -> Value:
        x = as_value(input, fn.__name__)
        if x.ndim == 3:
            y = fn(x.reshape(1, *x.shape), *args, **kwargs)
            return y.reshape(*y.shape[1:])
        return fn(x, *args, **kwargs)
    run.__name__, run.__doc__, run.__wrapped__ = fn.__name__, fn.__doc__, fn
    return run


@_batched
def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, *, where: str = "max_pool2d") -> Value:
    """The largest element of each window, as PyTorch's `max_pool2d`.

    `out[n, c, p, q] = max_{i,j} xpad[n, c, stride*p + dilation*i, stride*q + dilation*j]`,
    the padding being -inf. The gradient goes to the largest element (the
    first one at a tie, as PyTorch's). Shapes: `(N, C, H, W)` ->
    `(N, C, H_out, W_out)`, `H_out = (H + 2*padding - dilation*(k - 1) - 1) // stride + 1`.

    Raises:
        ValueError: the wrong rank, padding above half the kernel, or a kernel
            larger than the padded input.
    """
    k, s, p, d = _pool_args(where, input, kernel_size, stride, padding, dilation)
    return ops.max_pool2d(input, kernel_size=k, stride=s, padding=p, dilation=d)


@_batched
def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               count_include_pad: bool = True, *, where: str = "avg_pool2d") -> Value:
    """The mean of each window, as PyTorch's `avg_pool2d`.

    With zero `padding`, `count_include_pad=True` divides by `kH*kW` always,
    `False` by the number of input elements in the window. Shapes: as for
    `max_pool2d` (without dilation).

    Raises:
        ValueError: as for `max_pool2d`.
    """
    k, s, p, d = _pool_args(where, input, kernel_size, stride, padding)
    cols = ops.unfold(input, kernel_size=k, dilation=d, padding=p, stride=s)
    n, c, h, w = input.shape
    grid = (out_size(h, k[0], s[0], p[0], 1), out_size(w, k[1], s[1], p[1], 1))
    sums = cols.reshape(n, c, k[0] * k[1], *grid).sum(axis=2)
    if count_include_pad or p == (0, 0):
        return sums * (1.0 / (k[0] * k[1]))
    ones = np.ones((1, 1, h, w), dtype=input.dtype)
    counts = ops.unfold.forward(ones, kernel_size=k, dilation=d, padding=p, stride=s).sum(axis=1)
    return sums / counts.reshape(1, 1, *grid)


def _bins(size: int, out: int) -> np.ndarray:
    """The `(out, size)` matrix averaging PyTorch's adaptive bins
    `[floor(i*size/out), ceil((i+1)*size/out))`."""
    a = np.zeros((out, size))
    for i in range(out):  # one row per output position (a handful), not per pixel
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        a[i, start:end] = 1.0 / (end - start)
    return a


@_batched
def adaptive_avg_pool2d(input: Any, output_size: Any) -> Value:
    """Average pooling to a given output size, as PyTorch's `adaptive_avg_pool2d`.

    Output position `i` averages the input rows `floor(i*H/H_out)` to
    `ceil((i+1)*H/H_out) - 1` (likewise the columns), so the bins cover the
    input whatever its size; `output_size` 1 is global average pooling.
    Computed as `A_h @ x @ A_w.T` with the averaging matrices.
    Shapes: `(N, C, H, W)` -> `(N, C, *output_size)` (None keeps that axis).
    """
    x = input
    if x.ndim != 4:
        raise ValueError(f"adaptive_avg_pool2d: expected input (N, C, H, W) or (C, H, W), "
                         f"got shape {tuple(x.shape)}")
    sizes = (output_size, output_size) if not isinstance(output_size, (tuple, list)) \
        else tuple(output_size)
    sizes = tuple(x.shape[2 + a] if sizes[a] is None else sizes[a] for a in (0, 1))
    oh, ow = pair("adaptive_avg_pool2d", "output_size", sizes)
    rows, cols = _bins(x.shape[2], oh).astype(x.dtype), _bins(x.shape[3], ow).astype(x.dtype)
    return (rows @ x) @ cols.T


def unfold(input: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Value:
    """im2col, as `torch.nn.functional.unfold`: `(N, C, H, W)` -> `(N, C*kH*kW, L)`,
    each column one window of the zero-padded input (`L` windows)."""
    x = as_value(input, "unfold")
    if x.ndim != 4:
        raise ValueError(f"unfold: expected input (N, C, H, W), got shape {tuple(x.shape)}")
    k = pair("unfold", "kernel_size", kernel_size)
    d, p = pair("unfold", "dilation", dilation), pair("unfold", "padding", padding, low=0)
    s = pair("unfold", "stride", stride)
    check_fits("unfold", x, k, s, p, d)
    return ops.unfold(x, kernel_size=k, dilation=d, padding=p, stride=s)


def fold(input: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Value:
    """col2im, as `torch.nn.functional.fold`: `(N, C*kH*kW, L)` -> `(N, C, H, W)`,
    each column added onto its window (overlaps add up): the adjoint of `unfold`."""
    x = as_value(input, "fold")
    size, k = pair("fold", "output_size", output_size), pair("fold", "kernel_size", kernel_size)
    d, p = pair("fold", "dilation", dilation), pair("fold", "padding", padding, low=0)
    s = pair("fold", "stride", stride)
    blocks = math.prod(out_size(size[a], k[a], s[a], p[a], d[a]) for a in (0, 1))
    if x.ndim != 3 or x.shape[1] % (k[0] * k[1]) or x.shape[2] != blocks:
        raise ValueError(f"fold: expected input (N, C*{k[0]}*{k[1]}, {blocks}) for output_size "
                         f"{size}, got shape {tuple(x.shape)}")
    return ops.fold(x, output_size=size, kernel_size=k, dilation=d, padding=p, stride=s)


def pad(input: Any, pad: Any, mode: str = "constant", value: float = 0.0) -> Value:
    """Pad (or, with negative widths, crop) the last axes, as `torch.nn.functional.pad`.

    `pad` lists widths from the last axis backwards: `(left, right)` pads the
    last axis, `(left, right, top, bottom)` the last two, and so on. Only
    `mode="constant"` (with `value`) is supported.

    Raises:
        ValueError: an odd number of widths, more pairs than axes, another mode,
            or a crop larger than the axis.
    """
    x = as_value(input, "pad")
    widths = tuple(int(w) for w in pad)
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    if len(widths) % 2 or len(widths) // 2 > x.ndim:
        raise ValueError(f"pad: expected pairs of widths for at most {x.ndim} axes, got {pad!r}")
    before, after = [0] * x.ndim, [0] * x.ndim
    for k in range(len(widths) // 2):
        before[x.ndim - 1 - k], after[x.ndim - 1 - k] = widths[2 * k], widths[2 * k + 1]
    crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for b, a, n in zip(before, after, x.shape))
    if any(s.start > s.stop for s in crop):
        raise ValueError(f"pad: widths {pad!r} crop more than the input's shape {tuple(x.shape)}")
    if any(b < 0 or a < 0 for b, a in zip(before, after)):
        x = x[crop]
    shape = tuple(n + max(b, 0) + max(a, 0) for n, b, a in zip(x.shape, before, after))
    place = tuple(slice(max(b, 0), max(b, 0) + n) for b, n in zip(before, x.shape))
    out = ops.scatter(x, index=place, shape=shape, accumulate=False)
    if value != 0:
        fill = np.full(shape, value, dtype=x.dtype)
        fill[place] = 0
        out = out + fill
    return out


class _Pool(Module):
    """A pooling module: its settings, checked when made, and its function."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        name = type(self).__name__
        self.kernel_size = pair(name, "kernel_size", kernel_size)
        """The window's size (a pair)."""
        self.stride = self.kernel_size if stride is None else pair(name, "stride", stride)
        """The step between windows (a pair; by default the kernel size)."""
        self.padding = pair(name, "padding", padding, low=0)
        """The padding on each side (a pair)."""

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool):
    """Max pooling: the largest element of each `kernel_size` window, per channel.

    `out[n, c, p, q] = max_{i,j} x[n, c, stride*p + i, stride*q + j]` (padding
    -inf); the gradient goes to that element. Shapes: `(N, C, H, W)` ->
    `(N, C, H_out, W_out)`, `H_out = (H + 2*padding - dilation*(kH - 1) - 1) //
    stride + 1`. As `torch.nn.MaxPool2d(kernel_size, stride=None, padding=0,
    dilation=1)`.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1) -> None:
        super().__init__(kernel_size, stride, padding)
        self.dilation = pair("MaxPool2d", "dilation", dilation)
        """The spacing of the window's elements (a pair)."""

    def forward(self, input: Any) -> Value:
        """Pool `input`; see the class. Raises `ValueError` for a wrong shape, naming the layer."""
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          where=repr(self))


class AvgPool2d(_Pool):
    """Average pooling: the mean of each `kernel_size` window, per channel.

    `out[n, c, p, q] = mean_{i,j} x[n, c, stride*p + i, stride*q + j]`; with
    padding, `count_include_pad` says whether the zeros count. Shapes: as
    `MaxPool2d`. As `torch.nn.AvgPool2d(kernel_size, stride=None, padding=0,
    count_include_pad=True)`.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 count_include_pad: bool = True) -> None:
        super().__init__(kernel_size, stride, padding)
        self.count_include_pad = bool(count_include_pad)
        """Whether padded zeros count in each mean."""

    def forward(self, input: Any) -> Value:
        """Pool `input`; see the class. Raises `ValueError` for a wrong shape, naming the layer."""
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                          self.count_include_pad, where=repr(self))


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input's size.

    See `adaptive_avg_pool2d` for the bins; `AdaptiveAvgPool2d(1)` is global
    average pooling. Shapes: `(N, C, H, W)` -> `(N, C, *output_size)`.
    """

    def __init__(self, output_size: Any) -> None:
        self.output_size = output_size
        """The output's `(H_out, W_out)` (an int for both; None keeps an axis)."""

    def forward(self, input: Any) -> Value:
        """Pool `input` to `output_size`."""
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size!r}"
