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

__all__ = ["MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"]


class _Loss(Module):
    """Shared behaviour: a `reduction` checked at construction and a functional form."""

    _function: Callable[..., Value]
    _defaults: dict[str, Any] = {}  # further settings and their defaults

    def __init__(self, reduction: str = "mean", **settings: Any) -> None:
        F._check_reduction(type(self).__name__, reduction)
        self.reduction = reduction
        for key, default in self._defaults.items():
            setattr(self, key, settings.pop(key, default))
        if settings:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(settings)}")

    def forward(self, input: Value, target: Any) -> Value:
        """Compute the loss of prediction ``input`` against ``target``."""
        settings = {key: getattr(self, key) for key in self._defaults}
        return type(self)._function(input, target, reduction=self.reduction, **settings)

    def extra_repr(self) -> str:
        args = [] if self.reduction == "mean" else [f"reduction={self.reduction!r}"]
        args += [f"{k}={getattr(self, k)!r}" for k, d in self._defaults.items()
                 if getattr(self, k) != d]
        return ", ".join(args)


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
    `nn.functional.cross_entropy` (also for `ignore_index=-100` and
    `label_smoothing=0.0`)."""

    _function = staticmethod(F.cross_entropy)
    _defaults = {"ignore_index": -100, "label_smoothing": 0.0}


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities with class indices; see
    `nn.functional.nll_loss` (also for `ignore_index=-100`)."""

    _function = staticmethod(F.nll_loss)
    _defaults = {"ignore_index": -100}
