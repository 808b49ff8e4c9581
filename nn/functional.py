"""Loss functions, built from engine ops so that the engine differentiates them.

Each takes a prediction ``input`` (a `Value`) and a ``target`` (an ndarray,
a list or a `Value`), and a ``reduction``: ``"mean"`` (the default),
``"sum"`` or ``"none"`` (the per-element losses). The definitions are those
of the PyTorch functions of the same names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value, ops
from autograd_core.checks import real_array

__all__ = ["mse_loss", "l1_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy"]

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
    if not isinstance(target, Value):
        target = real_array(f"{fn}: target", target).astype(input.dtype, copy=False)
    if target.shape != input.shape:
        raise ValueError(f"{fn}: target shape {tuple(target.shape)} does not match "
                         f"input shape {tuple(input.shape)}")
    return target


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


def _class_indices(fn: str, target: Any, n: int, c: int) -> np.ndarray:
    """Check that class targets of shape (n,) are integers; return them as int64."""
    t = target
    if t.dtype.kind == "b":
        raise TypeError(f"{fn}: class targets must be integers, got dtype bool")
    if t.dtype.kind == "f":
        if not np.all(np.isfinite(t)) or not np.array_equal(t, np.round(t)):
            raise ValueError(f"{fn}: class-index targets must be whole numbers; for "
                             f"class probabilities give a target of shape ({n}, {c})")
    elif t.dtype.kind not in "iu":
        raise TypeError(f"{fn}: class targets must be integers, got dtype {t.dtype}")
    if t.dtype.kind in "uf" and t.size and t.max() >= c:  # before int64 wraps it negative
        raise ValueError(f"{fn}: class index {t.max().item()!r} is out of range for "
                         f"{c} classes (valid: 0..{c - 1})")
    return t.astype(np.int64, copy=False)


_EYES: dict = {}  # (classes, dtype) -> identity matrix, whose rows are the one-hot targets


def _one_hot(fn: str, idx: np.ndarray, c: int, dtype: np.dtype) -> np.ndarray:
    """Rows of the identity for the class indices `idx`; an index outside [0, c) is an error."""
    eye = _EYES.get((c, dtype))
    if eye is None:
        eye = _EYES[c, dtype] = np.eye(c, dtype=dtype)
    try:
        if not idx.size or idx.min() >= 0:  # take() would wrap a negative index
            return eye.take(idx, axis=0)
    except IndexError:
        pass
    bad = idx[(idx < 0) | (idx >= c)][0]
    raise ValueError(f"{fn}: class index {bad.item()!r} is out of range for "
                     f"{c} classes (valid: 0..{c - 1})")


def cross_entropy(input: Value, target: Any, reduction: str = "mean") -> Value:
    """Cross-entropy of the logits ``input`` (shape ``(N, C)``) with ``target``.

    ``target`` is either integer class indices of shape ``(N,)`` (each in
    ``0..C-1``), giving ``-log_softmax(input)[i, target[i]]``, or class
    probabilities of shape ``(N, C)``, giving ``-sum_c target[i, c] *
    log_softmax(input)[i, c]``. With ``"mean"`` both are averaged over the
    ``N`` rows, as in PyTorch.
    """
    fn = "cross_entropy"
    _check_reduction(fn, reduction)
    _check_input(fn, input)
    if input.ndim != 2:
        raise ValueError(f"{fn}: input must be logits of shape (N, C), "
                         f"got shape {tuple(input.shape)}")
    n, c = input.shape
    t = target
    if not isinstance(t, Value):
        t = real_array(f"{fn}: target", t)
    if t.shape == (n,):
        idx = _class_indices(fn, t.data if isinstance(t, Value) else t, n, c)
        onehot = _one_hot(fn, idx, c, input.dtype)
        return ops.cross_entropy(input, onehot, reduction=reduction)
    if t.shape == (n, c):
        if not isinstance(t, Value):
            t = t.astype(input.dtype, copy=False)
        return ops.cross_entropy(input, t, reduction=reduction)
    raise ValueError(f"{fn}: target shape {tuple(t.shape)} does not fit input shape "
                     f"{(n, c)}; expected class indices of shape ({n},) or class "
                     f"probabilities of shape ({n}, {c})")
