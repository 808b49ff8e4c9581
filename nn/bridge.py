"""The bridge to PyTorch: `to_torch` and `from_torch` carry a model, and its
optimizer with its state, to PyTorch and back, so that training goes on there
(on a GPU, over several processes or machines) from where it stands here.

What is carried: `Linear`, `MLP`, `Sequential`, `ReLU`, `Tanh`, `Sigmoid`,
`Dropout` and their compositions, each to the `torch.nn` layer of the same
name (an `MLP` becomes a `torch.nn.Sequential` of its layers and
activations); and `optim.SGD`, `RMSProp`, `Adam` and `AdamW` with their
hyperparameters and per-parameter state (see `nn.bridge_optim`). Our `Linear`
keeps its weight as ``(in, out)`` and computes ``x @ weight + bias``; PyTorch's
keeps ``(out, in)``: weights, and the optimizer state that belongs to them,
are transposed on the way. Arrays are copied (nothing is shared between the
two libraries) and keep their dtype: float64 stays float64, float32 float32.

PyTorch is imported inside these functions, never when `nn` is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .bridge_optim import Pair, optimizer_from_torch, optimizer_to_torch, qualname, \
    to_array, to_tensor
from .layers import MLP, Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from .module import Module

if TYPE_CHECKING:
    import optim

__all__ = ["to_torch", "from_torch", "require", "INSTALL_HINT"]

INSTALL_HINT = 'pip install "autograd-core[torch]"'

_ACTIVATIONS = (ReLU, Tanh, Sigmoid)  # torch.nn has a class of the same name for each
_MLP_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
_CARRIED = "Linear, MLP, Sequential, ReLU, Tanh, Sigmoid, Dropout and their compositions"


def require(name: str, purpose: str = "the bridge to PyTorch") -> Any:
    """Import an optional package that the bridge needs.

    Args:
        name: the module to import (``"torch"``, ``"onnxruntime"``, ...).
        purpose: what needs it, for the error message.

    Returns:
        The imported module.

    Raises:
        ImportError: the package is not installed; the message says what to install.
    """
    try:
        return importlib.import_module(name)
    except ImportError as err:
        raise ImportError(f"{purpose} needs {name}, which is not installed: "
                          f"{INSTALL_HINT}") from err


# -- ours -> torch -----------------------------------------------------------------------


def to_torch(module: Module, optimizer: optim.Optimizer | None = None) -> Any:
    """An equivalent PyTorch module (and optimizer) for one of ours.

    The torch module computes the same outputs and gradients (to float
    rounding) in the same dtype, and is in the same training or evaluation
    mode. Dropout draws its masks from PyTorch's generator, so masks differ.

    Args:
        module: a `Linear`, `MLP`, `Sequential`, `ReLU`, `Tanh`, `Sigmoid` or
            `Dropout`, or a composition of them.
        optimizer: an `optim.SGD`, `RMSProp`, `Adam` or `AdamW` over
            parameters of `module`, or None.

    Returns:
        The `torch.nn.Module`; with an optimizer, the pair ``(torch_module,
        torch_optimizer)``: the `torch.optim` optimizer of the same name over
        the corresponding parameters (in the optimizer's order), with the same
        hyperparameters and state, so that its next step is the one ours would take.

    Raises:
        ImportError: torch is not installed.
        TypeError: `module` (or a part of it) or `optimizer` has no PyTorch
            counterpart, e.g. a Module subclass with its own forward; or the
            parameters have several dtypes.
        ValueError: the optimizer holds a parameter that is not the module's.
    """
    torch = require("torch")
    if not isinstance(module, Module):
        raise TypeError(f"to_torch expects an nn.Module, got {type(module).__name__}")
    dtypes = sorted({str(p.dtype) for p in module.parameters()})
    if len(dtypes) > 1:
        raise TypeError(f"to_torch: the parameters have several dtypes ({', '.join(dtypes)}); "
                        f"PyTorch's layers need one")
    pairs: list[Pair] = []
    torch_module = _to_torch(module, torch, {}, pairs)
    if optimizer is None:
        return torch_module
    return torch_module, optimizer_to_torch(optimizer, pairs, torch)


def _to_torch(m: Module, torch: Any, memo: dict[int, Any], pairs: list[Pair]) -> Any:
    """The torch module for `m`; a module met twice becomes one shared torch module."""
    if id(m) in memo:
        return memo[id(m)]
    kind = type(m)  # exact types: a subclass may compute something else
    if kind is Linear:
        t = torch.nn.Linear(m.in_features, m.out_features, bias=m.bias is not None,
                            device="meta")  # no initial draw: the torch RNG is left alone
        t.weight = _parameter(torch, m.weight, True, pairs)
        if m.bias is not None:
            t.bias = _parameter(torch, m.bias, False, pairs)
    elif kind is MLP:
        t = torch.nn.Sequential(*_mlp_layers(m, torch, memo, pairs))
    elif kind is Sequential:
        t = torch.nn.Sequential(*(_to_torch(c, torch, memo, pairs) for c in m))
    elif kind in _ACTIVATIONS:
        t = getattr(torch.nn, kind.__name__)()
    elif kind is Dropout:
        t = torch.nn.Dropout(m.p)
    else:
        raise TypeError(f"to_torch cannot carry {qualname(kind)}: only {_CARRIED} have a "
                        f"PyTorch counterpart (a Module subclass with its own forward "
                        f"is not carried)")
    t.training = m.training
    memo[id(m)] = t
    return t


def _mlp_layers(m: MLP, torch: Any, memo: dict[int, Any], pairs: list[Pair]) -> list[Any]:
    """An MLP's layers with its activations between them, as torch modules."""
    out = []
    last = len(m.layers) - 1
    for i, layer in enumerate(m.layers):
        out.append(_to_torch(layer, torch, memo, pairs))
        act = _MLP_ACTIVATIONS.get(m.activation if i < last else m.output_activation)
        if act is not None:
            out.append(getattr(torch.nn, act.__name__)())
            out[-1].training = m.training
    return out


def _parameter(torch: Any, value: Any, transposed: bool, pairs: list[Pair]) -> Any:
    p = torch.nn.Parameter(to_tensor(torch, value.data, transposed),
                           requires_grad=bool(value.requires_grad))
    pairs.append((value, p, transposed))
    return p


# -- torch -> ours -----------------------------------------------------------------------


def from_torch(torch_module: Any, optimizer: Any = None) -> Any:
    """One of our modules (and optimizers) equivalent to a PyTorch one.

    `torch.nn.Sequential` becomes `nn.Sequential`, so the parameters keep
    PyTorch's names (``0.weight``, ``2.bias``, ...); an `nn.MLP` carried to
    PyTorch thus comes back as the equivalent `nn.Sequential`. The training
    or evaluation mode is kept; Dropout draws its masks from a new generator.

    Args:
        torch_module: a `torch.nn.Linear`, `Sequential`, `ReLU`, `Tanh`,
            `Sigmoid` or `Dropout`, or a composition of them.
        optimizer: a `torch.optim.SGD`, `RMSprop`, `Adam` or `AdamW` over
            parameters of `torch_module`, or None.

    Returns:
        The `nn.Module`; with an optimizer, the pair ``(module, optimizer)``
        with the hyperparameters and state carried over (`torch.optim.Adam`
        with ``decoupled_weight_decay=True`` becomes `optim.AdamW`).

    Raises:
        ImportError: torch is not installed.
        TypeError: a layer or the optimizer has no counterpart here (e.g.
            `torch.nn.Conv2d`, `torch.optim.Adagrad`, ``maximize=True``, or
            param groups with different hyperparameters), or a parameter's
            dtype is not float16, float32 or float64.
        ValueError: the optimizer holds a parameter that is not the module's.
    """
    torch = require("torch")
    if not isinstance(torch_module, torch.nn.Module):
        raise TypeError(f"from_torch expects a torch.nn.Module, "
                        f"got {type(torch_module).__name__}")
    pairs: list[Pair] = []
    module = _from_torch(torch_module, torch, {}, pairs)
    if optimizer is None:
        return module
    return module, optimizer_from_torch(optimizer, pairs, torch)


def _from_torch(t: Any, torch: Any, memo: dict[int, Module], pairs: list[Pair]) -> Module:
    """Our module for the torch module `t`; one met twice becomes one shared module."""
    if id(t) in memo:
        return memo[id(t)]
    kind = type(t)
    names = {getattr(torch.nn, a.__name__): a for a in _ACTIVATIONS}
    if kind is torch.nn.Linear:
        m: Module = _linear_from_torch(t, torch, pairs)
    elif kind is torch.nn.Sequential:
        m = Sequential(*(_from_torch(c, torch, memo, pairs) for c in t))
    elif kind in names:
        m = names[kind]()
    elif kind is torch.nn.Dropout:
        m = Dropout(t.p)
    else:
        raise TypeError(f"from_torch cannot carry {qualname(kind)}: only torch.nn's "
                        f"{_CARRIED.replace('MLP, ', '')} have a counterpart here")
    m.training = t.training
    memo[id(t)] = m
    return m


def _linear_from_torch(t: Any, torch: Any, pairs: list[Pair]) -> Linear:
    weight = to_array(torch, t.weight, True)
    m = Linear(t.in_features, t.out_features, bias=t.bias is not None, rng=0,
               dtype=weight.dtype)
    state = {"weight": weight}
    if t.bias is not None:
        state["bias"] = to_array(torch, t.bias, False)
    m.load_state_dict(state)  # copies into the layer's own arrays, checking shapes and dtypes
    for name, ours in m.named_parameters():
        theirs = getattr(t, name)
        ours.requires_grad = bool(theirs.requires_grad)
        pairs.append((ours, theirs, name == "weight"))
    return m
