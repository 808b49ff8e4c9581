"""`OneCycleLR`: Smith's one-cycle policy, stepped after every batch."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.checks import positive_int, real_number

from ..optimizer import Optimizer
from .base import LRScheduler

__all__ = ["OneCycleLR"]


def _anneal(start: float, end: float, pct: float, strategy: str) -> float:
    """From `start` (pct 0) to `end` (pct 1), by a half cosine or a straight line."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    """The one-cycle policy: the lr rises to `max_lr`, then falls far below where it began.

    The lr starts at `initial_lr = max_lr / div_factor`, rises to `max_lr`
    over the first `pct_start * total_steps` steps, then falls to
    `initial_lr / final_div_factor` at step `total_steps - 1` (with
    `three_phase`, it first falls back to `initial_lr` over as many steps,
    then to the minimum), each phase annealed by a half cosine (`"cos"`) or
    linearly. With `cycle_momentum`, the momentum (SGD's and RMSProp's
    `momentum`, Adam's first beta) moves the opposite way, between
    `max_momentum` and `base_momentum`. The values are PyTorch's: the lr is
    set to `initial_lr` when the schedule is made, and it is stepped once per
    batch (`fit(scheduler=...)` does so); stepping past `total_steps` raises.

    Args:
        optimizer: the optimizer.
        max_lr: the highest lr (> 0).
        total_steps: the number of steps of the cycle; or None, with `epochs`
            and `steps_per_epoch` given, for their product.
        epochs: the number of epochs (with `steps_per_epoch`).
        steps_per_epoch: the number of batches of an epoch.
        pct_start: the fraction of the cycle spent raising the lr, in [0, 1].
        anneal_strategy: `"cos"` or `"linear"`.
        cycle_momentum: move the momentum opposite to the lr.
        base_momentum: the momentum at the peak lr.
        max_momentum: the momentum at the start and the end.
        div_factor: `initial_lr = max_lr / div_factor` (> 0).
        final_div_factor: the last lr is `initial_lr / final_div_factor` (> 0).
        three_phase: fall back to `initial_lr` before falling to the minimum.

    Raises:
        TypeError: `optimizer` is not an `optim` optimizer.
        ValueError: an invalid setting, neither `total_steps` nor both of
            `epochs` and `steps_per_epoch`, `cycle_momentum` with an optimizer
            that has no momentum, or a step past `total_steps`.

    Examples:
        >>> from autograd_core import Value
        >>> import optim
        >>> opt = optim.SGD([Value(1.0)], lr=0.1, momentum=0.9)
        >>> schedule = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
        >>> round(opt.lr, 12), opt.momentum
        (0.04, 0.95)
        >>> for batch in range(2):
        ...     schedule.step()
        >>> opt.lr, opt.momentum
        (1.0, 0.85)
    """

    _hyper_names = ("max_lr", "total_steps", "pct_start", "anneal_strategy",
                    "cycle_momentum", "base_momentum", "max_momentum", "div_factor",
                    "final_div_factor", "three_phase")
    per_batch = True

    def __init__(self, optimizer: Optimizer, max_lr: float, total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None,
                 pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: float = 0.85,
                 max_momentum: float = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False) -> None:
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR needs total_steps, or both epochs and "
                                 "steps_per_epoch")
            total_steps = (positive_int("epochs", epochs)
                           * positive_int("steps_per_epoch", steps_per_epoch))
        super().__init__(optimizer, max_lr=max_lr, total_steps=total_steps,
                         pct_start=pct_start, anneal_strategy=anneal_strategy,
                         cycle_momentum=cycle_momentum, base_momentum=base_momentum,
                         max_momentum=max_momentum, div_factor=div_factor,
                         final_div_factor=final_div_factor, three_phase=three_phase)
        self._momentum_name()  # refuses an optimizer without momentum at once
        self.base_lrs = [self.max_lr / self.div_factor]
        self._set(self._compute_lr())

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        checked = {"max_lr": real_number("max_lr", hyper["max_lr"], low_inclusive=False),
                   "total_steps": positive_int("total_steps", hyper["total_steps"]),
                   "pct_start": real_number("pct_start", hyper["pct_start"], 0.0, 1.0,
                                            high_inclusive=True)}
        if hyper["anneal_strategy"] not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', "
                             f"got {hyper['anneal_strategy']!r}")
        checked["anneal_strategy"] = hyper["anneal_strategy"]
        for name in ("cycle_momentum", "three_phase"):
            if not isinstance(hyper[name], bool):
                raise ValueError(f"OneCycleLR: {name} must be True or False, "
                                 f"got {hyper[name]!r}")
            checked[name] = hyper[name]
        for name in ("base_momentum", "max_momentum"):
            checked[name] = real_number(name, hyper[name])
        for name in ("div_factor", "final_div_factor"):
            checked[name] = real_number(name, hyper[name], low_inclusive=False)
        return checked

    def _momentum_name(self) -> str | None:
        """`"momentum"` or `"betas"`: the optimizer's setting that cycles (None without)."""
        if not self.cycle_momentum:
            return None
        names = getattr(self.optimizer, "_hyper_names", ())
        for name in ("momentum", "betas"):
            if name in names:
                return name
        raise ValueError(f"OneCycleLR: {type(self.optimizer).__name__} has no momentum to "
                         "cycle; pass cycle_momentum=False")

    def _phases(self) -> list[tuple[float, str, str]]:
        """Each phase: its last step and its start and end, as names of levels."""
        up = float(self.pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        if self.three_phase:
            return [(up, "initial", "max"), (2 * up, "max", "initial"), (last, "initial", "min")]
        return [(up, "initial", "max"), (last, "max", "min")]

    def _compute_lr(self) -> float:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: stepped {step} times, past its total_steps="
                             f"{self.total_steps}")
        initial = self.max_lr / self.div_factor
        lrs = {"initial": initial, "max": self.max_lr, "min": initial / self.final_div_factor}
        # The momentum is high where the lr is low.
        moms = {"initial": self.max_momentum, "max": self.base_momentum,
                "min": self.max_momentum}
        phases = self._phases()
        start = 0.0
        for i, (end, low, high) in enumerate(phases):
            if step <= end or i == len(phases) - 1:
                pct = (step - start) / (end - start)
                self._momentum = _anneal(moms[low], moms[high], pct, self.anneal_strategy)
                return _anneal(lrs[low], lrs[high], pct, self.anneal_strategy)
            start = end
        raise AssertionError("unreachable: the last phase always applies")

    def step(self) -> None:
        """Advance one batch; set the lr (and the momentum) for it."""
        self.last_epoch += 1
        self._set(self._compute_lr())

    def _set(self, lr: float) -> None:
        """Give the optimizer `lr` and, with `cycle_momentum`, the momentum just computed."""
        self.optimizer.lr = lr
        self._last_lr = [lr]
        name = self._momentum_name()
        if name == "momentum":
            self.optimizer.momentum = self._momentum
        elif name == "betas":
            self.optimizer.betas = (self._momentum, self.optimizer.betas[1])
