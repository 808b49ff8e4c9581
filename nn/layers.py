"""Layers: `Linear`, `MLP`, `Sequential`, activations and `Dropout`."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from autograd_core import Value, get_default_dtype, ops
from autograd_core.checks import positive_int, real_array, real_number

from .data import RngLike, as_rng
from .module import Module

__all__ = ["Linear", "MLP", "Sequential", "ReLU", "Tanh", "Sigmoid", "Dropout"]


def _as_input(x: Any, dtype: np.dtype, layer: str) -> Any:
    """Inputs that are not Values (or arrays of the layer's dtype) become constant
    Values of the layer's dtype; data that is not real numbers raises `TypeError`."""
    if isinstance(x, Value) or (isinstance(x, np.ndarray) and x.dtype == dtype):
        return x
    return Value(real_array(f"{layer}: input", x), requires_grad=False, dtype=dtype)


def _as_value(x: Any, layer: str) -> Value:
    """Activations need a Value: other inputs become constant Values (real numbers only)."""
    if isinstance(x, Value):
        return x
    return Value(real_array(f"{layer}: input", x), requires_grad=False)


def _check_width(name: str, value: Any) -> int:
    """A layer width: a positive int (``TypeError`` for a non-int, as a wrong type)."""
    return positive_int(name, value, type_error=TypeError)


class Linear(Module):
    """A fully connected layer computing ``x @ weight + bias``.

    ``weight`` has shape ``(in_features, out_features)`` and ``bias`` shape
    ``(out_features,)``; both start uniform in ``[-1/sqrt(in_features),
    1/sqrt(in_features)]``, as in PyTorch. ``rng`` is an int seed or a
    ``numpy.random.Generator`` (the same seed gives the same weights);
    ``dtype`` defaults to ``autograd_core.get_default_dtype()``. Inputs that
    are not Values (arrays, lists) are converted to this dtype.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 rng: RngLike = None, dtype: Any = None) -> None:
        self.in_features = _check_width("in_features", in_features)
        self.out_features = _check_width("out_features", out_features)
        gen = as_rng(rng)
        dt = np.dtype(get_default_dtype() if dtype is None else dtype)
        bound = 1.0 / math.sqrt(self.in_features)
        w = gen.uniform(-bound, bound, size=(self.in_features, self.out_features))
        self.weight = Value(w.astype(dt), dtype=dt, label="weight")
        if bias:
            b = gen.uniform(-bound, bound, size=(self.out_features,))
            self.bias: Value | None = Value(b.astype(dt), dtype=dt, label="bias")
        else:
            self.bias = None

    def forward(self, x: Any) -> Value:
        """Apply the layer to a batch ``x`` of shape ``(..., in_features)``."""
        x = _as_input(x, self.weight.dtype, "Linear")
        return x @ self.weight if self.bias is None else ops.linear(x, self.weight, self.bias)

    def __repr__(self) -> str:
        extra = "" if self.bias is not None else ", bias=False"
        return f"Linear({self.in_features}\u2192{self.out_features}{extra})"


class ReLU(Module):
    """Elementwise ``max(x, 0)``."""

    def forward(self, x: Any) -> Value:
        """Apply the activation."""
        return _as_value(x, "ReLU").relu()


class Tanh(Module):
    """Elementwise hyperbolic tangent."""

    def forward(self, x: Any) -> Value:
        """Apply the activation."""
        return _as_value(x, "Tanh").tanh()


class Sigmoid(Module):
    """Elementwise logistic sigmoid ``1 / (1 + exp(-x))``."""

    def forward(self, x: Any) -> Value:
        """Apply the activation."""
        return _as_value(x, "Sigmoid").sigmoid()


class Dropout(Module):
    """Inverted dropout: in training mode each element is zeroed with
    probability ``p`` and the survivors are scaled by ``1 / (1 - p)``; in
    evaluation mode (``module.eval()``) it is the identity. ``rng`` seeds the
    masks (an int or a ``numpy.random.Generator``)."""

    def __init__(self, p: float = 0.5, rng: RngLike = None) -> None:
        self.p = real_number("Dropout probability p", p, 0.0, 1.0)
        self.rng = as_rng(rng)

    def forward(self, x: Any) -> Value:
        """Apply dropout (identity in evaluation mode or when ``p == 0``)."""
        x = _as_value(x, "Dropout")
        if not self.training or self.p == 0.0:
            return x
        keep = self.rng.random(x.shape) >= self.p
        return x * (keep * (1.0 / (1.0 - self.p))).astype(x.dtype)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class Sequential(Module):
    """Modules applied one after the other; parameters are named by position
    (``0.weight``, ``2.bias``, ...). Supports ``len``, indexing and iteration."""

    def __init__(self, *modules: Module) -> None:
        if len(modules) == 1 and isinstance(modules[0], (list, tuple)):
            modules = tuple(modules[0])
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential: item {i} is a {type(m).__name__}, not a Module")
        self._modules = list(modules)

    def _members(self) -> Iterator[tuple[str, Any]]:
        for i, m in enumerate(self._modules):
            yield str(i), m

    def forward(self, x: Any) -> Any:
        """Feed ``x`` through every module in order."""
        for m in self._modules:
            x = m(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int) -> Module:
        return self._modules[i]

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    def __repr__(self) -> str:
        return f"Sequential({', '.join(repr(m) for m in self._modules)})"


_ACTIVATIONS: dict[Any, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "identity": None,
    None: None,
}


def _activation(name: Any, what: str) -> Callable[[Value], Value] | None:
    try:
        return _ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"MLP: unknown {what} {name!r}; choose one of "
                         f"'relu', 'tanh', 'sigmoid', 'identity' or None") from None


class MLP(Module):
    """A multilayer perceptron: `Linear` layers of widths ``nin -> nouts[0] ->
    ... -> nouts[-1]``, with ``activation`` after every layer but the last and
    ``output_activation`` after the last (``None`` or ``"identity"`` for none).

    Activations are ``"relu"``, ``"tanh"``, ``"sigmoid"`` or ``"identity"``.
    The layers draw their weights one after the other from a single generator
    made from ``rng``, so the same seed gives the same network. Parameters are
    named ``layers.0.weight``, ``layers.0.bias``, ``layers.1.weight``, ...
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | None = "relu",
                 output_activation: str | None = None, rng: RngLike = None,
                 dtype: Any = None) -> None:
        if isinstance(nouts, numbers.Integral):
            nouts = [nouts]
        widths = [_check_width("nin", nin)]
        widths += [_check_width(f"nouts[{i}]", n) for i, n in enumerate(nouts)]
        if len(widths) < 2:
            raise ValueError("MLP: nouts must list at least one layer width")
        self.activation = activation
        self.output_activation = output_activation
        self._act = _activation(activation, "activation")
        self._out_act = _activation(output_activation, "output_activation")
        gen = as_rng(rng)
        self.layers = [Linear(a, b, rng=gen, dtype=dtype)
                       for a, b in zip(widths[:-1], widths[1:])]

    def forward(self, x: Any) -> Value:
        """Apply the network to a batch ``x`` of shape ``(N, nin)``."""
        x = _as_input(x, self.layers[0].weight.dtype, "MLP")
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            act = self._act if i < last else self._out_act
            if act is not None:
                x = act(x)
        return x

    def __repr__(self) -> str:
        widths = [self.layers[0].in_features] + [layer.out_features for layer in self.layers]
        return f"MLP({'→'.join(str(w) for w in widths)})"
