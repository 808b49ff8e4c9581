"""RMSProp: divide the gradient by a running root-mean-square of past gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core.checks import boolean, real_number

from .lerp import lerp_
from .optimizer import Optimizer

__all__ = ["RMSProp", "RMSprop"]


class RMSProp(Optimizer):
    """RMSProp with the update rule of `torch.optim.RMSprop`.

    For each parameter p with gradient g:

        g = g + weight_decay * p                          (if weight_decay != 0)
        v = alpha * v + (1 - alpha) * g**2
        avg = sqrt(v) + eps        (centered: sqrt(v - gbar**2) + eps, with
                                    gbar = alpha * gbar + (1 - alpha) * g)
        buf = momentum * buf + g / avg;  p = p - lr * buf  (if momentum > 0)
        p = p - lr * g / avg                              (otherwise)

    Note that eps is added after the square root, as in PyTorch.

    Args:
        params: iterable of parameters.
        lr: learning rate (>= 0).
        alpha: smoothing constant of the squared-gradient average, in [0, 1).
        eps: term added to the denominator (>= 0).
        momentum: momentum factor (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0).
        centered: normalise by an estimate of the gradient's variance
            (keyword only, default False).

    Raises:
        ValueError: a negative or non-finite hyperparameter, an `alpha`
            outside [0, 1), or a `centered` that is not a bool (see also
            `Optimizer`).
    """

    _hyper_names = ("lr", "alpha", "eps", "momentum", "weight_decay", "centered")

    def __init__(self, params: Iterable[Any], lr: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, momentum: float = 0.0, weight_decay: float = 0.0,
                 *, centered: bool = False) -> None:
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, momentum=momentum,
                         weight_decay=weight_decay, centered=centered)

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        centered = boolean("centered", hyper["centered"])
        return {
            "lr": real_number("lr (learning rate)", hyper["lr"]),
            "alpha": real_number("alpha", hyper["alpha"], 0.0, 1.0),
            "eps": real_number("eps", hyper["eps"]),
            "momentum": real_number("momentum", hyper["momentum"]),
            "weight_decay": real_number("weight_decay", hyper["weight_decay"]),
            "centered": centered,
        }

    def _state_keys(self) -> tuple[str, ...]:
        keys = ("step", "square_avg")
        if self.momentum > 0:
            keys += ("momentum_buffer",)
        if self.centered:
            keys += ("grad_avg",)
        return keys

    def _delta(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
               scratch: list[np.ndarray]) -> np.ndarray:
        self._count_step(state, p)
        # Every operation writes into the state or tmp: no allocation per step.
        tmp = scratch[-1]
        sq = state["square_avg"]
        sq *= self.alpha
        np.multiply(g, 1.0 - self.alpha, out=tmp)
        tmp *= g
        sq += tmp
        if self.centered:
            gbar = state["grad_avg"]
            lerp_(gbar, g, 1.0 - self.alpha, tmp)
            np.multiply(gbar, gbar, out=tmp)
            np.subtract(sq, tmp, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(sq, out=tmp)
        tmp += self.eps
        np.divide(g, tmp, out=tmp)
        if self.momentum > 0:
            buf = state["momentum_buffer"]
            buf *= self.momentum
            buf += tmp
            # _lr: the property costs 2k instructions (callgrind)
            np.multiply(buf, self._lr, out=tmp)
        else:
            tmp *= self._lr
        return tmp


RMSprop = RMSProp
"""PyTorch's spelling of `RMSProp`: the same class."""
