"""Layers: `Linear`, `MLP` and `Sequential`.

The activations (`ReLU`, `Tanh`, `Sigmoid`, ...) are in `nn.activations` and
`Dropout` in `nn.dropout`; the names stay importable from here.
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from autograd_core import Value, get_default_dtype, ops

from .activations import ReLU, Sigmoid, Tanh
from .data import RngLike, as_rng
from .dropout import Dropout, dropout
from .inputs import as_input, as_value, check_width
from .module import Module

__all__ = ["Linear", "MLP", "Sequential", "ReLU", "Tanh", "Sigmoid", "Dropout", "dropout",
           "LINEAR_WEIGHTS"]

# The helpers by their former names, for code that imports them from here.
_as_input, _as_value, _check_width = as_input, as_value, check_width

LINEAR_WEIGHTS: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
"""The weights made by `Linear` by `id`, of layout `(in_features, out_features)`:
`nn.init` computes their fans as PyTorch does for its `(out_features, in_features)`
weight. (By `id`: a WeakSet would compare Values with `==`, which is elementwise.)"""


class Linear(Module):
    """A fully connected layer computing `x @ weight + bias`.

    `weight` has shape `(in_features, out_features)` and `bias` shape
    `(out_features,)`; both start uniform in `[-1/sqrt(in_features),
    1/sqrt(in_features)]`, as in PyTorch.

    Args:
        in_features: the size of each input row (a positive int).
        out_features: the size of each output row (a positive int).
        bias: whether the layer has a bias.
        rng: an int seed or a `numpy.random.Generator` for the initial
            weights (the same seed gives the same weights); None for fresh
            entropy.
        dtype: the parameters' dtype; None for `autograd_core.get_default_dtype()`.

    Raises:
        TypeError: a width that is not an int (a float, a bool, ...), or an
            `rng` of another kind.
        ValueError: a width below 1, or a negative seed.

    Examples:
        >>> import numpy as np
        >>> import nn
        >>> layer = nn.Linear(2, 3, rng=0)
        >>> layer.weight.shape, layer.bias.shape
        ((2, 3), (3,))
        >>> layer(np.ones((4, 2))).shape
        (4, 3)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 rng: RngLike = None, dtype: Any = None) -> None:
        self.in_features = _check_width("in_features", in_features)
        """The size of each input row."""
        self.out_features = _check_width("out_features", out_features)
        """The size of each output row."""
        gen = as_rng(rng)
        dt = np.dtype(get_default_dtype() if dtype is None else dtype)
        bound = 1.0 / math.sqrt(self.in_features)
        w = gen.uniform(-bound, bound, size=(self.in_features, self.out_features))
        self.weight = Value(w.astype(dt), dtype=dt, label="weight")
        """The weight, of shape `(in_features, out_features)`: a parameter."""
        LINEAR_WEIGHTS[id(self.weight)] = self.weight  # nn.init reads its fans in Linear's (in, out) layout
        if bias:
            b = gen.uniform(-bound, bound, size=(self.out_features,))
            self.bias: Value | None = Value(b.astype(dt), dtype=dt, label="bias")
            """The bias, of shape `(out_features,)`: a parameter (None without one)."""
        else:
            self.bias = None

    def forward(self, x: Any) -> Value:
        """Apply the layer to `x`, of shape `(..., in_features)`.

        Args:
            x: a Value, or real numbers (an array or nested lists), made a
                constant Value of the layer's dtype.

        Returns:
            A new Value of shape `(..., out_features)`.

        Raises:
            TypeError: `x` is not real numbers (naming the layer).
            ValueError: the last axis of `x` is not `in_features` long.
        """
        x = _as_input(x, self.weight.dtype, "Linear")
        return x @ self.weight if self.bias is None else ops.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        extra = "" if self.bias is not None else ", bias=False"
        return f"{self.in_features}\u2192{self.out_features}{extra}"

class Sequential(Module):
    """Modules applied one after the other.

    Parameters are named by position (`0.weight`, `2.bias`, ...). Supports
    `len`, indexing and iteration.

    Args:
        *modules: the modules, in order (or one list or tuple of them).

    Raises:
        TypeError: an item is not a Module.

    Examples:
        >>> import nn
        >>> model = nn.Sequential(nn.Linear(2, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
        >>> [name for name, _ in model.named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
    """

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
        """Feed `x` through every module in order.

        Args:
            x: the input of the first module.

        Returns:
            The output of the last module (`x` itself for an empty Sequential).
        """
        for m in self._modules:
            x = m(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int) -> Module:
        return self._modules[i]

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)



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
    """A multilayer perceptron: `Linear` layers of widths `nin -> nouts[0] -> ... -> nouts[-1]`.

    `activation` follows every layer but the last, `output_activation` the
    last. The layers draw their weights one after the other from a single
    generator made from `rng`, so the same seed gives the same network.
    Parameters are named `layers.0.weight`, `layers.0.bias`,
    `layers.1.weight`, ...

    Args:
        nin: the size of each input row.
        nouts: the layers' widths, the last one the output's (an int for a
            single layer).
        activation: `"relu"`, `"tanh"`, `"sigmoid"`, or `"identity"` or None
            for none.
        output_activation: the same choices, for the output.
        rng: an int seed or a `numpy.random.Generator`; None for fresh entropy.
        dtype: the parameters' dtype; None for the default dtype.

    Raises:
        TypeError: a width that is not an int.
        ValueError: a width below 1, no layer width, or an unknown activation.

    Examples:
        >>> import numpy as np
        >>> import nn
        >>> model = nn.MLP(2, [4, 1], output_activation="sigmoid", rng=0)
        >>> model
        MLP(
          2→4→1
          (layers.0): Linear(2→4)
          (layers.1): Linear(4→1)
        )
        >>> model(np.ones((3, 2))).shape
        (3, 1)
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
        """The hidden layers' activation, by name (or None)."""
        self.output_activation = output_activation
        """The output's activation, by name (or None)."""
        self._act = _activation(activation, "activation")
        self._out_act = _activation(output_activation, "output_activation")
        gen = as_rng(rng)
        self.layers = [Linear(a, b, rng=gen, dtype=dtype)
                       for a, b in zip(widths[:-1], widths[1:])]
        """The `Linear` layers, in order."""

    def forward(self, x: Any) -> Value:
        """Apply the network to a batch `x` of shape `(N, nin)`.

        Args:
            x: a Value, or real numbers made a constant Value of the
                parameters' dtype.

        Returns:
            A new Value of shape `(N, nouts[-1])`.

        Raises:
            TypeError: `x` is not real numbers (naming the MLP).
            ValueError: the rows of `x` are not `nin` long.
        """
        x = _as_input(x, self.layers[0].weight.dtype, "MLP")
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            act = self._act if i < last else self._out_act
            if act is not None:
                x = act(x)
        return x

    def extra_repr(self) -> str:
        widths = [self.layers[0].in_features] + [layer.out_features for layer in self.layers]
        return "→".join(str(w) for w in widths)
