"""Adam and AdamW (Adam with decoupled weight decay)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core.checks import boolean, real_number

from .lerp import lerp_
from .optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam with the update rule of `torch.optim.Adam`.

    For each parameter p with gradient g, at step t = 1, 2, ...:

        g = g + weight_decay * p                      (if weight_decay != 0)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Note that eps is added after the bias-corrected square root, as in PyTorch.

    Args:
        params: iterable of parameters.
        lr: learning rate (>= 0).
        betas: decay rates (beta1, beta2) of the moment averages, each in [0, 1).
        eps: term added to the denominator (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0).
        amsgrad: use the running maximum of v in the denominator
            (keyword only, default False).

    Raises:
        ValueError: a negative or non-finite hyperparameter, `betas` that are
            not a pair of numbers in [0, 1), or an `amsgrad` that is not a
            bool (see also `Optimizer`).

    Examples:
        >>> from autograd_core import Value
        >>> import optim
        >>> w = Value([1.0, -1.0])
        >>> opt = optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()  # the first step moves each weight by about lr
        >>> w
        Value([ 0.9, -0.9])
    """

    _hyper_names = ("lr", "betas", "eps", "weight_decay", "amsgrad")

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, *, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps,
                         weight_decay=weight_decay, amsgrad=amsgrad)

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        betas = hyper["betas"]
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") \
                or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        amsgrad = boolean("amsgrad", hyper["amsgrad"])
        return {
            "lr": real_number("lr (learning rate)", hyper["lr"]),
            "betas": (real_number("beta1 (betas[0])", betas[0], 0.0, 1.0),
                      real_number("beta2 (betas[1])", betas[1], 0.0, 1.0)),
            "eps": real_number("eps", hyper["eps"]),
            "weight_decay": real_number("weight_decay", hyper["weight_decay"]),
            "amsgrad": amsgrad,
        }

    def _state_keys(self) -> tuple[str, ...]:
        keys = ("step", "exp_avg", "exp_avg_sq")
        return keys + ("max_exp_avg_sq",) if self.amsgrad else keys

    def _delta(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
               scratch: list[np.ndarray]) -> np.ndarray:
        step = self._count_step(state, p)
        beta1, beta2 = self.betas
        # Every operation writes into the state or tmp: no allocation per step.
        tmp = scratch[-1]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        lerp_(m, g, 1.0 - beta1, tmp)
        v *= beta2
        np.multiply(g, 1.0 - beta2, out=tmp)
        tmp *= g
        v += tmp
        if self.amsgrad:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        # Same order of operations as torch: the bias corrections are Python floats,
        # sqrt(v) is divided by sqrt(1 - beta2**t) and only then is eps added.
        bias_correction1 = 1.0 - beta1 ** step
        bias_correction2 = 1.0 - beta2 ** step
        # _lr: the property costs 2k instructions (callgrind)
        step_size = self._lr / bias_correction1
        np.sqrt(v, out=tmp)
        tmp /= bias_correction2 ** 0.5
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= step_size
        return tmp


class AdamW(Adam):
    """AdamW, with the update rule of `torch.optim.AdamW`: Adam with decoupled weight decay.

    The decay is not added to the gradient; each step first shrinks the
    parameter, `p = p * (1 - lr * weight_decay)`, then takes Adam's step.

    Args:
        params: iterable of parameters.
        lr: learning rate (>= 0).
        betas: decay rates (beta1, beta2) of the moment averages, each in [0, 1).
        eps: term added to the denominator (>= 0).
        weight_decay: decoupled weight decay (>= 0); 1e-2 by default, as in PyTorch.
        amsgrad: use the running maximum of v in the denominator
            (keyword only, default False).

    Raises:
        ValueError: as for `Adam`.
    """

    _decoupled_decay = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, *, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps,
                         weight_decay=weight_decay, amsgrad=amsgrad)
