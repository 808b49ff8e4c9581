"""Schedules that decay the lr: by steps, at milestones, exponentially, by a cosine, or by a function."""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Integral
from typing import Any

from autograd_core.checks import positive_int, real_number

from ..optimizer import Optimizer
from .base import LRScheduler

__all__ = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR"]


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` steps.

    `lr = base_lr * gamma ** (last_epoch // step_size)`, as PyTorch's.

    Args:
        optimizer: the optimizer.
        step_size: the number of steps between two decays (a positive int).
        gamma: the factor (>= 0).

    Raises:
        TypeError: `optimizer` is not an `optim` optimizer.
        ValueError: a `step_size` that is not a positive int, or a negative
            `gamma`.

    Examples:
        >>> from autograd_core import Value
        >>> import optim
        >>> opt = optim.SGD([Value(1.0)], lr=1.0)
        >>> schedule = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     schedule.step()
        ...     lrs.append(opt.lr)
        >>> lrs
        [1.0, 0.5, 0.5, 0.25]
    """

    _hyper_names = ("step_size", "gamma")

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer, step_size=step_size, gamma=gamma)

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"step_size": positive_int("step_size", hyper["step_size"]),
                "gamma": real_number("gamma", hyper["gamma"])}

    def _compute_lr(self) -> float:
        # Applied to the current lr, as torch does (so the rounding matches too).
        if self.last_epoch % self.step_size != 0:
            return self.optimizer.lr
        return self.optimizer.lr * self.gamma


class ExponentialLR(LRScheduler):
    """Multiply the lr by `gamma` at every step: `lr = base_lr * gamma ** last_epoch`.

    Args:
        optimizer: the optimizer.
        gamma: the factor (>= 0).

    Raises:
        TypeError: `optimizer` is not an `optim` optimizer.
        ValueError: a negative `gamma`.
    """

    _hyper_names = ("gamma",)

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer, gamma=gamma)

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"gamma": real_number("gamma", hyper["gamma"])}

    def _compute_lr(self) -> float:
        return self.optimizer.lr * self.gamma


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from base_lr down to `eta_min` over `T_max` steps.

    `lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * last_epoch / T_max)) / 2`.
    Past `T_max` the same formula continues, so the lr climbs back to
    base_lr at `2 * T_max` and keeps oscillating with period `2 * T_max`, as
    PyTorch's does.

    Args:
        optimizer: the optimizer.
        T_max: the number of steps from base_lr down to `eta_min` (a positive int).
        eta_min: the lowest lr (>= 0).

    Raises:
        TypeError: `optimizer` is not an `optim` optimizer.
        ValueError: a `T_max` that is not a positive int, or a negative `eta_min`.
    """

    _hyper_names = ("T_max", "eta_min")

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer, T_max=T_max, eta_min=eta_min)

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"T_max": positive_int("T_max", hyper["T_max"]),
                "eta_min": real_number("eta_min", hyper["eta_min"])}

    def _compute_lr(self) -> float:
        base_lr = self.base_lrs[0]
        cos = math.cos(math.pi * self.last_epoch / self.T_max)
        return self.eta_min + (base_lr - self.eta_min) * (1 + cos) / 2


class MultiStepLR(LRScheduler):
    """Multiply the lr by `gamma` each time `last_epoch` reaches a milestone.

    `lr = base_lr * gamma ** (the number of milestones <= last_epoch)`, as
    PyTorch's (a milestone listed twice decays twice).

    Args:
        optimizer: the optimizer.
        milestones: the steps at which the lr decays (ints >= 1, any order).
        gamma: the factor (>= 0).

    Raises:
        TypeError: `optimizer` is not an `optim` optimizer.
        ValueError: `milestones` is not a list of positive ints, or a
            negative `gamma`.

    Examples:
        >>> from autograd_core import Value
        >>> import optim
        >>> opt = optim.SGD([Value(1.0)], lr=1.0)
        >>> schedule = optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 4], gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     schedule.step()
        ...     lrs.append(opt.lr)
        >>> lrs
        [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    _hyper_names = ("milestones", "gamma")

    def __init__(self, optimizer: Optimizer, milestones: Any, gamma: float = 0.1) -> None:
        super().__init__(optimizer, milestones=milestones, gamma=gamma)

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        milestones = hyper["milestones"]
        if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
            raise ValueError(f"MultiStepLR: milestones must be a list of positive ints, "
                             f"got {type(milestones).__name__}")
        return {"milestones": sorted(positive_int("milestones", m) for m in milestones),
                "gamma": real_number("gamma", hyper["gamma"])}

    def _compute_lr(self) -> float:
        # Applied to the current lr, as torch does (so the rounding matches too).
        hits = self.milestones.count(self.last_epoch)
        if hits == 0:
            return self.optimizer.lr
        return self.optimizer.lr * self.gamma ** hits


class LambdaLR(LRScheduler):
    """Set the lr to `base_lr * lr_lambda(last_epoch)`.

    As in PyTorch, the lr is set to `base_lr * lr_lambda(0)` at once, when
    the schedule is made. The function is not part of `state_dict()`: a
    loaded schedule keeps the function it was made with.

    Args:
        optimizer: the optimizer.
        lr_lambda: a function of the step count (an int) returning the factor.

    Raises:
        TypeError: `optimizer` is not an `optim` optimizer, or `lr_lambda`
            is not callable.
        ValueError: `lr_lambda` returns something that is not a finite real
            number.

    Examples:
        >>> from autograd_core import Value
        >>> import optim
        >>> opt = optim.SGD([Value(1.0)], lr=0.5)
        >>> schedule = optim.lr_scheduler.LambdaLR(opt, lambda step: 1 / (step + 1))
        >>> schedule.step()
        >>> opt.lr
        0.25
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float]) -> None:
        if not callable(lr_lambda):
            raise TypeError(f"LambdaLR: lr_lambda must be a function of the step, "
                            f"got {type(lr_lambda).__name__}")
        super().__init__(optimizer)
        self.lr_lambda = lr_lambda
        """The function of the step count that gives the factor."""
        self.optimizer.lr = self._compute_lr()
        self._last_lr = [self.optimizer.lr]

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _compute_lr(self) -> float:
        factor = self.lr_lambda(self.last_epoch)
        return self.base_lrs[0] * real_number("LambdaLR: lr_lambda's value", factor,
                                              float("-inf"))
