"""Learning-rate schedules that change an optimizer's `lr` at each `step()`.

Call `scheduler.step()` after `optimizer.step()`: once per epoch, or once per
batch for `OneCycleLR` (`fit(scheduler=...)` does either). The values are
those of the `torch.optim.lr_scheduler` classes of the same names.
"""

from .base import LRScheduler
from .decay import CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, StepLR
from .one_cycle import OneCycleLR

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "LambdaLR", "OneCycleLR"]
