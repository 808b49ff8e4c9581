"""Callbacks for `nn.fit`: watching a run as it goes.

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
a callback. `LivePlot` redraws the curves in a notebook; `Diagnostics`
(in `nn.diagnostics`) records per-layer statistics.
"""

from __future__ import annotations

import io
import numbers
import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_core import enable_grad, no_grad
from autograd_core.checks import real_number

from .diagnostics import Diagnostics

# FitHooks and check_fit_extras are fit's own plumbing, not exported.
__all__ = ["LivePlot", "Diagnostics", "plot_decision_boundary", "predict_classes"]

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


def check_fit_extras(optimizer: Any, scheduler: Any, clip_grad_norm: Any,
                     callbacks: Any) -> tuple[float | None, FitHooks]:
    """Check `fit`'s `scheduler`, `clip_grad_norm` and `callbacks`.

    Args:
        optimizer: the optimizer given to `fit`.
        scheduler: None, or a schedule over `optimizer` (an object with a
            `step()` method and an `optimizer` attribute, as the classes of
            `optim.lr_scheduler`).
        clip_grad_norm: None, or the largest total gradient norm (a positive number).
        callbacks: an iterable of callbacks (see the module's docstring).

    Returns:
        `(max_norm, hooks)`: the clipping norm as a float (or None) and the
        callbacks' methods.

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
    return max_norm, FitHooks(callbacks)


def _in_notebook() -> bool:
    """Whether this runs in an IPython kernel (a notebook), where pictures can be shown."""
    ipython = sys.modules.get("IPython")  # never imported outside IPython: nothing to show
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def predict_classes(model: Any, points: np.ndarray, threshold: float | None = None
                    ) -> np.ndarray:
    """The class `model` predicts for each row of `points` (an int array).

    A single output is a score for class 1: a logit, cut at 0, or a probability
    (a model whose output comes from a sigmoid), cut at 0.5; `threshold`, if
    given, is the cut instead. Several outputs are class scores (the largest
    wins). The model runs in evaluation mode without recording a graph; its mode
    is restored.

    Args:
        model: the model.
        points: its inputs, one row each.
        threshold: where a single output is cut (default: see above).

    Returns:
        The predicted class of each row.
    """
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            out = model(points)
        scores = np.asarray(out.data).reshape(len(points), -1)
        if scores.shape[1] > 1:
            return scores.argmax(axis=1)
        if threshold is None:
            # Which op made the output shows only where the graph is recorded: one row is enough.
            with enable_grad():
                last_op = getattr(model(points[:1]), "op", "")
            threshold = 0.5 if last_op == "sigmoid" else 0.0
    finally:
        model.train(was_training)
    return (scores[:, 0] > threshold).astype(int)


def plot_decision_boundary(ax: Any, model: Any, X: np.ndarray, y: np.ndarray,
                           threshold: float | None = None, resolution: int = 150) -> Any:
    """Draw the classes `model` predicts over the plane of the 2-D inputs `X`
    (see `predict_classes`), with the points coloured by their class `y`.

    Args:
        ax: the matplotlib Axes to draw on.
        model: the model (inputs of shape (N, 2)).
        X: the points, shape (N, 2).
        y: their classes (class indices, or 0/1 targets of shape (N,) or (N, 1)).
        threshold: where a single output is cut (see `predict_classes`).
        resolution: grid points along each axis.

    Returns:
        `ax`.
    """
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-6)
    gx, gy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(X.dtype)
    classes = predict_classes(model, grid, threshold)
    labels = np.asarray(y).reshape(len(X), -1)
    labels = labels[:, 0] if labels.shape[1] == 1 else labels.argmax(axis=1)
    n = int(max(classes.max(), labels.max())) + 1
    ax.contourf(gx, gy, classes.reshape(gx.shape), levels=np.arange(n + 1) - 0.5,
                cmap="tab10", vmin=0, vmax=9, alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=labels, cmap="tab10", vmin=0, vmax=9, s=14,
               edgecolors="k", linewidths=0.4)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return ax


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
