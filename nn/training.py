"""`fit`: a training loop with validation, early stopping and a progress bar."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_core import Value, no_grad
from autograd_core.checks import positive_int
from optim.clip import clip_grad_norm as _clip

from . import functional as F
from .callbacks import check_fit_extras
from .data import RngLike, as_rng, batches, train_val_split
from .module import Module

__all__ = ["fit", "evaluate", "History"]


@dataclass
class History:
    """What `fit` recorded, one entry per epoch run.

    ``loss``: mean training loss of the epoch (each batch weighted by its
    size, measured while the weights were being updated); ``val_loss``:
    validation loss after the epoch (empty without validation);
    ``accuracy``/``val_accuracy``: the same for classification losses (empty
    otherwise). ``best_epoch`` is the index into these lists of the lowest
    validation loss (of the lowest training loss without validation).
    ``stop_reason`` is ``"epochs"``, ``"target_loss"`` or ``"patience"``, and
    ``stopped_early`` is True for the latter two.
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    epochs_run: int = 0
    stopped_early: bool = False
    stop_reason: str = "epochs"
    best_epoch: int | None = None

    def plot(self, ax: Any = None) -> Any:
        """Draw the loss curves (and accuracy, on a second y axis) with matplotlib,
        with a dotted line at the best epoch when there is validation; one legend
        for all lines sits below the plot, where it covers none of them. Returns
        the Axes drawn on (a new figure if ``ax`` is None)."""
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
    """Return ``(loss, accuracy)`` of ``model`` on ``(X, y)``, as `fit` measures validation.

    The model runs in evaluation mode (its training mode is restored afterwards,
    even on an error) without recording a graph. ``loss_fn`` must return a
    single-element Value. ``accuracy`` is the fraction of rows predicted right
    for `cross_entropy` (argmax) and the binary cross-entropies (threshold 0.5
    on probabilities, 0 on logits; every output of a row must be right), and
    None for any other loss.
    """
    count = _accuracy_rule(loss_fn)
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
    """Return ``(X_train, y_train, val)`` with val None or a pair of arrays."""
    if validation is None:
        return X, y, None
    if isinstance(validation, numbers.Real) and not isinstance(validation, bool):
        (Xt, yt), val = train_val_split(X, y, float(validation), gen)
        return Xt, yt, val
    if isinstance(validation, (tuple, list)) and len(validation) == 2:
        Xv, yv = np.asarray(validation[0]), np.asarray(validation[1])
        if len(Xv) != len(yv) or len(Xv) == 0:
            raise ValueError(f"fit: validation X and y must be non-empty with the same "
                             f"number of rows, got {len(Xv)} and {len(yv)}")
        return X, y, (Xv, yv)
    raise TypeError("fit: validation must be None, a pair (X_val, y_val) or a fraction "
                    f"in (0, 1), got {type(validation).__name__}")


def fit(model: Module, loss_fn: Callable[[Value, Any], Value], optimizer: Any,
        X: Any, y: Any, epochs: int, batch_size: int | None = None,
        validation: Any = None, patience: int | None = None,
        target_loss: float | None = None, progress: bool = True,
        rng: RngLike = None, scheduler: Any = None, clip_grad_norm: float | None = None,
        callbacks: Any = ()) -> History:
    """Train ``model`` on ``(X, y)`` and return the `History`.

    Each epoch goes through shuffled mini-batches of ``batch_size`` rows (the
    whole set, unshuffled, when ``batch_size`` is None): zero the gradients,
    compute ``loss_fn(model(X_batch), y_batch)``, backpropagate, take an
    optimizer step. ``validation`` is None, a pair ``(X_val, y_val)``, or a
    fraction of ``(X, y)`` held out at random; the validation loss is computed
    after every epoch in evaluation mode without recording a graph.

    Training stops after ``epochs`` epochs; earlier when the epoch's training
    loss is at most ``target_loss``; or, with ``patience`` (which needs
    validation), when the validation loss has not improved for ``patience``
    epochs. With ``patience``, the model ends with the weights of the epoch
    of lowest validation loss, whether the patience ran out or the epochs did. ``rng``
    (int seed or Generator) drives the split and the shuffling, so the same
    seed gives the same run. ``progress=True`` shows a tqdm bar on stderr.
    Accuracy is recorded for `cross_entropy` (argmax) and the binary
    cross-entropies (threshold 0.5 on probabilities, 0 on logits).

    ``scheduler`` (an `optim.lr_scheduler` object over ``optimizer``) is stepped
    after each epoch's updates. With ``clip_grad_norm``, the gradients of the
    model's parameters are scaled before each step so that their total norm is
    at most that number (`optim.clip_grad_norm`). ``callbacks`` are objects with
    any of ``on_train_begin(model, X, y)``, ``on_batch_end(step, loss, model)``,
    ``on_epoch_end(epoch, history, model)`` and ``on_train_end(history, model)``
    (at least one of the middle two); see `nn.callbacks`.
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"fit: loss_fn must be callable, got {type(loss_fn).__name__}")
    positive_int("fit: epochs", epochs)
    if patience is not None:
        positive_int("fit: patience", patience)
        if validation is None:
            raise ValueError("fit: early stopping (patience) needs validation data; pass "
                             "validation=(X_val, y_val) or a fraction such as 0.2")
    max_norm, hooks = check_fit_extras(optimizer, scheduler, clip_grad_norm, callbacks)
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"fit: X and y must have the same number of rows, "
                         f"got {len(X)} and {len(y)}")
    gen = as_rng(rng)
    X, y, val = _split_validation(validation, X, y, gen)
    count = _accuracy_rule(loss_fn)
    history = History()
    best_val, best_train, best_state, since_best = np.inf, np.inf, None, 0
    was_training = model.training
    model.train()
    params = model.parameters() if max_norm is not None else None

    from tqdm import tqdm
    bar = tqdm(range(int(epochs)), disable=not progress, unit="epoch", leave=True)
    try:
        hooks.train_begin(model, X, y)
        for epoch in bar:
            total, correct = 0.0, 0
            it = ((X, y),) if batch_size is None else batches(X, y, batch_size, True, gen)
            for Xb, yb in it:
                optimizer.zero_grad()
                pred = model(Xb)
                loss = _scalar(loss_fn(pred, yb))
                loss.backward()
                if max_norm is not None:
                    _clip(params, max_norm)
                optimizer.step()
                total += float(loss.item()) * len(Xb)
                if count is not None:
                    correct += count(pred.data, yb)
                if hooks:
                    hooks.batch_end(float(loss.item()), model)
            if scheduler is not None:
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
        if patience is not None and best_state is not None and history.stop_reason != "target_loss":
            model.load_state_dict(best_state)
    finally:
        bar.close()
        model.train(was_training)
        hooks.train_end(history, model)
    return history
