"""Normalisation: `BatchNorm1d`, `BatchNorm2d`, `LayerNorm` and their functions.

Both normalise `x` to `(x - mean) / sqrt(var + eps)` and then scale and shift
it by learned `weight` and `bias`; they differ in what the statistics are
taken over: BatchNorm over the batch (each channel alone), LayerNorm over the
features (each sample alone). The variance used to normalise is the biased
one (the mean of squared deviations), as in PyTorch; it is composed of the
engine's ops, so every gradient (second order included) is recorded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value, get_default_dtype
from autograd_core.checks import positive_int, real_array, real_number

from .module import Module

__all__ = ["batch_norm", "layer_norm", "BatchNorm1d", "BatchNorm2d", "LayerNorm"]


def _as_input(x: Any, dtype: Any, where: str) -> Value:
    """A Value as it is; real numbers as a constant Value of `dtype` (else `TypeError`)."""
    if isinstance(x, Value):
        return x
    return Value(real_array(f"{where}: input", x), requires_grad=False, dtype=dtype)


def _normalise(x: Value, axes: tuple[int, ...], eps: float) -> tuple[Value, Value, Value]:
    """`(x - mean) / sqrt(var + eps)` over `axes`, with the mean and biased variance."""
    mean = x.mean(axis=axes, keepdims=True)
    d = x - mean
    var = (d * d).mean(axis=axes, keepdims=True)
    return d * (var + eps) ** -0.5, mean, var


def _affine(y: Value, weight: Any, bias: Any, shape: tuple[int, ...]) -> Value:
    """`y * weight + bias`, the parameters reshaped to broadcast as `shape`."""
    if weight is not None:
        y = y * (weight.reshape(*shape) if isinstance(weight, Value) else np.reshape(weight, shape))
    if bias is not None:
        y = y + (bias.reshape(*shape) if isinstance(bias, Value) else np.reshape(bias, shape))
    return y


def batch_norm(input: Any, running_mean: np.ndarray | None, running_var: np.ndarray | None,
               weight: Any = None, bias: Any = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Value:
    """Batch normalisation over axis 1 (the channels) of `(N, C, ...)` input, as PyTorch's.

    Training: `y = (x - mean) / sqrt(var + eps) * weight + bias` with the
    mean and biased variance of each channel over the batch (and the spatial
    axes); the running statistics, when given, are updated in place:
    `running = (1 - momentum) * running + momentum * batch`, with the
    unbiased variance (`n / (n - 1)` times the biased one). Not training: the
    running statistics normalise instead.

    Shapes: input `(N, C)`, `(N, C, L)` or `(N, C, H, W)`; `running_mean`,
    `running_var`, `weight`, `bias` `(C,)`; output as the input.

    Raises:
        ValueError: in training, a single value per channel (the variance is undefined).
    """
    x = _as_input(input, get_default_dtype(), "batch_norm")
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training or running_mean is None:
        axes = (0,) + tuple(range(2, x.ndim))
        n = x.size // max(x.shape[1], 1)
        if n <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input of shape {tuple(x.shape)}")
        y, mean, var = _normalise(x, axes, eps)
        if training and running_mean is not None:
            _update(running_mean, mean.data.reshape(-1), momentum)
            _update(running_var, var.data.reshape(-1) * (n / (n - 1)), momentum)
    else:
        inv = 1 / np.sqrt(running_var + eps)
        y = (x - running_mean.reshape(shape)) * inv.reshape(shape).astype(x.dtype)
    return _affine(y, weight, bias, shape)


def _update(running: np.ndarray, batch: np.ndarray, momentum: float) -> None:
    """`running = (1 - momentum) * running + momentum * batch`, in place."""
    running *= 1 - momentum
    running += momentum * batch.astype(running.dtype)


def layer_norm(input: Any, normalized_shape: int | tuple[int, ...], weight: Any = None,
               bias: Any = None, eps: float = 1e-5) -> Value:
    """Layer normalisation over the last `len(normalized_shape)` axes, as PyTorch's.

    `y = (x - mean) / sqrt(var + eps) * weight + bias`, the mean and biased
    variance taken over those axes of each sample. Shapes: input
    `(*, *normalized_shape)`, `weight` and `bias` `normalized_shape`, output
    as the input.

    Raises:
        ValueError: the input's last axes are not `normalized_shape`.
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
        else tuple(normalized_shape)
    x = _as_input(input, get_default_dtype(), "layer_norm")
    k = len(shape)
    if x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        raise ValueError(f"layer_norm: normalized_shape {shape} does not match the last axes "
                         f"of the input, of shape {tuple(x.shape)}")
    y, _, _ = _normalise(x, tuple(range(x.ndim - k, x.ndim)), eps)
    return _affine(y, weight, bias, shape)


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ in the input ranks they accept."""

    _ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: Any = None) -> None:
        name = type(self).__name__
        self.num_features = positive_int(f"{name}: num_features", num_features,
                                         type_error=TypeError)
        """The number of channels `C`."""
        self.eps = real_number(f"{name}: eps", eps)
        """Added to the variance before the square root."""
        self.momentum = None if momentum is None else real_number(
            f"{name}: momentum", momentum, 0.0, 1.0, high_inclusive=True)
        """The weight of a new batch in the running statistics (None: their plain average)."""
        self.affine = bool(affine)
        """Whether there are a learned `weight` and `bias`."""
        self.track_running_stats = bool(track_running_stats)
        """Whether running statistics are kept (and used in `eval()`)."""
        dt = np.dtype(get_default_dtype() if dtype is None else dtype)
        if self.affine:
            self.weight = Value(np.ones(num_features, dt), label="weight")
            """The scale `(C,)`, starting at ones: a parameter."""
            self.bias = Value(np.zeros(num_features, dt), label="bias")
            """The shift `(C,)`, starting at zeros: a parameter."""
        else:
            self.weight = self.bias = None
        if self.track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dt))
            self.register_buffer("running_var", np.ones(num_features, dt))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, input: Any) -> Value:
        """Normalise `input` with the batch's statistics (training) or the running ones (eval).

        Args:
            input: a Value, or real numbers made a constant Value of the layer's dtype.

        Returns:
            A new Value of the input's shape.

        Raises:
            ValueError: an input of the wrong rank or channel count, or (in
                training) one value per channel, naming the layer and the shapes.
        """
        name = type(self).__name__
        dt = self.running_mean.dtype if self.running_mean is not None else \
            (self.weight.dtype if self.weight is not None else get_default_dtype())
        x = _as_input(input, dt, name)
        if x.ndim not in self._ranks or x.shape[1] != self.num_features:
            ranks = " or ".join(f"{r}-D" for r in self._ranks)
            raise ValueError(f"{name}({self.num_features}): expected {ranks} input with "
                             f"{self.num_features} channels on axis 1, got shape {x.shape}")
        momentum = self.momentum
        use_batch = self.training or self.running_mean is None
        if self.training and self.track_running_stats:
            if x.size // self.num_features > 1:  # else batch_norm refuses the input
                self.num_batches_tracked += 1  # in place: the buffer stays the same array
            if momentum is None:
                momentum = 1.0 / max(int(self.num_batches_tracked), 1)
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          use_batch, momentum if momentum is not None else 0.0, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of `(N, C)` or `(N, C, L)` input, per channel.

    Training: `y = (x - mean_B) / sqrt(var_B + eps) * weight + bias`, mean_B
    and var_B (biased) over the batch (and `L`); the buffers are updated
    `running_mean = (1 - momentum) * running_mean + momentum * mean_B` and
    `running_var` likewise with the unbiased batch variance, and
    `num_batches_tracked` counts the batches (with `momentum=None` the
    running statistics are the plain average of all batches). `eval()`:
    `y = (x - running_mean) / sqrt(running_var + eps) * weight + bias`.
    These are PyTorch's conventions. CS231n's assignments write
    `running = momentum * running + (1 - momentum) * batch` with
    `momentum=0.9` (the weight of the old value: PyTorch's 0.1 is the weight
    of the new one) and keep the biased variance; makemore keeps
    `0.999 * running + 0.001 * batch` (PyTorch's `momentum=0.001`) with the
    unbiased variance (it tracks the standard deviation in part 3).

    Args:
        num_features: the number of channels `C`.
        eps: added to the variance.
        momentum: the weight of each new batch in the running statistics.
        affine: learned `weight` (ones) and `bias` (zeros) of shape `(C,)`.
        track_running_stats: keep running statistics (else the batch's are
            always used, and there are no buffers).
        dtype: the parameters' and buffers' dtype; None for the default dtype.

    Shapes: input `(N, C)` or `(N, C, L)`, output the same.
    """

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of images `(N, C, H, W)`, per channel over `N`, `H` and `W`.

    The formulas, the buffers and the arguments are those of `BatchNorm1d`
    (see there, with the conventions of CS231n and makemore).

    Shapes: input `(N, C, H, W)`, output the same.
    """

    _ranks = (4,)


class LayerNorm(Module):
    """Layer normalisation over the last axes, per sample.

    `y = (x - mean) / sqrt(var + eps) * weight + bias`, with the mean and
    biased variance over the last `len(normalized_shape)` axes of each
    sample: the same in training and evaluation, independent of the batch.

    Args:
        normalized_shape: the shape of those last axes (an int for one axis).
        eps: added to the variance.
        elementwise_affine: learned `weight` (ones) and `bias` (zeros) of
            shape `normalized_shape`.
        dtype: the parameters' dtype; None for the default dtype.

    Shapes: input `(*, *normalized_shape)`, output the same.
    """

    def __init__(self, normalized_shape: int | tuple[int, ...], eps: float = 1e-5,
                 elementwise_affine: bool = True, dtype: Any = None) -> None:
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
            else tuple(normalized_shape)
        self.normalized_shape = tuple(positive_int(f"LayerNorm: normalized_shape[{i}]", n,
                                                   type_error=TypeError)
                                      for i, n in enumerate(shape))
        """The shape of the normalised axes."""
        self.eps = real_number("LayerNorm: eps", eps)
        """Added to the variance before the square root."""
        self.elementwise_affine = bool(elementwise_affine)
        """Whether there are a learned `weight` and `bias`."""
        dt = np.dtype(get_default_dtype() if dtype is None else dtype)
        if self.elementwise_affine:
            self.weight = Value(np.ones(self.normalized_shape, dt), label="weight")
            """The scale, of shape `normalized_shape`, starting at ones: a parameter."""
            self.bias = Value(np.zeros(self.normalized_shape, dt), label="bias")
            """The shift, starting at zeros: a parameter."""
        else:
            self.weight = self.bias = None
        self._dtype = dt

    def forward(self, input: Any) -> Value:
        """Normalise each sample of `input` over its last axes.

        Args:
            input: a Value, or real numbers made a constant Value of the layer's dtype.

        Returns:
            A new Value of the input's shape.

        Raises:
            ValueError: the input's last axes are not `normalized_shape`
                (naming the layer and the shapes).
        """
        x = _as_input(input, self._dtype, "LayerNorm")
        k = len(self.normalized_shape)
        if x.ndim < k or tuple(x.shape[x.ndim - k:]) != self.normalized_shape:
            raise ValueError(f"LayerNorm{self.normalized_shape}: the last axes of the input "
                             f"must be {self.normalized_shape}, got shape {x.shape}")
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
