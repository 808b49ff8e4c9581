"""`Diagnostics`: per-layer health statistics of a training run, epoch by epoch.

The numbers of the well-known lecture on activations and gradients: how the
activations and the weight gradients of each layer are spread, how large each
update is next to the weights it changes, how many ReLUs have died and how
many tanh or sigmoid units are saturated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Value, is_grad_enabled

from . import hooks
from .layers import MLP, ReLU, Sequential, Sigmoid, Tanh
from .module import Module

__all__ = ["Diagnostics"]

STATS = ("act_mean", "act_std", "grad_mean", "grad_std", "update_ratio", "dead_fraction",
         "saturation")
"""The names of the statistics `Diagnostics` records for each layer."""


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


_BY_NAME: dict[Any, Callable | None] = {"relu": _relu, "tanh": np.tanh, "sigmoid": _sigmoid,
                                        "identity": None, None: None}
_BY_MODULE: dict[type, Callable] = {ReLU: _relu, Tanh: np.tanh, Sigmoid: _sigmoid}
_NAMES = {_relu: "relu", np.tanh: "tanh", _sigmoid: "sigmoid", None: "no activation"}
# Where a unit counts as saturated: its activation's derivative is below 6% of its
# peak (for tanh, |tanh| > 0.97, the lecture's threshold).
_SATURATED: dict[Callable, Callable[[np.ndarray], np.ndarray]] = {
    np.tanh: lambda a: 1.0 - a * a < 0.06,
    _sigmoid: lambda a: 4.0 * a * (1.0 - a) < 0.06,
}


def _activations(model: Any) -> dict[int, Callable | None]:
    """The activation applied to each layer's output, by id of the layer: an
    MLP's `activation`/`output_activation`, or the ReLU, Tanh or Sigmoid module
    that follows the layer in a Sequential."""
    found: dict[int, Callable | None] = {}
    for m in model.modules():
        if isinstance(m, MLP):
            last = len(m.layers) - 1
            for i, layer in enumerate(m.layers):
                found[id(layer)] = _BY_NAME.get(m.activation if i < last else m.output_activation)
        elif isinstance(m, Sequential):
            items = list(m)
            for layer, after in zip(items, items[1:]):
                if type(after) in _BY_MODULE:
                    found[id(layer)] = _BY_MODULE[type(after)]
    return found


def layers_with_parameters(model: Any) -> list[tuple[str, Module]]:
    """The modules that hold parameters of their own, with their names, in
    `named_parameters` order.

    A layer's name is the path of its first parameter less the parameter's
    own name (`layers.0` for `layers.0.weight`); parameters held by the model
    itself are under the model's class name, lower-cased.

    Args:
        model: the model.

    Returns:
        `(name, layer)` pairs.
    """
    owners = {}
    for m in model.modules():
        for attr, obj in m._members():
            if isinstance(obj, Value):
                owners.setdefault(id(obj), (m, attr))
    found, seen = [], set()
    for name, p in model.named_parameters():
        m, attr = owners[id(p)]
        if id(m) not in seen:
            seen.add(id(m))
            prefix = name[: len(name) - len(attr)].rstrip(".")
            found.append((prefix or type(m).__name__.lower(), m))
    return found


def _weight(layer: Module) -> Value:
    """The parameter whose gradient and updates are recorded: `weight`, else the first."""
    weight = getattr(layer, "weight", None)
    if isinstance(weight, Value):
        return weight
    return next(obj for _, obj in layer._members() if isinstance(obj, Value))


def _unit_axis(layer: Module, a: np.ndarray) -> int:
    """The axis of a layer's output that runs over its units: the channels of a
    channels-first layer (`(N, C, ...)`), else the last."""
    channels_first = hasattr(layer, "out_channels") or hasattr(layer, "num_features")
    return 1 if channels_first and a.ndim > 2 else -1


class _Moments:
    """Count, mean and sum of squared deviations of the numbers seen so far,
    merged batch by batch (Chan et al.), so no batch has to be kept."""

    def __init__(self) -> None:
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, a: np.ndarray) -> None:
        if a.size == 0:
            return
        mean = float(a.mean(dtype=np.float64))
        m2 = float(np.square(a - mean, dtype=np.float64).sum())
        n = self.n + a.size
        delta = mean - self.mean
        self.mean += delta * a.size / n
        self.m2 += m2 + delta * delta * self.n * a.size / n
        self.n = n

    def std(self) -> float:
        return math.sqrt(self.m2 / self.n) if self.n else math.nan


class _Layer:
    """What one layer accumulates during an epoch."""

    def __init__(self, layer: Module, activation: Callable | None) -> None:
        self.layer, self.activation = layer, activation
        self.weight = _weight(layer)
        self.previous = self.weight.data.copy()
        self.handle: hooks.Handle | None = None
        self.reset()

    def reset(self) -> None:
        self.acts, self.grads = _Moments(), _Moments()
        self.ratios: list[float] = []
        self.alive: np.ndarray | None = None
        self.saturated, self.seen = 0, 0

    def record(self, z: np.ndarray) -> np.ndarray:
        a = z if self.activation is None else self.activation(z)
        self.acts.add(a)
        if a.ndim:
            units = np.moveaxis(a != 0, _unit_axis(self.layer, a), -1)
            alive = units.reshape(-1, units.shape[-1]).any(axis=0)
            if self.alive is None or self.alive.shape != alive.shape:
                self.alive = alive
            else:
                self.alive |= alive
        saturated = _SATURATED.get(self.activation)
        if saturated is not None:
            self.saturated += int(np.count_nonzero(saturated(a)))
            self.seen += a.size
        return a


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
        self._layers: dict[str, _Layer] = {}

    def on_train_begin(self, model: Any, X: Any = None, y: Any = None) -> None:
        """Start recording: a forward hook on each layer with parameters.

        Args:
            model: the model being trained.
            X: the training inputs (not used).
            y: the training targets (not used).
        """
        self.on_train_end()
        after = _activations(model)
        for name, layer in layers_with_parameters(model):
            state = _Layer(layer, after.get(id(layer)))
            self._layers[name] = state
            self.history.setdefault(name, {stat: [] for stat in STATS})
            self.history[name].setdefault("saturation", [])
            self.activation_names[name] = _NAMES[state.activation]
            state.handle = hooks.register_forward_hook(layer, self._recording(name, state))

    def _recording(self, name: str, state: _Layer) -> Callable:
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
            weight = state.weight
            if weight.grad is not None:
                g = np.asarray(getattr(weight.grad, "data", weight.grad))
                state.grads.add(g)
                self.gradients[name] = g
            w = weight.data
            spread = float(w.std())
            update = float((w - state.previous).std())
            state.ratios.append(update / spread if spread > 0 else math.nan)
            state.previous = w.copy()

    def on_epoch_end(self, epoch: int, history: Any, model: Any) -> None:
        """Close the epoch: append one value per stat and layer.

        Args:
            epoch: the epoch just finished (not used).
            history: the `History` so far (not used).
            model: the model being trained.
        """
        for name, state in self._layers.items():
            stats = self.history[name]
            stats["act_mean"].append(state.acts.mean if state.acts.n else math.nan)
            stats["act_std"].append(state.acts.std())
            stats["grad_mean"].append(state.grads.mean if state.grads.n else math.nan)
            stats["grad_std"].append(state.grads.std())
            stats["update_ratio"].append(float(np.mean(state.ratios)) if state.ratios
                                         else math.nan)
            stats["dead_fraction"].append(math.nan if state.alive is None
                                          else 1.0 - float(state.alive.mean()))
            stats["saturation"].append(state.saturated / state.seen if state.seen
                                       else math.nan)
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
                fn = np.tanh if kind == "tanh" else _sigmoid
                label += f", saturated {np.mean(_SATURATED[fn](a)):.0%}"
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
