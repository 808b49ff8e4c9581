"""Stochastic gradient descent, with optional (Nesterov) momentum and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core.checks import boolean, real_number

from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent with the update rule of `torch.optim.SGD`.

    For each parameter p with gradient g:

        g = g + weight_decay * p                      (if weight_decay != 0)
        buf = g on the first step, else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf   (if momentum != 0)
        p = p - lr * g

    Args:
        params: iterable of parameters (e.g. `model.parameters()`).
        lr: learning rate (>= 0).
        momentum: momentum factor (>= 0); 0 disables momentum.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening 0).
        weight_decay: L2 penalty added to the gradient (>= 0).
        dampening: dampening for momentum (keyword only, default 0).

    Raises:
        ValueError: a negative or non-finite hyperparameter, a `nesterov` that
            is not a bool, or Nesterov momentum without momentum or with
            dampening (see also `Optimizer`).

    Examples:
        >>> from autograd_core import Value
        >>> import optim
        >>> w = Value([1.0, 2.0])
        >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        Value([0.8, 1.6])
    """

    _hyper_names = ("lr", "momentum", "dampening", "nesterov", "weight_decay")

    def __init__(self, params: Iterable[Any], lr: float, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0, *,
                 dampening: float = 0.0) -> None:
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         nesterov=nesterov, weight_decay=weight_decay)

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        out = {
            "lr": real_number("lr (learning rate)", hyper["lr"]),
            "momentum": real_number("momentum", hyper["momentum"]),
            "dampening": real_number("dampening", hyper["dampening"]),
            "nesterov": hyper["nesterov"],
            "weight_decay": real_number("weight_decay", hyper["weight_decay"]),
        }
        out["nesterov"] = boolean("nesterov", out["nesterov"])
        if out["nesterov"] and (out["momentum"] <= 0 or out["dampening"] != 0):
            raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0 "
                             f"(got momentum={out['momentum']}, "
                             f"dampening={out['dampening']})")
        return out

    def _state_keys(self) -> tuple[str, ...]:
        return ("momentum_buffer",) if self.momentum != 0 else ()

    def _n_scratch(self) -> int:
        # The decayed gradient and the work array share one buffer: one
        # parameter-sized array less under weight decay.
        return 1

    def _delta(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
               scratch: list[np.ndarray]) -> np.ndarray:
        tmp = scratch[0]  # may be g itself (the decayed gradient): allowed for below
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # The first step's buffer is the gradient itself (no dampening).
                state["momentum_buffer"] = buf = np.array(g, dtype=p.dtype, copy=True)
            else:
                buf *= self.momentum
                if self.dampening == 0:  # skips a multiply by 1 and its temporary
                    buf += g
                else:
                    # Written so as to never touch g, which may be the grad array.
                    buf += (1.0 - self.dampening) * g
            if self.nesterov:
                # g + momentum * buf
                if g is tmp:  # tmp holds the decayed gradient: add to it
                    tmp += self.momentum * buf
                else:
                    np.multiply(buf, self.momentum, out=tmp)
                    tmp += g
                g = tmp
            else:
                g = buf
        np.multiply(g, self._lr, out=tmp)  # _lr: the property costs 2k instructions
        return tmp
