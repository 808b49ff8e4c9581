"""Loss classes: modules wrapping the functions of `nn.functional`.

``loss_fn = nn.MSELoss(); loss = loss_fn(prediction, target)``. Being
modules, their ops appear grouped under the loss in graph drawings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core import Value

from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss"]


class _Loss(Module):
    """Shared behaviour: a `reduction` checked at construction and a functional form."""

    _function: Callable[..., Value]

    def __init__(self, reduction: str = "mean") -> None:
        F._check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def forward(self, input: Value, target: Any) -> Value:
        """Compute the loss of prediction ``input`` against ``target``."""
        return type(self)._function(input, target, reduction=self.reduction)

    def __repr__(self) -> str:
        arg = "" if self.reduction == "mean" else f"reduction={self.reduction!r}"
        return f"{type(self).__name__}({arg})"


class MSELoss(_Loss):
    """Mean squared error; see `nn.functional.mse_loss`."""

    _function = staticmethod(F.mse_loss)


class L1Loss(_Loss):
    """Mean absolute error; see `nn.functional.l1_loss`."""

    _function = staticmethod(F.l1_loss)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities; see `nn.functional.binary_cross_entropy`."""

    _function = staticmethod(F.binary_cross_entropy)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits; see
    `nn.functional.binary_cross_entropy_with_logits`."""

    _function = staticmethod(F.binary_cross_entropy_with_logits)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits with class indices or probabilities; see
    `nn.functional.cross_entropy`."""

    _function = staticmethod(F.cross_entropy)
