"""The pictures `autograd-core train` writes: the loss curves and, for 2-D
inputs, the decision regions with the data on top. Drawn on matplotlib's
`Figure` (no pyplot), so nothing opens a window."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_boundary", "plot_history", "scores"]


def scores(model: Any, points: np.ndarray, binary: bool) -> np.ndarray:
    """P(class 1) for a binary model, else the predicted class, at each point."""
    from autograd_core import no_grad

    model.eval()
    with no_grad():
        out = model(points).data
    model.train()
    if binary:
        return 1.0 / (1.0 + np.exp(-np.clip(out[:, 0], -60, 60)))
    return out.argmax(axis=1).astype(np.float64)


def plot_boundary(path: str, model: Any, train: tuple, val: tuple | None,
                   binary: bool, n_classes: int, title: str) -> None:
    """Save the model's decision regions over the 2-D input plane with the data on top."""
    from matplotlib.figure import Figure

    X_all = train[0] if val is None else np.concatenate([train[0], val[0]])
    lo, hi = X_all.min(axis=0), X_all.max(axis=0)
    pad = 0.15 * np.maximum(hi - lo, 1e-6) + 0.1
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 200)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 200)
    gx, gy = np.meshgrid(xs, ys)
    z = scores(model, np.column_stack([gx.ravel(), gy.ravel()]), binary).reshape(gx.shape)
    fig = Figure(figsize=(5.5, 5))
    ax = fig.subplots()
    cmap = "coolwarm" if binary else "tab10"
    if binary:
        ax.contourf(gx, gy, z, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.35)
        ax.contour(gx, gy, z, levels=[0.5], colors="k", linewidths=1.5)
    else:
        ax.contourf(gx, gy, z, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap,
                    vmin=0, vmax=9, alpha=0.3)
    labels = (lambda y: y.ravel()) if binary else (lambda y: y)
    vmax = 1 if binary else 9
    size = 25 if len(X_all) > 50 else 80
    ax.scatter(train[0][:, 0], train[0][:, 1], c=labels(train[1]), cmap=cmap, vmin=0,
               vmax=vmax, edgecolors="k", linewidths=0.5, s=size, label="train")
    if val is not None:
        ax.scatter(val[0][:, 0], val[0][:, 1], c=labels(val[1]), cmap=cmap, vmin=0,
                   vmax=vmax, marker="^", edgecolors="k", linewidths=0.8, s=1.6 * size,
                   label="validation")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def plot_history(path: str, history: Any, title: str) -> None:
    """Save the run's loss (and accuracy) curves, as `History.plot` draws them."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4.4), layout="constrained")
    ax = fig.subplots()
    history.plot(ax=ax)  # with a dotted line at the best epoch
    ax.set_title(title)
    fig.savefig(path, dpi=100)
