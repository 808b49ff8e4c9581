"""The layers the bridge maps one to one, each to the `torch.nn` layer of the same name.

One entry per layer in each direction: `TO_TORCH[our class](carrier, module)`
returns the torch module, and `FROM_TORCH["TorchName"](carrier, torch_module)`
returns ours. A carrier (`nn.bridge`) gives each function `carrier(child)`
for submodules and `carrier.parameter(...)` / `carrier.value(...)` for
parameters, so that a parameter used in several places stays one parameter
on the other side. Adding a layer to the bridge is adding its two entries.

Our `Linear` keeps its weight as `(in, out)` and PyTorch's as `(out, in)`:
that weight (and the optimizer state that belongs to it) is transposed on the
way. Every other weight has PyTorch's layout here already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .layers import MLP, Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module

__all__ = ["TO_TORCH", "FROM_TORCH", "ACTIVATIONS"]

ACTIVATIONS: dict[str, type] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
"""The activations an `MLP` names, by name."""


def _new(tnn: Any, cls: str, *args: Any, **kwargs: Any) -> Any:
    """A torch layer made without drawing its initial weights (on the meta device):
    the torch RNG is left alone, and the weights are set from ours next."""
    return getattr(tnn, cls)(*args, device="meta", **kwargs)


def _linear_to(c: Any, m: Linear) -> Any:
    t = _new(c.torch.nn, "Linear", m.in_features, m.out_features, bias=m.bias is not None)
    t.weight = c.parameter(m.weight, transposed=True)
    if m.bias is not None:
        t.bias = c.parameter(m.bias)
    return t


def _mlp_to(c: Any, m: MLP) -> Any:
    """An MLP becomes a torch Sequential of its layers with its activations between."""
    out, last = [], len(m.layers) - 1
    for i, layer in enumerate(m.layers):
        out.append(c(layer))
        act = ACTIVATIONS.get(m.activation if i < last else m.output_activation)
        if act is not None:
            out.append(getattr(c.torch.nn, act.__name__)())
            out[-1].training = m.training
    return c.torch.nn.Sequential(*out)


def _linear_from(c: Any, t: Any) -> Linear:
    m = Linear(t.in_features, t.out_features, bias=t.bias is not None, rng=0,
               dtype=c.dtype_of(t.weight))
    m.weight = c.value(t.weight, m.weight, transposed=True)
    if t.bias is not None:
        m.bias = c.value(t.bias, m.bias)
    return m


TO_TORCH: dict[type, Callable[[Any, Any], Any]] = {
    Linear: _linear_to,
    MLP: _mlp_to,
    Sequential: lambda c, m: c.torch.nn.Sequential(*(c(child) for child in m)),
    ReLU: lambda c, m: c.torch.nn.ReLU(),
    Tanh: lambda c, m: c.torch.nn.Tanh(),
    Sigmoid: lambda c, m: c.torch.nn.Sigmoid(),
    Dropout: lambda c, m: c.torch.nn.Dropout(m.p),
}
"""Our layer class (exactly: a subclass may compute something else) -> its torch module."""

FROM_TORCH: dict[str, Callable[[Any, Any], Module]] = {
    "Linear": _linear_from,
    "Sequential": lambda c, t: Sequential(*(c(child) for child in t)),
    "ReLU": lambda c, t: ReLU(),
    "Tanh": lambda c, t: Tanh(),
    "Sigmoid": lambda c, t: Sigmoid(),
    "Dropout": lambda c, t: Dropout(t.p),
}
"""The name of a `torch.nn` class -> our module for one of its instances."""
