"""`LRScheduler`, the base class of the schedules: the optimizer, its starting lr, the steps."""

from __future__ import annotations

from numbers import Integral
from typing import Any

from autograd_core.checks import real_number

from ..optimizer import Optimizer

__all__ = ["LRScheduler"]


class LRScheduler:
    """Base class of the schedules: the optimizer, its starting lr and the steps taken.

    Subclasses name their settings in `_hyper_names`, validate them in
    `_check_hyper` and compute the lr for `last_epoch` in `_compute_lr`.

    Args:
        optimizer: the `optim` optimizer whose `lr` the schedule sets.
        **hyper: the schedule's settings, by name.

    Raises:
        TypeError: `optimizer` is not an `optim` optimizer.
        ValueError: an invalid setting.
    """

    _hyper_names: tuple[str, ...] = ()
    per_batch = False
    """Whether `fit` steps the schedule after every batch (True) or every epoch."""

    def __init__(self, optimizer: Optimizer, **hyper: Any) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an optim optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        """The optimizer whose `lr` the schedule sets."""
        for name, value in self._check_hyper(hyper).items():
            setattr(self, name, value)
        self.base_lrs: list[float] = [optimizer.lr]
        """The optimizer's lr when the schedule was made (a one-element list, as in PyTorch).
        """
        self.last_epoch = 0
        """The number of `step()` calls so far (0 right after construction)."""
        self._last_lr: list[float] = [optimizer.lr]

    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _compute_lr(self) -> float:
        """The lr for the (already incremented) `last_epoch`."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the optimizer's lr for it (call it after `optimizer.step()`).
        """
        self.last_epoch += 1
        lr = self._compute_lr()
        self.optimizer.lr = lr
        self._last_lr = [self.optimizer.lr]

    def get_last_lr(self) -> list[float]:
        """The lr set by the last `step()`.

        Returns:
            A one-element list, as in PyTorch.
        """
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """A plain-dict snapshot of the schedule.

        Returns:
            The schedule's class name, its settings, `last_epoch`, `base_lrs`
            and `last_lr`.
        """
        d: dict[str, Any] = {"scheduler": type(self).__name__}
        d.update({name: getattr(self, name) for name in self._hyper_names})
        d.update(last_epoch=self.last_epoch, base_lrs=list(self.base_lrs),
                 last_lr=list(self._last_lr))
        return d

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a `state_dict()` snapshot; a refused load changes nothing.

        The optimizer's own lr is restored by the optimizer's `load_state_dict`.

        Args:
            state_dict: what `state_dict()` returned, for this class of schedule.

        Raises:
            TypeError: `state_dict` is not a dict.
            ValueError: its keys, class name, settings, `last_epoch` or lrs do not
                fit this schedule.
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict):
            raise TypeError(f"{name}.load_state_dict expects a dict, "
                            f"got {type(state_dict).__name__}")
        expected = {"scheduler", "last_epoch", "base_lrs", "last_lr", *self._hyper_names}
        if set(state_dict) != expected:
            raise ValueError(f"{name}.load_state_dict: expected keys {sorted(expected)}, "
                             f"got {sorted(map(str, state_dict))}")
        if state_dict["scheduler"] != name:
            raise ValueError(f"cannot load a {state_dict['scheduler']} state into {name}")
        hyper = self._check_hyper({k: state_dict[k] for k in self._hyper_names})
        epoch = state_dict["last_epoch"]
        if isinstance(epoch, bool) or not isinstance(epoch, Integral) or epoch < 0:
            raise ValueError(f"{name}.load_state_dict: last_epoch must be an integer "
                             f">= 0, got {epoch!r}")
        lrs = {}
        for key in ("base_lrs", "last_lr"):
            value = state_dict[key]
            if not isinstance(value, (list, tuple)) or len(value) != 1:
                raise ValueError(f"{name}.load_state_dict: {key} must be a one-element "
                                 f"list, got {value!r}")
            lrs[key] = [real_number(key, value[0])]
        for key, value in hyper.items():
            setattr(self, key, value)
        self.last_epoch = int(epoch)
        self.base_lrs = lrs["base_lrs"]
        self._last_lr = lrs["last_lr"]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._hyper_names)
        return f"{type(self).__name__}({args}, last_epoch={self.last_epoch})"
