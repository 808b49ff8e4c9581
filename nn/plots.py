"""Pictures of a classifier: the class it predicts for each point of the input plane."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import enable_grad, no_grad

__all__ = ["predict_classes", "plot_decision_boundary"]


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
