"""`fit`: a training loop with validation, early stopping and a progress bar."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_core import Value, no_grad
from autograd_core.checks import boolean, positive_int, real_number
from autograd_core import optim as _optim

from . import functional as F
from .callbacks import check_fit_extras
from .data import RngLike, as_rng, batches, check_pair, train_val_split
from .interrupt import CtrlC
from .module import Module

__all__ = ["fit", "evaluate", "History"]


@dataclass
class History:
    """What `fit` recorded, one entry per epoch run.

    The lists hold the epochs that ran to the end: an epoch cut short by
    Ctrl-C is not recorded.
    """

    loss: list[float] = field(default_factory=list)
    """Each epoch's mean training loss (each batch weighted by its size, measured while the weights were being updated).
    """
    val_loss: list[float] = field(default_factory=list)
    """The validation loss after each epoch (empty without validation)."""
    accuracy: list[float] = field(default_factory=list)
    """Each epoch's training accuracy, for classification losses (empty otherwise)."""
    val_accuracy: list[float] = field(default_factory=list)
    """The validation accuracy after each epoch, for classification losses."""
    epochs_run: int = 0
    """The number of epochs run to the end."""
    stopped_early: bool = False
    """True when training stopped before `epochs` (target loss, patience or Ctrl-C)."""
    stop_reason: str = "epochs"
    """Why training stopped: `"epochs"`, `"target_loss"`, `"patience"` or `"interrupted"` (Ctrl-C).
    """
    best_epoch: int | None = None
    """The index of the epoch of lowest validation loss (of lowest training loss without validation).
    """

    def plot(self, ax: Any = None) -> Any:
        """Draw the loss curves (and accuracy, on a second y axis) with matplotlib.

        A dotted line marks the best epoch when there is validation; one legend
        for all lines sits below the plot, where it covers none of them.

        Args:
            ax: the matplotlib Axes to draw on; None for a new figure.

        Returns:
            The Axes drawn on.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
        epochs = np.arange(1, len(self.loss) + 1)
        ax.plot(epochs, self.loss, label="loss")
        if self.val_loss:
            ax.plot(epochs, self.val_loss, label="val loss")
            if self.best_epoch is not None:
                ax.axvline(self.best_epoch + 1, color="grey", linestyle=":", linewidth=1.2,
                           label=f"best epoch ({self.best_epoch + 1})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        handles, labels = ax.get_legend_handles_labels()
        if self.accuracy:
            ax2 = ax.twinx()
            ax2.plot(epochs, self.accuracy, "--", color="tab:green", label="accuracy")
            if self.val_accuracy:
                ax2.plot(epochs, self.val_accuracy, "--", color="tab:red",
                         label="val accuracy")
            ax2.set_ylabel("accuracy")
            ax2.set_ylim(0.0, 1.05)
            h2, l2 = ax2.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                  ncol=min(len(handles), 3), frameon=False, fontsize="small")
        return ax


def _accuracy_rule(loss_fn: Callable) -> Callable[[np.ndarray, np.ndarray], int] | None:
    """How to count correct predictions for this loss, or None for regression."""
    fn = getattr(loss_fn, "_function", loss_fn)
    if fn is F.cross_entropy:
        def count(pred: np.ndarray, y: np.ndarray) -> int:
            truth = y.argmax(axis=1) if y.ndim == 2 else y
            return int((pred.argmax(axis=1) == truth).sum())
        return count
    if fn is F.binary_cross_entropy or fn is F.binary_cross_entropy_with_logits:
        threshold = 0.5 if fn is F.binary_cross_entropy else 0.0

        def count_binary(pred: np.ndarray, y: np.ndarray) -> int:
            return int(((pred > threshold) == (y > 0.5)).all(
                axis=tuple(range(1, pred.ndim))).sum())
        return count_binary
    return None


def evaluate(model: Module, loss_fn: Callable[[Value, Any], Value], X: np.ndarray,
             y: np.ndarray) -> tuple[float, float | None]:
    """The loss and accuracy of `model` on `(X, y)`, as `fit` measures validation.

    The model runs in evaluation mode (its mode is restored afterwards, even
    on an error) without recording a graph. Accuracy is the fraction of rows
    predicted right for `cross_entropy` (argmax) and the binary
    cross-entropies (threshold 0.5 on probabilities, 0 on logits; every output
    of a row must be right).

    Args:
        model: the model.
        loss_fn: a loss returning a single-element Value (a loss module or a
            function of `nn.functional`).
        X: the inputs, one row per sample (real numbers).
        y: the targets, one row per sample (real numbers).

    Returns:
        `(loss, accuracy)`; `accuracy` is None for other losses.

    Raises:
        TypeError: `X` or `y` is not real numbers.
        ValueError: `X` and `y` differ in rows, or `loss_fn` does not return a
            single-element Value.
    """
    count = _accuracy_rule(loss_fn)
    X, y = check_pair(X, y, "evaluate: ")
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            pred = model(X)
            loss = float(_scalar(loss_fn(pred, y)).item())
    finally:
        model.train(was_training)
    acc = None if count is None else count(pred.data, y) / len(X)
    return loss, acc


def _scalar(loss: Any) -> Value:
    if not isinstance(loss, Value) or loss.size != 1:
        shape = getattr(loss, "shape", None)
        raise ValueError(f"fit: loss_fn must return a single-element Value (use "
                         f"reduction='mean' or 'sum'), got {type(loss).__name__} "
                         f"of shape {shape}")
    return loss


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


def _checked_arguments(model: Module, loss_fn: Callable, optimizer: Any, X: Any, y: Any,
                       epochs: Any, batch_size: Any, validation: Any, patience: Any,
                       target_loss: Any, progress: Any, rng: RngLike) -> tuple:
    """Check every argument of `fit` before anything is trained.

    The validation set, which training otherwise first meets after an epoch
    of updates, is run through the model and `loss_fn` once here (in
    evaluation mode, no graph), so that whatever they refuse in it is refused
    before the first update.

    Returns:
        `(X_train, y_train, val, gen)`: the training arrays, the validation
        pair or None, and the generator made from `rng` (after the split).
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"fit: loss_fn must be callable, got {type(loss_fn).__name__}")
    _check_optimizer(optimizer, model)
    positive_int("fit: epochs", epochs)
    if batch_size is not None:
        positive_int("fit: batch_size", batch_size)
    if patience is not None:
        positive_int("fit: patience", patience)
        if validation is None:
            raise ValueError("fit: early stopping (patience) needs validation data; pass "
                             "validation=(X_val, y_val) or a fraction such as 0.2")
    if target_loss is not None:
        real_number("fit: target_loss", target_loss, -math.inf)
    boolean("fit: progress", progress)
    gen = as_rng(rng)
    X, y = check_pair(X, y, "fit: ")
    if len(X) == 0:
        raise ValueError("fit: X and y are empty")
    X, y, val = _split_validation(validation, X, y, gen)
    if val is not None:
        evaluate(model, loss_fn, val[0], val[1])
    return X, y, val, gen


def fit(model: Module, loss_fn: Callable[[Value, Any], Value], optimizer: Any,
        X: Any, y: Any, epochs: int, batch_size: int | None = None,
        validation: Any = None, patience: int | None = None,
        target_loss: float | None = None, progress: bool = True,
        rng: RngLike = None, scheduler: Any = None, clip_grad_norm: float | None = None,
        callbacks: Any = ()) -> History:
    """Train `model` on `(X, y)` and return the `History`.

    Each epoch goes through shuffled mini-batches of `batch_size` rows (the
    whole set, unshuffled, when `batch_size` is None): zero the gradients,
    compute `loss_fn(model(X_batch), y_batch)`, backpropagate, clip (with
    `clip_grad_norm`), take an optimizer step. Training stops after `epochs`
    epochs; earlier when an epoch's training loss is at most `target_loss`;
    or, with `patience`, when the validation loss has not improved for
    `patience` epochs. With `patience`, the model ends with the weights of
    the epoch of lowest validation loss, whether the patience ran out, the
    epochs did, or Ctrl-C stopped it. Accuracy is recorded for
    `cross_entropy` (argmax) and the binary cross-entropies (threshold 0.5
    on probabilities, 0 on logits).

    Every argument is checked before the first update, the validation data
    included (it is run through the model and `loss_fn` once), so a mistake
    costs no training and leaves the model as it was. Ctrl-C
    (`KeyboardInterrupt`) stops training after the step that is running and
    returns the `History` so far with `stop_reason == "interrupted"`.

    Args:
        model: the `nn.Module` to train.
        loss_fn: `loss_fn(prediction, target)` returning a single-element
            Value (a loss module, or a function of `nn.functional`).
        optimizer: an optimizer over the model's parameters (an object with
            `zero_grad()` and `step()`).
        X: the inputs, one row per sample (real numbers).
        y: the targets, one row per sample (real numbers).
        epochs: the most epochs to run (a positive int).
        batch_size: the rows of a mini-batch; None for the whole set at once.
        validation: None; a pair `(X_val, y_val)`; or a fraction of `(X, y)`
            held out at random. The validation loss is computed after every
            epoch in evaluation mode, without a graph.
        patience: stop when the validation loss has not improved for this
            many epochs (needs `validation`); None never stops early so.
        target_loss: stop once an epoch's training loss is at most this.
        progress: show a tqdm bar with the loss (a widget in Jupyter, text
            on stderr elsewhere).
        rng: an int seed or a `Generator` for the split and the shuffling:
            the same seed gives the same run.
        scheduler: an `optim.lr_scheduler` schedule over `optimizer`,
            stepped after each epoch's updates (after each batch's for one
            whose `per_batch` is true, such as `OneCycleLR`); or None.
        clip_grad_norm: scale the gradients of the model's parameters before
            each step so that their total norm is at most this
            (`optim.clip_grad_norm`); None for no clipping.
        callbacks: objects with any of `on_train_begin(model, X, y)`,
            `on_batch_end(step, loss, model)`, `on_epoch_end(epoch,
            history, model)` and `on_train_end(history, model)` (at least
            one of the middle two); see `nn.callbacks`.

    Returns:
        The `History` of the run.

    Raises:
        TypeError: an argument of the wrong type (naming it), or `X`, `y` or
            the validation data holding anything but real numbers.
        ValueError: an argument out of range, data of mismatched shapes, an
            optimizer over parameters that are not the model's, or `patience`
            without validation data.

    Examples:
        >>> import nn, optim
        >>> X, y = nn.datasets.xor()
        >>> model = nn.MLP(2, [8, 1], output_activation="sigmoid", rng=0)
        >>> opt = optim.Adam(model.parameters(), lr=0.05)
        >>> history = nn.fit(model, nn.BCELoss(), opt, X, y, epochs=300,
        ...                  progress=False, target_loss=0.05)
        >>> history.stop_reason, history.accuracy[-1]
        ('target_loss', 1.0)
    """
    max_norm, hooks = check_fit_extras(optimizer, scheduler, clip_grad_norm, callbacks)
    X, y, val, gen = _checked_arguments(model, loss_fn, optimizer, X, y, epochs, batch_size,
                                        validation, patience, target_loss, progress, rng)
    count = _accuracy_rule(loss_fn)
    history = History()
    best_val, best_train, best_state, since_best = np.inf, np.inf, None, 0
    was_training = model.training
    model.train()
    params = model.parameters() if max_norm is not None else None
    per_batch = getattr(scheduler, "per_batch", False)  # OneCycleLR steps every batch

    from tqdm.auto import tqdm  # a widget in Jupyter, text in a terminal
    bar = tqdm(range(int(epochs)), disable=not progress, unit="epoch", leave=True)
    ctrl_c = CtrlC()
    finished = False
    try:
        hooks.train_begin(model, X, y)
        for epoch in ctrl_c.steps(bar):
            total, correct = 0.0, 0
            it = ((X, y),) if batch_size is None else batches(X, y, batch_size, True, gen)
            it = ctrl_c.steps(it)
            for Xb, yb in it:
                optimizer.zero_grad()
                pred = model(Xb)
                loss = _scalar(loss_fn(pred, yb))
                loss.backward()
                if max_norm is not None:
                    _optim.clip_grad_norm(params, max_norm)
                optimizer.step()
                if per_batch:
                    scheduler.step()
                total += float(loss.item()) * len(Xb)
                if count is not None:
                    correct += count(pred.data, yb)
                if hooks:
                    hooks.batch_end(float(loss.item()), model)
            if scheduler is not None and not per_batch:
                scheduler.step()
            history.loss.append(total / len(X))
            if count is not None:
                history.accuracy.append(correct / len(X))
            history.epochs_run = epoch + 1
            postfix = {"loss": f"{history.loss[-1]:.4g}"}
            if val is not None:
                vloss, vacc = evaluate(model, loss_fn, val[0], val[1])
                history.val_loss.append(vloss)
                if vacc is not None:
                    history.val_accuracy.append(vacc)
                postfix["val_loss"] = f"{vloss:.4g}"
                if vloss < best_val:
                    best_val, since_best = vloss, 0
                    history.best_epoch = epoch
                    if patience is not None:
                        best_state = model.state_dict()
                else:
                    since_best += 1
            elif history.best_epoch is None or history.loss[-1] < best_train:
                best_train, history.best_epoch = history.loss[-1], epoch
            if progress:
                bar.set_postfix(postfix, refresh=False)
            hooks.epoch_end(epoch, history, model)
            if target_loss is not None and history.loss[-1] <= target_loss:
                history.stopped_early, history.stop_reason = True, "target_loss"
                break
            if patience is not None and since_best >= patience:
                history.stopped_early, history.stop_reason = True, "patience"
                break
        finished = True
    except KeyboardInterrupt:
        history.stopped_early, history.stop_reason = True, "interrupted"
        finished = True
    finally:
        ctrl_c.close()
        bar.close()
        model.train(was_training)
        # An error leaves the weights as they are; a finished or interrupted run
        # with patience ends with the best epoch's.
        if (finished and patience is not None and best_state is not None
                and history.stop_reason != "target_loss"):
            model.load_state_dict(best_state)
        hooks.train_end(history, model)
    return history
