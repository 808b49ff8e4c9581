"""`evaluate`: a model's loss and accuracy on held-out data, as `fit` measures them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Value, no_grad

from . import functional as F
from .data import check_pair
from .module import Module

__all__ = ["evaluate"]


def accuracy_rule(loss_fn: Callable) -> Callable[[np.ndarray, np.ndarray], int] | None:
    """How to count correct predictions for this loss, or None for regression."""
    fn = getattr(loss_fn, "_function", loss_fn)
    if fn is F.cross_entropy:
        def count(pred: np.ndarray, y: np.ndarray) -> int:
            truth = y.argmax(axis=1) if y.ndim == 2 else y
            return int((pred.argmax(axis=1) == truth).sum())
        return count
    if fn is F.binary_cross_entropy or fn is F.binary_cross_entropy_with_logits:
        threshold = 0.5 if fn is F.binary_cross_entropy else 0.0

        def count_binary(pred: np.ndarray, y: np.ndarray) -> int:
            return int(((pred > threshold) == (y > 0.5)).all(
                axis=tuple(range(1, pred.ndim))).sum())
        return count_binary
    return None


def evaluate(model: Module, loss_fn: Callable[[Value, Any], Value], X: np.ndarray,
             y: np.ndarray) -> tuple[float, float | None]:
    """The loss and accuracy of `model` on `(X, y)`, as `fit` measures validation.

    The model runs in evaluation mode (its mode is restored afterwards, even
    on an error) without recording a graph. Accuracy is the fraction of rows
    predicted right for `cross_entropy` (argmax) and the binary
    cross-entropies (threshold 0.5 on probabilities, 0 on logits; every output
    of a row must be right).

    Args:
        model: the model.
        loss_fn: a loss returning a single-element Value (a loss module or a
            function of `nn.functional`).
        X: the inputs, one row per sample (real numbers).
        y: the targets, one row per sample (real numbers).

    Returns:
        `(loss, accuracy)`; `accuracy` is None for other losses.

    Raises:
        TypeError: `X` or `y` is not real numbers.
        ValueError: `X` and `y` differ in rows, or `loss_fn` does not return a
            single-element Value.
    """
    count = accuracy_rule(loss_fn)
    X, y = check_pair(X, y, "evaluate: ")
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            pred = model(X)
            loss = float(scalar_loss(loss_fn(pred, y)).item())
    finally:
        model.train(was_training)
    acc = None if count is None else count(pred.data, y) / len(X)
    return loss, acc


def scalar_loss(loss: Any) -> Value:
    """`loss` itself, checked to be a single-element Value (else a ValueError naming `fit`)."""
    if not isinstance(loss, Value) or loss.size != 1:
        shape = getattr(loss, "shape", None)
        raise ValueError(f"fit: loss_fn must return a single-element Value (use "
                         f"reduction='mean' or 'sum'), got {type(loss).__name__} "
                         f"of shape {shape}")
    return loss
