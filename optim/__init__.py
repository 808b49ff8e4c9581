"""Optimizers and learning-rate schedules.

The update rules are those of the `torch.optim` classes of the same names, so the
same gradients give the same parameter trajectory (to floating-point rounding).
"""

from autograd_core import accelerator as _accelerator  # first: its finder (compiled or source)

from . import lr_scheduler
from .adam import Adam, AdamW
from .clip import clip_grad_norm, clip_grad_norm_
from .optimizer import Optimizer
from .rmsprop import RMSProp, RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSProp", "RMSprop", "Adam", "AdamW",
           "clip_grad_norm", "clip_grad_norm_", "lr_scheduler"]
