"""The functional forms: losses, activations, normalisation, embedding, convolution and pooling.

The layers' functions (`gelu`, `batch_norm`, `conv2d`, ...) are defined
beside their modules and gathered here, as in `torch.nn.functional`. The
losses are defined here, built from engine ops so that the engine
differentiates them. Each loss takes a prediction ``input`` (a `Value`), a
``target`` (an ndarray, a list or a `Value`) and a ``reduction``: ``"mean"``
(the default), ``"sum"`` or ``"none"`` (the per-element losses). The
definitions are those of the PyTorch functions of the same names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value, ops
from autograd_core.checks import real_array, real_number

from .activations import (elu, gelu, hardtanh, leaky_relu, log_softmax, logsigmoid, relu6,
                          silu, softmax, softplus, softsign)
from .embedding import embedding, one_hot
from .conv import conv1d, conv2d
from .dropout import dropout
from .class_targets import (all_classes, class_rows, mean_over, one_hot_rows,
                            valid_indices)
from .inputs import as_value
from .norm import batch_norm, layer_norm
from .pooling import adaptive_avg_pool2d, avg_pool2d, fold, max_pool2d, pad, unfold

__all__ = ["mse_loss", "l1_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
           # the layers' functions, defined beside their modules
           "leaky_relu", "elu", "gelu", "silu", "softplus", "hardtanh", "relu6", "softsign",
           "logsigmoid", "softmax", "log_softmax", "relu", "tanh", "sigmoid", "dropout",
           "embedding", "one_hot", "batch_norm", "layer_norm", "conv1d", "conv2d",
           "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "unfold", "fold", "pad"]

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(fn: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be 'mean', 'sum' or 'none', "
                         f"got {reduction!r}")


def _check_input(fn: str, input: Any) -> Value:
    if not isinstance(input, Value):
        raise TypeError(f"{fn}: input (the prediction) must be a Value, "
                        f"got {type(input).__name__}")
    return input


def _target(fn: str, target: Any, input: Value) -> Any:
    """The target as a Value or a float ndarray of the input's dtype and shape;
    data that is not real numbers raises `TypeError` (never converted)."""
    shape = input.shape
    if type(target) is np.ndarray and target.shape == shape and target.dtype is input.dtype:
        return target  # the usual batch of targets: nothing to convert (7.1k -> 4.5k
        # instructions a call on a (4, 1) float32 target; callgrind, N and 2N calls)
    if not isinstance(target, Value):
        target = real_array(f"{fn}: target", target).astype(input.dtype, copy=False)
    if target.shape != shape:
        raise ValueError(f"{fn}: target shape {tuple(target.shape)} does not match "
                         f"input shape {tuple(input.shape)}")
    return target


def relu(input: Any) -> Value:
    """``max(x, 0)`` elementwise."""
    return as_value(input, "relu").relu()


def tanh(input: Any) -> Value:
    """The hyperbolic tangent, elementwise."""
    return as_value(input, "tanh").tanh()


def sigmoid(input: Any) -> Value:
    """``1 / (1 + exp(-x))`` elementwise."""
    return as_value(input, "sigmoid").sigmoid()


def _reduce(loss: Value, reduction: str) -> Value:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def mse_loss(input: Value, target: Any, reduction: str = "mean") -> Value:
    """Squared error ``(input - target)**2``, reduced; target must have the input's shape."""
    _check_reduction("mse_loss", reduction)
    _check_input("mse_loss", input)
    return ops.mse(input, _target("mse_loss", target, input), reduction=reduction)


def l1_loss(input: Value, target: Any, reduction: str = "mean") -> Value:
    """Absolute error ``|input - target|``, reduced; target must have the input's shape."""
    _check_reduction("l1_loss", reduction)
    _check_input("l1_loss", input)
    return _reduce((input - _target("l1_loss", target, input)).abs(), reduction)


def _probabilities(fn: str, name: str, x: np.ndarray) -> None:
    """Raise unless every element of `x` lies in [0, 1] (NaN does not)."""
    if x.size and not (x.min() >= 0.0 and x.max() <= 1.0):  # also catches NaN
        raise ValueError(f"{fn}: {name} must hold probabilities in [0, 1], "
                         f"got values in [{x.min()}, {x.max()}]")


def binary_cross_entropy(input: Value, target: Any, reduction: str = "mean") -> Value:
    """``-(y*log(p) + (1-y)*log(1-p))`` for probabilities ``p`` in [0, 1].

    Each log is clamped at -100 as in PyTorch, so ``p`` of exactly 0 or 1
    gives a finite loss, and the gradient is PyTorch's, ``(p - y) /
    max(p(1-p), 1e-12)``. An input or target outside [0, 1] raises
    ``ValueError``, as PyTorch raises (for logits, apply a sigmoid first, or
    use `binary_cross_entropy_with_logits`).
    """
    fn = "binary_cross_entropy"
    _check_reduction(fn, reduction)
    _check_input(fn, input)
    y = _target(fn, target, input)
    _probabilities(fn, "input", input.data)
    _probabilities(fn, "target", y.data if isinstance(y, Value) else y)
    return ops.bce(input, y, reduction=reduction)


def binary_cross_entropy_with_logits(input: Value, target: Any,
                                     reduction: str = "mean") -> Value:
    """Binary cross-entropy of ``sigmoid(input)``, computed stably from logits.

    As PyTorch: ``(1 - y)*x - log(sigmoid(x))``, with ``log(sigmoid(x)) =
    min(x, 0) - log1p(exp(-|x|))`` (no overflow); the gradient is
    ``sigmoid(x) - y``.
    """
    fn = "binary_cross_entropy_with_logits"
    _check_reduction(fn, reduction)
    x = _check_input(fn, input)
    return ops.bce_with_logits(x, _target(fn, target, input), reduction=reduction)


def cross_entropy(input: Value, target: Any, reduction: str = "mean", ignore_index: int = -100,
                  label_smoothing: float = 0.0) -> Value:
    """Cross-entropy of the logits ``input`` with ``target``, as PyTorch's.

    Shapes: ``input`` ``(N, C)`` or ``(N, C, d1, ...)`` (the classes on axis
    1, as in PyTorch: a segmentation map or a sequence of logits);
    ``target`` either integer class indices of shape ``(N,)`` or ``(N, d1,
    ...)`` (each in ``0..C-1``, or ``ignore_index``), giving
    ``-log_softmax(input)[i, target[i]]``, or class probabilities of the
    input's shape, giving ``-sum_c target[i, c] * log_softmax(input)[i, c]``.
    With ``label_smoothing`` ``e``, the target distribution is mixed with the
    uniform one: ``(1 - e) * target + e / C``. ``"mean"`` averages over the
    rows (for class indices, those not ignored); ``"none"`` returns the
    losses of shape ``(N, d1, ...)``, 0 where ignored.
    """
    fn = "cross_entropy"
    _check_reduction(fn, reduction)
    _check_input(fn, input)
    smoothing = real_number(f"{fn}: label_smoothing", label_smoothing, 0.0, 1.0,
                            high_inclusive=True)
    z, rest = class_rows(fn, input)
    c = input.shape[1]
    t = target
    if not isinstance(t, Value):
        t = real_array(f"{fn}: target", t)
    if t.shape == rest:
        # The usual targets, classes in range and none ignored, found with one reduce:
        # the general path's checks cost four ufuncs and two reduces more (203.7k ->
        # 176.3k instructions a call on 64 rows of 10 classes; callgrind, N and 2N calls).
        probs = valid = None
        if type(t) is np.ndarray and type(ignore_index) is int and ignore_index < 0:
            probs = all_classes(t, c, input.dtype)
        if probs is None:
            idx, valid = valid_indices(fn, t.data if isinstance(t, Value) else t, rest, c,
                                       ignore_index)
            probs = one_hot_rows(fn, idx, c, input.dtype)
        if smoothing:
            probs = probs * (1 - smoothing) + smoothing / c
        if valid is None or valid.all():
            loss = ops.cross_entropy(z, probs, reduction=reduction)
            return loss.reshape(*rest) if reduction == "none" else loss
        probs = probs * valid[:, None].astype(input.dtype)  # ignored rows add nothing
        if reduction == "none":
            return ops.cross_entropy(z, probs, reduction="none").reshape(*rest)
        loss = ops.cross_entropy(z, probs, reduction="sum")
        return loss if reduction == "sum" else mean_over(loss, int(valid.sum()))
    if t.shape == tuple(input.shape):
        if not isinstance(t, Value):
            t = t.astype(input.dtype, copy=False)
        if input.ndim > 2:
            t = t.transpose(*((0,) + tuple(range(2, input.ndim)) + (1,))).reshape(-1, c)
        if smoothing:
            t = t * (1 - smoothing) + smoothing / c
        loss = ops.cross_entropy(z, t, reduction=reduction)
        return loss.reshape(*rest) if reduction == "none" else loss
    raise ValueError(f"{fn}: target shape {tuple(t.shape)} does not fit input shape "
                     f"{tuple(input.shape)}; expected class indices of shape {rest} or class "
                     f"probabilities of shape {tuple(input.shape)}")


def nll_loss(input: Value, target: Any, reduction: str = "mean", ignore_index: int = -100) -> Value:
    """The negative log-likelihood ``-input[i, target[i]]`` of log-probabilities, as PyTorch's.

    Shapes: ``input`` ``(N, C)`` or ``(N, C, d1, ...)`` (log-probabilities,
    e.g. from `log_softmax(x, dim=1)`), ``target`` integer class indices of
    shape ``(N,)`` or ``(N, d1, ...)``. ``"mean"`` averages over the targets
    that are not ``ignore_index``; ``"none"`` returns the losses of shape
    ``(N, d1, ...)``, 0 where ignored. ``nll_loss(log_softmax(x, 1), t)``
    equals ``cross_entropy(x, t)``.
    """
    fn = "nll_loss"
    _check_reduction(fn, reduction)
    _check_input(fn, input)
    z, rest = class_rows(fn, input)
    c = input.shape[1]
    t = target.data if isinstance(target, Value) else real_array(f"{fn}: target", target)
    if t.shape != rest:
        raise ValueError(f"{fn}: target shape {tuple(t.shape)} does not fit input shape "
                         f"{tuple(input.shape)}; expected class indices of shape {rest}")
    idx, valid = valid_indices(fn, t, rest, c, ignore_index)
    one_hot_rows(fn, idx[valid], c, input.dtype)  # checks the range of the targets not ignored
    rows = np.flatnonzero(valid)
    picked = z[rows, idx[rows]]
    if reduction == "none":
        return -ops.scatter(picked, index=(rows,), shape=(len(idx),), accumulate=False
                            ).reshape(*rest)
    loss = -picked.sum()
    return loss if reduction == "sum" else mean_over(loss, len(rows))
