"""`Diagnostics`: per-layer health statistics of a training run, epoch by epoch.

The numbers of the well-known lecture on activations and gradients: how the
activations and the weight gradients of each layer are spread, how large each
update is next to the weights it changes, how many ReLUs have died and how
many tanh or sigmoid units are saturated. This module is the callback and its
pictures; what is measured of each layer, and how it accumulates, is in
`nn.layer_stats`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Value, is_grad_enabled

from . import hooks
from .layer_stats import (ACTIVATION_NAMES, SATURATED, LayerStats, activations_after,
                          layers_with_parameters, sigmoid)

__all__ = ["Diagnostics"]

STATS = ("act_mean", "act_std", "grad_mean", "grad_std", "update_ratio", "dead_fraction",
         "saturation")
"""The names of the statistics `Diagnostics` records for each layer."""


class Diagnostics:
    """Record, per layer with parameters and per epoch, the numbers that tell a healthy run.

    Pass it to `fit` (`callbacks=[diag]`); afterwards `diag.history[name][stat]`
    holds one value per epoch, for each layer that holds parameters of its
    own (`Linear`, `Conv2d`, `Embedding`, `BatchNorm1d`, ..., or a module of
    the user's; named as in `named_parameters`, `layers.0`) and each stat:

    - `act_mean`, `act_std`: mean and standard deviation of the layer's
      activations, taken after the activation function that follows the layer
      (an MLP's `activation`, or the ReLU, Tanh or Sigmoid module after it in
      a Sequential; the layer's own output where none follows), over every
      training input of the epoch;
    - `grad_mean`, `grad_std`: the same for the gradient of the layer's
      weight (its `weight`, else its first parameter), over every step of
      the epoch (as the optimizer used it, after clipping);
    - `update_ratio`: std of the update (the weight after a step minus before
      it) over std of the weight, averaged over the epoch's steps; around 1e-3
      is the lecture's rule of thumb;
    - `dead_fraction`: the fraction of the layer's units (its output's last
      axis, or its channels for a channels-first layer) whose activation was
      zero for every training input of the epoch (dead ReLUs);
    - `saturation`: the fraction of the epoch's tanh or sigmoid activations
      in the flat tails, where the derivative is below 6% of its peak
      (`|tanh| > 0.97`, the lecture's threshold; a sigmoid below 0.015 or
      above 0.985); NaN for other activations.

    Activations are recorded by forward hooks (`nn.hooks`) while `fit` runs,
    removed when it ends: they live in a registry beside the model, not on
    it, so a copy of the model made during the run (`copy.deepcopy`, pickle)
    carries none and computes with its own weights. Evaluation passes
    (validation) are not counted, and a run without Diagnostics pays
    nothing. `activations` and
    `gradients` keep the last training batch's arrays, for the histograms of
    `plot`. Used for several runs, the lists go on.

    Examples:
        >>> import nn, optim
        >>> X, y = nn.datasets.xor()
        >>> model = nn.MLP(2, [4, 1], rng=0)
        >>> diag = nn.callbacks.Diagnostics()
        >>> history = nn.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1),
        ...                  X, y, epochs=3, progress=False, callbacks=[diag])
        >>> sorted(diag.history), len(diag.history["layers.0"]["dead_fraction"])
        (['layers.0', 'layers.1'], 3)
    """

    def __init__(self) -> None:
        self.history: dict[str, dict[str, list[float]]] = {}
        """Layer name -> stat name -> one value per epoch."""
        self.activations: dict[str, np.ndarray] = {}
        """Layer name -> the last training batch's activations."""
        self.gradients: dict[str, np.ndarray] = {}
        """Layer name -> the last step's weight gradient."""
        self.activation_names: dict[str, str] = {}
        """Layer name -> the activation that follows it (`"relu"`, ..., `"no activation"`).
        """
        self._layers: dict[str, LayerStats] = {}

    def on_train_begin(self, model: Any, X: Any = None, y: Any = None) -> None:
        """Start recording: a forward hook on each layer with parameters.

        Args:
            model: the model being trained.
            X: the training inputs (not used).
            y: the training targets (not used).
        """
        self.on_train_end()
        after = activations_after(model)
        for name, layer in layers_with_parameters(model):
            state = LayerStats(layer, after.get(id(layer)))
            self._layers[name] = state
            self.history.setdefault(name, {stat: [] for stat in STATS})
            self.history[name].setdefault("saturation", [])
            self.activation_names[name] = ACTIVATION_NAMES[state.activation]
            state.handle = hooks.register_forward_hook(layer, self._recording(name, state))

    def _recording(self, name: str, state: LayerStats) -> Callable:
        def record(layer: Any, args: tuple, out: Any) -> None:
            if layer.training and is_grad_enabled() and isinstance(out, Value):
                self.activations[name] = state.record(np.asarray(out.data))
        return record

    def on_batch_end(self, step: int, loss: float, model: Any) -> None:
        """Take the weight gradients and the updates of the step just made.

        Args:
            step: the step's number (not used).
            loss: the batch's loss (not used).
            model: the model being trained.
        """
        for name, state in self._layers.items():
            g = state.step()
            if g is not None:
                self.gradients[name] = g

    def on_epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Close the epoch: append one value per stat and layer.

        Args:
            epoch: the epoch just finished (not used).
            history: the `History` so far (not used).
            model: the model being trained.
        """
        for name, state in self._layers.items():
            stats = self.history[name]
            for stat, value in state.epoch().items():
                stats[stat].append(value)
            state.reset()

    def on_train_end(self, history: Any = None, model: Any = None) -> None:
        """Stop recording: remove the hooks, leaving the model as it was.

        Args:
            history: the `History` of the run (not used).
            model: the model trained (not used).
        """
        for state in self._layers.values():
            if state.handle is not None:
                state.handle.remove()
        self._layers = {}

    def plot(self) -> Any:
        """Draw the lecture's pictures with matplotlib.

        Histograms of the last batch's hidden activations (of a ReLU layer, its
        nonzero values; the share of zeros is in the legend; of a tanh or
        sigmoid layer, the share saturated) and weight gradients per layer,
        and per epoch the update-to-weight ratios (log scale, with the 1e-3
        guide), the dead fractions (ReLU) and the saturated fractions (tanh,
        sigmoid).

        Returns:
            The Figure (made with pyplot, so a notebook shows it).
        """
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(2, 2, figsize=(11, 7), layout="constrained")
        hidden = {n: a for n, a in self.activations.items()
                  if self.activation_names.get(n) != "no activation"} or self.activations
        for name, a in hidden.items():
            a = a.ravel()
            label = (f"{name} ({self.activation_names.get(name, '')}): mean {a.mean():+.2f}, "
                     f"std {a.std():.2g}")
            kind = self.activation_names.get(name)
            if kind == "relu":
                label += f", zero {np.mean(a == 0):.0%}"
                a = a[a != 0]
            elif kind in ("tanh", "sigmoid"):
                fn = np.tanh if kind == "tanh" else sigmoid
                label += f", saturated {np.mean(SATURATED[fn](a)):.0%}"
            axes[0, 0].hist(a, bins=50, histtype="step", density=True, label=label)
        for name, g in self.gradients.items():
            g = g.ravel()
            axes[0, 1].hist(g, bins=50, histtype="step", density=True,
                            label=f"{name}: mean {g.mean():+.1e}, std {g.std():.2g}")
        axes[0, 0].set_title("activations of the hidden layers (last batch)")
        axes[0, 1].set_title("weight gradients (last batch)")
        axes[1, 0].axhline(1e-3, color="grey", linestyle=":", label="1e-3")
        for ax, stat, title in ((axes[1, 0], "update_ratio", "update / weight (std ratio)"),
                                (axes[1, 1], "dead_fraction",
                                 "dead (ReLU) and saturated (tanh, sigmoid) fractions")):
            for name, stats in self.history.items():
                values = stats[stat]
                label = name
                if stat == "dead_fraction" and self.activation_names.get(name) in ("tanh",
                                                                                   "sigmoid"):
                    values, label = stats.get("saturation", values), f"{name} (saturated)"
                ax.plot(np.arange(1, len(values) + 1), values, label=label)
            ax.set_title(title)
            ax.set_xlabel("epoch")
        axes[1, 0].set_yscale("log")
        axes[1, 1].set_ylim(-0.02, 1.02)
        for ax in axes.ravel():
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8)
        return fig
