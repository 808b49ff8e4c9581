"""What `Diagnostics` measures of one layer: which layers, after which activation,
and the statistics each accumulates over an epoch.

A layer is a module that holds parameters of its own; the activation that
follows it is an MLP's `activation`/`output_activation`, or the ReLU, Tanh or
Sigmoid module after it in a Sequential. `LayerStats` gathers, batch by
batch and without keeping any batch, the moments of its activations and of
its weight's gradient, the update ratios, which units were ever alive and how
many activations were saturated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Value

from . import hooks
from .layers import MLP, ReLU, Sequential, Sigmoid, Tanh
from .module import Module

__all__ = ["ACTIVATION_NAMES", "SATURATED", "LayerStats", "Moments", "activations_after",
           "layers_with_parameters", "sigmoid"]


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic sigmoid of an array, `1 / (1 + exp(-z))`, without overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


_BY_NAME: dict[Any, Callable | None] = {"relu": _relu, "tanh": np.tanh, "sigmoid": sigmoid,
                                        "identity": None, None: None}
_BY_MODULE: dict[type, Callable] = {ReLU: _relu, Tanh: np.tanh, Sigmoid: sigmoid}

ACTIVATION_NAMES: dict[Callable | None, str] = {_relu: "relu", np.tanh: "tanh",
                                                sigmoid: "sigmoid", None: "no activation"}
"""The name shown for each activation function (None: the layer's own output)."""

SATURATED: dict[Callable, Callable[[np.ndarray], np.ndarray]] = {
    np.tanh: lambda a: 1.0 - a * a < 0.06,
    sigmoid: lambda a: 4.0 * a * (1.0 - a) < 0.06,
}
"""Activation function -> whether each of its outputs is saturated: the derivative
below 6% of its peak (for tanh, `|tanh| > 0.97`, the lecture's threshold)."""


def activations_after(model: Any) -> dict[int, Callable | None]:
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


class Moments:
    """Count, mean and sum of squared deviations of the numbers seen so far,
    merged batch by batch (Chan et al.), so no batch has to be kept."""

    def __init__(self) -> None:
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, a: np.ndarray) -> None:
        """Merge the numbers of `a` into the moments."""
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
        """The (population) standard deviation so far; NaN before any number."""
        return math.sqrt(self.m2 / self.n) if self.n else math.nan


class LayerStats:
    """What one layer accumulates during an epoch."""

    def __init__(self, layer: Module, activation: Callable | None) -> None:
        self.layer, self.activation = layer, activation
        self.weight = _weight(layer)
        self.previous = self.weight.data.copy()
        self.handle: hooks.Handle | None = None
        self.reset()

    def reset(self) -> None:
        """Start a new epoch: forget everything accumulated."""
        self.acts, self.grads = Moments(), Moments()
        self.ratios: list[float] = []
        self.alive: np.ndarray | None = None
        self.saturated, self.seen = 0, 0

    def record(self, z: np.ndarray) -> np.ndarray:
        """Take one training batch's output `z` of the layer; return its activations."""
        a = z if self.activation is None else self.activation(z)
        self.acts.add(a)
        if a.ndim:
            units = np.moveaxis(a != 0, _unit_axis(self.layer, a), -1)
            alive = units.reshape(-1, units.shape[-1]).any(axis=0)
            if self.alive is None or self.alive.shape != alive.shape:
                self.alive = alive
            else:
                self.alive |= alive
        saturated = SATURATED.get(self.activation)
        if saturated is not None:
            self.saturated += int(np.count_nonzero(saturated(a)))
            self.seen += a.size
        return a

    def step(self) -> np.ndarray | None:
        """Take the weight's gradient and the update of the step just made; return
        the gradient (None if the weight has none)."""
        weight = self.weight
        g = None
        if weight.grad is not None:
            g = np.asarray(getattr(weight.grad, "data", weight.grad))
            self.grads.add(g)
        w = weight.data
        spread = float(w.std())
        update = float((w - self.previous).std())
        self.ratios.append(update / spread if spread > 0 else math.nan)
        self.previous = w.copy()
        return g

    def epoch(self) -> dict[str, float]:
        """The epoch's value of each statistic (NaN where nothing was seen)."""
        return {
            "act_mean": self.acts.mean if self.acts.n else math.nan,
            "act_std": self.acts.std(),
            "grad_mean": self.grads.mean if self.grads.n else math.nan,
            "grad_std": self.grads.std(),
            "update_ratio": float(np.mean(self.ratios)) if self.ratios else math.nan,
            "dead_fraction": (math.nan if self.alive is None
                              else 1.0 - float(self.alive.mean())),
            "saturation": self.saturated / self.seen if self.seen else math.nan,
        }
