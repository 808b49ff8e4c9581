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

import numpy as np

from .activations import (ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU6, SiLU,
                          Softmax, Softplus, Softsign)
from .containers import Flatten, Identity
from .conv import Conv1d, Conv2d
from .embedding import Embedding
from .layers import MLP, Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module
from .norm import BatchNorm1d, BatchNorm2d, LayerNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

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


# Layers made from their settings, which have the same names in both libraries.
_SETTINGS: dict[type, tuple[str, ...]] = {
    ReLU: (), Tanh: (), Sigmoid: (), SiLU: (), ReLU6: (), Softsign: (), LogSigmoid: (),
    Identity: (), LeakyReLU: ("negative_slope",), ELU: ("alpha",), GELU: ("approximate",),
    Softplus: ("beta", "threshold"), Hardtanh: ("min_val", "max_val"), Softmax: ("dim",),
    LogSoftmax: ("dim",), Flatten: ("start_dim", "end_dim"), Dropout: ("p",),
    MaxPool2d: ("kernel_size", "stride", "padding", "dilation"),
    AvgPool2d: ("kernel_size", "stride", "padding", "count_include_pad"),
    AdaptiveAvgPool2d: ("output_size",),
}
# Layers with parameters (and buffers): the constructor's settings, then the state.
_STATEFUL: dict[type, tuple[str, ...]] = {
    Embedding: ("num_embeddings", "embedding_dim"),
    BatchNorm1d: ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    BatchNorm2d: ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    LayerNorm: ("normalized_shape", "eps", "elementwise_affine"),
    Conv1d: ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
             "groups"),
    Conv2d: ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
             "groups"),
}
# Settings that torch's layers have and ours do not, with the value ours computes.
_TORCH_ONLY: dict[str, dict[str, Any]] = {
    "Embedding": {"padding_idx": None, "max_norm": None, "scale_grad_by_freq": False,
                  "sparse": False},
    "Conv1d": {"padding_mode": "zeros"}, "Conv2d": {"padding_mode": "zeros"},
    "MaxPool2d": {"ceil_mode": False, "return_indices": False},
    "AvgPool2d": {"ceil_mode": False, "divisor_override": None},
}


def _settings(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


def _same_settings(t: Any) -> None:
    """Refuse a torch layer with a setting ours lacks, naming it."""
    for name, value in _TORCH_ONLY.get(type(t).__name__, {}).items():
        if getattr(t, name, value) != value:
            raise TypeError(f"from_torch cannot carry {type(t).__name__} with {name}="
                            f"{getattr(t, name)!r}: nn.{type(t).__name__} computes {name}="
                            f"{value!r} only")


def _stateful_to(c: Any, m: Module) -> Any:
    """A torch layer with our layer's settings, parameters (shared) and buffers (copied)."""
    kind = type(m).__name__
    extra = {"bias": m.bias is not None} if kind.startswith("Conv") else {}
    t = _new(c.torch.nn, kind, **_settings(m, _STATEFUL[type(m)]), **extra)
    for name in ("weight", "bias"):
        value = getattr(m, name, None)
        if value is not None:
            setattr(t, name, c.parameter(value))
    for name in getattr(m, "_buffer_names", ()):
        array = getattr(m, name, None)
        t.register_buffer(name, None if array is None else c.torch.tensor(array))
    return t


def _stateful_from(cls: type) -> Callable[[Any, Any], Module]:
    def make(c: Any, t: Any) -> Module:
        _same_settings(t)
        first = next(iter(t.parameters()), None)
        if first is None:
            first = next(b for b in t.buffers() if b.is_floating_point())
        extra: dict[str, Any] = {"bias": t.bias is not None} if cls in (Conv1d, Conv2d) else {}
        if cls in (Embedding, Conv1d, Conv2d):
            extra["rng"] = 0  # drawn, then overwritten with the torch layer's weights
        m = cls(**_settings(t, _STATEFUL[cls]), **extra, dtype=c.dtype_of(first))
        for name in ("weight", "bias"):
            theirs = getattr(t, name, None)
            if theirs is not None:
                setattr(m, name, c.value(theirs, getattr(m, name)))
        for name, buf in t.named_buffers(recurse=False):
            ours = getattr(m, name, None)
            if buf is not None and ours is not None:
                np.copyto(ours, buf.detach().cpu().numpy())
        return m
    return make


def _settings_to(cls: type) -> Callable[[Any, Any], Any]:
    return lambda c, m: getattr(c.torch.nn, cls.__name__)(**_settings(m, _SETTINGS[cls]))


def _settings_from(cls: type) -> Callable[[Any, Any], Module]:
    def make(c: Any, t: Any) -> Module:
        _same_settings(t)
        return cls(**_settings(t, _SETTINGS[cls]))
    return make


TO_TORCH: dict[type, Callable[[Any, Any], Any]] = {
    Linear: _linear_to,
    MLP: _mlp_to,
    Sequential: lambda c, m: c.torch.nn.Sequential(*(c(child) for child in m)),
    **{cls: _settings_to(cls) for cls in _SETTINGS},
    **{cls: _stateful_to for cls in _STATEFUL},
}
"""Our layer class (exactly: a subclass may compute something else) -> its torch module."""

FROM_TORCH: dict[str, Callable[[Any, Any], Module]] = {
    "Linear": _linear_from,
    "Sequential": lambda c, t: Sequential(*(c(child) for child in t)),
    **{cls.__name__: _settings_from(cls) for cls in _SETTINGS},
    **{cls.__name__: _stateful_from(cls) for cls in _STATEFUL},
}
"""The name of a `torch.nn` class -> our module for one of its instances."""
