"""Checking `fit`'s arguments before any update, and its callbacks sorted by moment."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd_core.checks import boolean, positive_int, real_number

from .callbacks import EarlyStopping, LRScheduler, ProgressBar, TargetLoss
from .data import RngLike, as_rng, check_pair, train_val_split
from .metrics import evaluate
from .module import Module

__all__ = ["FitHooks", "check_fit_arguments"]

_HOOKS = ("on_train_begin", "on_batch_end", "on_epoch_end", "on_train_end")


class FitHooks:
    """The callbacks' methods, sorted by the moment `fit` calls them.

    It is false when there is nothing to call, so that `fit` skips it at no
    cost.

    Args:
        callbacks: the callback objects, in the order their methods are called.
    """

    def __init__(self, callbacks: list) -> None:
        self._calls = {name: [getattr(cb, name) for cb in callbacks
                              if callable(getattr(cb, name, None))] for name in _HOOKS}
        self._step = 0
        self._any = any(self._calls.values())

    def __bool__(self) -> bool:
        return self._any

    def train_begin(self, model: Any, X: np.ndarray, y: np.ndarray) -> None:
        """Call every `on_train_begin(model, X, y)`.

        Args:
            model: the model being trained.
            X: the training inputs (after a validation split).
            y: the training targets.
        """
        for call in self._calls["on_train_begin"]:
            call(model, X, y)

    def batch_end(self, loss: float, model: Any) -> None:
        """Call every `on_batch_end(step, loss, model)`, counting the steps from 0.

        Args:
            loss: the batch's loss.
            model: the model being trained.
        """
        for call in self._calls["on_batch_end"]:
            call(self._step, loss, model)
        self._step += 1

    def epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Call every `on_epoch_end(epoch, history, model)`.

        Args:
            epoch: the epoch just finished, from 0.
            history: the `History` so far, this epoch included.
            model: the model being trained.
        """
        for call in self._calls["on_epoch_end"]:
            call(epoch, history, model)

    def train_end(self, history: Any, model: Any) -> None:
        """Call every `on_train_end(history, model)`.

        Args:
            history: the `History` of the run.
            model: the model trained.
        """
        for call in self._calls["on_train_end"]:
            call(history, model)


def _check_extras(optimizer: Any, scheduler: Any, clip_grad_norm: Any,
                     callbacks: Any) -> tuple[float | None, list]:
    """Check `fit`'s `scheduler`, `clip_grad_norm` and `callbacks`.

    Args:
        optimizer: the optimizer given to `fit`.
        scheduler: None, or a schedule over `optimizer` (an object with a
            `step()` method and an `optimizer` attribute, as the classes of
            `optim.lr_scheduler`).
        clip_grad_norm: None, or the largest total gradient norm (a positive number).
        callbacks: an iterable of callbacks (see the module's docstring).

    Returns:
        `(max_norm, callbacks)`: the clipping norm as a float (or None) and
        the callbacks as a list.

    Raises:
        TypeError: an argument of the wrong kind (naming it).
        ValueError: a schedule over another optimizer, or a norm that is not
            positive and finite.
    """
    if scheduler is not None:
        if not callable(getattr(scheduler, "step", None)) or not hasattr(scheduler, "optimizer"):
            raise TypeError("fit: scheduler must be a learning-rate schedule such as "
                            "optim.lr_scheduler.StepLR(optimizer, ...), or None; got "
                            f"{type(scheduler).__name__}")
        if scheduler.optimizer is not optimizer:
            raise ValueError("fit: scheduler changes the learning rate of another optimizer "
                             "than the one given to fit; make it over this optimizer")
    max_norm = None
    if clip_grad_norm is not None:
        if isinstance(clip_grad_norm, bool) or not isinstance(clip_grad_norm, numbers.Real):
            raise TypeError(f"fit: clip_grad_norm must be a positive number or None, "
                            f"got {type(clip_grad_norm).__name__}")
        max_norm = real_number("fit: clip_grad_norm", clip_grad_norm, low_inclusive=False)
    if isinstance(callbacks, (str, bytes)) or not isinstance(callbacks, Iterable):
        hint = (" (wrap a single callback in a list: callbacks=[...])"
                if any(hasattr(callbacks, name) for name in _HOOKS) else "")
        raise TypeError(f"fit: callbacks must be a list of callback objects{hint}, "
                        f"got {type(callbacks).__name__}")
    callbacks = list(callbacks)
    for i, cb in enumerate(callbacks):
        if not any(callable(getattr(cb, name, None)) for name in ("on_epoch_end", "on_batch_end")):
            raise TypeError(f"fit: callbacks[{i}] ({type(cb).__name__}) has neither "
                            "on_epoch_end(epoch, history, model) nor "
                            "on_batch_end(step, loss, model)")
    return max_norm, callbacks


def _split_validation(validation: Any, X: np.ndarray, y: np.ndarray,
                      gen: np.random.Generator) -> tuple:
    """Return `(X_train, y_train, val)` with val None or a pair of arrays whose
    rows have the shapes of the rows of X and y."""
    if validation is None:
        return X, y, None
    if isinstance(validation, numbers.Real) and not isinstance(validation, bool):
        fraction = real_number("fit: validation (the fraction held out)", validation, 0.0, 1.0,
                               low_inclusive=False)
        (Xt, yt), val = train_val_split(X, y, fraction, gen)
        return Xt, yt, val
    if isinstance(validation, (tuple, list)) and len(validation) == 2:
        Xv, yv = check_pair(validation[0], validation[1], "fit: validation ")
        if len(Xv) == 0:
            raise ValueError("fit: validation X and y are empty")
        for what, v, t in (("X", Xv, X), ("y", yv, y)):
            if v.shape[1:] != t.shape[1:]:
                raise ValueError(f"fit: validation {what} has rows of shape {v.shape[1:]}, "
                                 f"but {what} has rows of shape {t.shape[1:]}")
        return X, y, (Xv, yv)
    raise TypeError("fit: validation must be None, a pair (X_val, y_val) or a fraction "
                    f"in (0, 1), got {type(validation).__name__}")


def _check_optimizer(optimizer: Any, model: Module) -> None:
    """The optimizer has zero_grad() and step(), and updates only the model's parameters."""
    if not all(callable(getattr(optimizer, m, None)) for m in ("zero_grad", "step")):
        raise TypeError(f"fit: optimizer must have zero_grad() and step() methods, "
                        f"got {type(optimizer).__name__}")
    params = getattr(optimizer, "params", None)  # optim's optimizers list them here
    if isinstance(params, list):
        own = {id(p) for p in model.parameters()}
        for i, p in enumerate(params):
            if id(p) not in own:
                raise ValueError(
                    f"fit: parameter {i} of the optimizer (shape {getattr(p, 'shape', '?')}) "
                    f"is not a parameter of the model; make the optimizer from this "
                    f"model's parameters()")




def check_fit_arguments(model: Module, loss_fn: Callable, optimizer: Any, X: Any, y: Any,
                        epochs: Any, batch_size: Any, validation: Any, patience: Any,
                        target_loss: Any, progress: Any, rng: RngLike, scheduler: Any,
                        clip_grad_norm: Any, callbacks: Any) -> tuple:
    """Check every argument of `fit` before anything is trained; build its callbacks.

    `scheduler`, `progress`, `target_loss` and `patience` become an
    `LRScheduler`, a `ProgressBar`, a `TargetLoss` and an `EarlyStopping`,
    called in that order before the callbacks passed in `callbacks`. The
    validation set, which training otherwise first meets after an epoch of
    updates, is run through the model and `loss_fn` once here (in evaluation
    mode, no graph), so that whatever they refuse in it is refused before the
    first update.

    Returns:
        `(X_train, y_train, val, gen, max_norm, hooks)`: the training arrays,
        the validation pair or None, the generator made from `rng` (after the
        split), the clipping norm or None, and the `FitHooks` of every callback.
    """
    max_norm, callbacks = _check_extras(optimizer, scheduler, clip_grad_norm, callbacks)
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"fit: loss_fn must be callable, got {type(loss_fn).__name__}")
    _check_optimizer(optimizer, model)
    epochs = positive_int("fit: epochs", epochs)
    if batch_size is not None:
        positive_int("fit: batch_size", batch_size)
    builtin = [] if scheduler is None else [LRScheduler(scheduler)]
    if boolean("fit: progress", progress):
        builtin.append(ProgressBar(epochs))
    if target_loss is not None:
        builtin.append(TargetLoss(real_number("fit: target_loss", target_loss, -math.inf)))
    if patience is not None:
        builtin.append(EarlyStopping(positive_int("fit: patience", patience)))
    callbacks = builtin + callbacks
    if validation is None and any(isinstance(cb, EarlyStopping) for cb in callbacks):
        raise ValueError("fit: early stopping (patience) needs validation data; pass "
                         "validation=(X_val, y_val) or a fraction such as 0.2")
    gen = as_rng(rng)
    X, y = check_pair(X, y, "fit: ")
    if len(X) == 0:
        raise ValueError("fit: X and y are empty")
    X, y, val = _split_validation(validation, X, y, gen)
    if val is not None:
        evaluate(model, loss_fn, *val)
    return X, y, val, gen, max_norm, FitHooks(callbacks)
