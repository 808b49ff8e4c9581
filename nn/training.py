"""`fit`: a training loop whose stopping rules, progress bar and plots are callbacks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_core import Value
from autograd_core import optim as _optim

from .data import RngLike, batches
from .fit_checks import check_fit_arguments
from .interrupt import CtrlC
from .metrics import accuracy_rule, evaluate, scalar_loss
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
    """True when training stopped before `epochs` (target loss, patience or Ctrl-C); the flag
    `fit` reads after each epoch's callbacks."""
    stop_reason: str = "epochs"
    """Why training stopped: `"epochs"`, `"target_loss"`, `"patience"`, `"interrupted"` (Ctrl-C),
    a callback's own reason, or `"error"` (seen only by `on_train_end` when `fit` raises).
    """
    best_epoch: int | None = None
    """The index of the epoch of lowest validation loss (of lowest training loss without validation).
    """

    def stop(self, reason: str) -> None:
        """Ask `fit` to stop after this epoch, for `reason` (the first reason given is kept)."""
        if not self.stopped_early:
            self.stopped_early, self.stop_reason = True, reason

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


def _epoch_batches(X: np.ndarray, y: np.ndarray, batch_size: int | None,
                   gen: np.random.Generator) -> Any:
    """One epoch's shuffled mini-batches; the whole set, unshuffled, when `batch_size` is None."""
    return [(X, y)] if batch_size is None else batches(X, y, batch_size, True, gen)


def _record_epoch(history: History, epoch: int, loss: float, accuracy: float,
                  validation: tuple | None, count: Callable | None) -> None:
    """Append an epoch's numbers to `history`; `best_epoch` follows the validation loss
    (the training loss without validation)."""
    history.loss.append(loss)
    if count is not None:
        history.accuracy.append(accuracy)
    history.epochs_run = epoch + 1
    if validation is not None:
        history.val_loss.append(validation[0])
        if validation[1] is not None:
            history.val_accuracy.append(validation[1])
    watched = history.val_loss or history.loss
    best = np.inf if history.best_epoch is None else watched[history.best_epoch]
    if watched[-1] < best or (history.best_epoch is None and not history.val_loss):
        history.best_epoch = epoch  # a NaN validation loss is never the best


def fit(model: Module, loss_fn: Callable[[Value, Any], Value], optimizer: Any,
        X: Any, y: Any, epochs: int, batch_size: int | None = None,
        validation: Any = None, patience: int | None = None,
        target_loss: float | None = None, progress: bool = True,
        rng: RngLike = None, scheduler: Any = None, clip_grad_norm: float | None = None,
        callbacks: Any = ()) -> History:
    """Train `model` on `(X, y)` and return the `History`.

    The loop, as Keras writes it: each epoch goes through shuffled
    mini-batches of `batch_size` rows (the whole set, unshuffled, when
    `batch_size` is None): zero the gradients, compute
    `loss_fn(model(X_batch), y_batch)`, backpropagate, clip (with
    `clip_grad_norm`), take an optimizer step. After each epoch its numbers
    go into the `History` (validation included), the callbacks run, and
    training stops if one of them called `history.stop(reason)`; else after
    `epochs` epochs. The arguments `scheduler`, `progress`, `target_loss` and
    `patience` build the callbacks of `nn.callbacks` that do those jobs
    (`LRScheduler`, `ProgressBar`, `TargetLoss`, `EarlyStopping`): training
    stops once an epoch's training loss is at most `target_loss`, or, with
    `patience`, when the validation loss has not improved for `patience`
    epochs, and then the model ends with the weights of the epoch of lowest
    validation loss, whether the patience ran out, the epochs did, or Ctrl-C
    stopped it. Accuracy is recorded for `cross_entropy` (argmax) and the
    binary cross-entropies (threshold 0.5 on probabilities, 0 on logits).

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
            whose `per_batch` is true); or None.
        clip_grad_norm: scale the gradients of the model's parameters before
            each step so that their total norm is at most this
            (`optim.clip_grad_norm`); None for no clipping.
        callbacks: objects with any of `on_train_begin(model, X, y)`,
            `on_batch_end(step, loss, model)`, `on_epoch_end(epoch,
            history, model)` and `on_train_end(history, model)` (at least
            one of the middle two), called after the ones `fit` builds; an
            `nn.callbacks.EarlyStopping(...)` of your own, for example. See
            `nn.callbacks`.

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
    X, y, val, gen, max_norm, hooks = check_fit_arguments(
        model, loss_fn, optimizer, X, y, epochs, batch_size, validation, patience,
        target_loss, progress, rng, scheduler, clip_grad_norm, callbacks)
    count, params = accuracy_rule(loss_fn), model.parameters()
    history, was_training, ctrl_c = History(), model.training, CtrlC()
    model.train()
    try:
        hooks.train_begin(model, X, y)
        for epoch in ctrl_c.steps(range(epochs)):
            total, correct = 0.0, 0
            for Xb, yb in ctrl_c.steps(_epoch_batches(X, y, batch_size, gen)):
                optimizer.zero_grad()
                pred = model(Xb)
                loss = scalar_loss(loss_fn(pred, yb))
                loss.backward()
                if max_norm is not None:
                    _optim.clip_grad_norm(params, max_norm)
                optimizer.step()
                total += float(loss.item()) * len(Xb)
                correct += count(pred.data, yb) if count is not None else 0
                hooks.batch_end(float(loss.item()), model)
            _record_epoch(history, epoch, total / len(X), correct / len(X),
                          None if val is None else evaluate(model, loss_fn, *val), count)
            hooks.epoch_end(epoch, history, model)
            if history.stopped_early:
                break
    except KeyboardInterrupt:
        history.stop("interrupted")
    except BaseException:
        history.stop("error")  # so that EarlyStopping leaves the weights as they are
        raise
    finally:
        ctrl_c.close()
        model.train(was_training)
        hooks.train_end(history, model)
    return history
