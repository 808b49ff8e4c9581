"""Callbacks for `nn.fit`: watching a run as it goes, and deciding when it stops.

A callback is any object with one or more of these methods, which `fit` calls
at the named moments (a method it lacks is simply not called):

- `on_train_begin(model, X, y)`: once, before the first update, with the
  training rows (after a validation split);
- `on_batch_end(step, loss, model)`: after each optimizer step; `step`
  counts the steps of the run from 0, `loss` is the batch's loss (a float);
- `on_epoch_end(epoch, history, model)`: after each epoch (from 0), once
  `history` holds its numbers (validation included);
- `on_train_end(history, model)`: once, when `fit` returns or raises.

An object must have `on_epoch_end` or `on_batch_end` (or both) to count as
a callback. A callback stops training by calling `history.stop(reason)` in
`on_epoch_end`: `fit` reads `history.stopped_early` after each epoch's
callbacks, as Keras reads `model.stop_training`.

`fit` builds its own from its arguments and calls them, in this order, before
the ones passed in `callbacks`: `LRScheduler` (`scheduler=`), `ProgressBar`
(`progress=True`), `TargetLoss` (`target_loss=`) and `EarlyStopping`
(`patience=`). `LivePlot` redraws the
curves in a notebook; `Diagnostics` (in `nn.diagnostics`) records per-layer
statistics.
"""

from __future__ import annotations

import io
import sys
import time
from typing import Any

import numpy as np

from autograd_core.checks import positive_int, real_number

from .diagnostics import Diagnostics
from .plots import plot_decision_boundary, predict_classes

__all__ = ["LRScheduler", "ProgressBar", "TargetLoss", "EarlyStopping", "LivePlot", "Diagnostics",
           "plot_decision_boundary", "predict_classes"]


class LRScheduler:
    """Step a learning-rate schedule (one of `optim.lr_scheduler`) after each epoch's updates,
    or after each batch's for a schedule whose `per_batch` attribute is true (as `OneCycleLR`).

    Args:
        scheduler: the schedule, an object with a `step()` method.
    """

    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler
        """The schedule stepped."""
        self.per_batch = bool(getattr(scheduler, "per_batch", False))
        """Whether it is stepped after each batch rather than each epoch."""

    def on_batch_end(self, step: int, loss: float, model: Any) -> None:
        """Step a per-batch schedule."""
        if self.per_batch:
            self.scheduler.step()

    def on_epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Step a per-epoch schedule."""
        if not self.per_batch:
            self.scheduler.step()


class ProgressBar:
    """A tqdm bar of the epochs with the last losses (a widget in Jupyter, text on stderr elsewhere).

    Args:
        epochs: the length of the bar; None for a bar that only counts.
    """

    def __init__(self, epochs: int | None = None) -> None:
        self.epochs = epochs
        """The length of the bar (None: a count without a total)."""
        self._bar: Any = None

    def on_train_begin(self, model: Any, X: np.ndarray, y: np.ndarray) -> None:
        """Open the bar."""
        from tqdm.auto import tqdm  # looked up at each run, so tests can replace it

        self._bar = tqdm(total=self.epochs, unit="epoch", leave=True)

    def on_epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Advance the bar by one epoch and show the losses."""
        postfix = {"loss": f"{history.loss[-1]:.4g}"}
        if history.val_loss:
            postfix["val_loss"] = f"{history.val_loss[-1]:.4g}"
        self._bar.set_postfix(postfix, refresh=False)
        self._bar.update(1)

    def on_train_end(self, history: Any, model: Any) -> None:
        """Close the bar."""
        if self._bar is not None:
            self._bar.close()


class TargetLoss:
    """Stop training once an epoch's training loss is at most `target` (`stop_reason` `"target_loss"`).

    Args:
        target: the loss to reach (a finite number).

    Raises:
        ValueError: `target` is not a finite number.
    """

    def __init__(self, target: float) -> None:
        self.target = real_number("TargetLoss: target", target, -np.inf)
        """The training loss at which training stops."""

    def on_epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Stop when this epoch's training loss reached the target."""
        if history.loss[-1] <= self.target:
            history.stop("target_loss")


class EarlyStopping:
    """Stop training when the validation loss has not improved for `patience` epochs.

    It keeps the weights of the epoch of lowest validation loss and, with
    `restore_best_weights`, puts them back in the model when training ends:
    whether the patience ran out (`stop_reason` `"patience"`), the epochs did,
    or Ctrl-C stopped it; not after `TargetLoss` stopped it (the model that
    reached the target is kept) nor when `fit` raises. `fit` refuses it
    without validation data.

    Args:
        patience: the epochs without improvement that stop training (a positive int).
        restore_best_weights: end with the best epoch's weights.

    Raises:
        ValueError: `patience` is not a positive int.
    """

    def __init__(self, patience: int, restore_best_weights: bool = True) -> None:
        self.patience = positive_int("EarlyStopping: patience", patience)
        """The epochs without improvement that stop training."""
        self.restore_best_weights = bool(restore_best_weights)
        """Whether the model ends with the best epoch's weights."""
        self._best, self._since, self._state = np.inf, 0, None

    def on_train_begin(self, model: Any, X: np.ndarray, y: np.ndarray) -> None:
        """Forget any earlier run."""
        self._best, self._since, self._state = np.inf, 0, None

    def on_epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Keep the weights of a new best epoch; stop when the patience ran out."""
        if history.val_loss[-1] < self._best:
            self._best, self._since = history.val_loss[-1], 0
            if self.restore_best_weights:
                self._state = model.state_dict()
        else:
            self._since += 1
        if self._since >= self.patience:
            history.stop("patience")

    def on_train_end(self, history: Any, model: Any) -> None:
        """Put the best epoch's weights back, unless the target loss was reached or fit failed."""
        if self._state is not None and history.stop_reason not in ("target_loss", "error"):
            model.load_state_dict(self._state)


def _in_notebook() -> bool:
    """Whether this runs in an IPython kernel (a notebook), where pictures can be shown."""
    ipython = sys.modules.get("IPython")  # never imported outside IPython: nothing to show
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


class LivePlot:
    """Redraw the loss (and accuracy) curves in a notebook as `fit` runs, in place.

    In a notebook each redraw replaces the previous picture (one output that
    updates, through an IPython display handle). For 2-D inputs the classes the
    model predicts over the input plane are drawn beside the curves (see
    `plot_decision_boundary`). Redraws are at least `min_seconds` apart, and
    twice as far apart as a redraw takes, so drawing never takes more than a
    third of the run; the last epoch is always drawn.
    Outside a notebook (a terminal, a script, no IPython kernel) it draws and
    shows nothing: no window opens and nothing is printed. Pictures are drawn
    with matplotlib's Agg renderer, never with pyplot.

    Args:
        boundary: draw the decision boundary for 2-D inputs.
        threshold: where a single output is cut (see `plot_decision_boundary`).
        min_seconds: the least time between two redraws (0: after every epoch,
            as far as drawing time allows).

    Raises:
        ValueError: `min_seconds` is negative or not a finite number.
    """

    def __init__(self, boundary: bool = True, threshold: float | None = None,
                 min_seconds: float = 0.5) -> None:
        self.boundary = bool(boundary)
        """Whether the decision boundary is drawn for 2-D inputs."""
        self.threshold = threshold
        """Where a single output is cut (None: 0 for logits, 0.5 after a sigmoid)."""
        self.min_seconds = real_number("LivePlot: min_seconds", min_seconds)
        """The least time between two redraws, in seconds."""
        self.png: bytes | None = None
        """The last picture drawn, as PNG bytes (None before the first)."""
        self._data: tuple | None = None
        self._handle: Any = None
        self._last = -np.inf
        self._live = False

    def on_train_begin(self, model: Any, X: np.ndarray, y: np.ndarray) -> None:
        """Keep 2-D training data (for the boundary); see whether a notebook shows the pictures.

        Args:
            model: the model being trained.
            X: the training inputs.
            y: the training targets.
        """
        self._live = _in_notebook()
        two_d = X.ndim == 2 and X.shape[1] == 2 and self.boundary
        self._data = (X, y) if two_d else None
        self._handle, self._last, self._wait = None, -np.inf, self.min_seconds

    def on_epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Redraw, unless the last redraw was less than `min_seconds` ago.

        Args:
            epoch: the epoch just finished.
            history: the `History` so far.
            model: the model being trained.
        """
        if self._live and time.perf_counter() - self._last >= self._wait:
            self._show(history, model)

    def on_train_end(self, history: Any, model: Any) -> None:
        """Draw the final picture.

        Args:
            history: the `History` of the run.
            model: the model trained.
        """
        if self._live and history.loss:
            self._show(history, model)

    def render(self, history: Any, model: Any) -> bytes:
        """The picture: the curves, and the predicted classes for 2-D inputs.

        Also kept as `png`.

        Args:
            history: the `History` to draw.
            model: the model, for the decision boundary.

        Returns:
            The picture as PNG bytes.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(11 if self._data else 6, 4), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, 2 if self._data else 1, squeeze=False)[0]
        history.plot(ax=axes[0])
        axes[0].set_title(f"epoch {len(history.loss)}")
        if self._data is not None:
            plot_decision_boundary(axes[1], model, *self._data, threshold=self.threshold)
            axes[1].set_title("predicted classes")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        self.png = buf.getvalue()
        return self.png

    def _show(self, history: Any, model: Any) -> None:
        from IPython.display import Image, display

        start = time.perf_counter()
        image = Image(data=self.render(history, model), format="png")
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)
        self._last = time.perf_counter()
        # Drawing takes at most a third of the run's time, however slow it is.
        self._wait = max(self.min_seconds, 2 * (self._last - start))
