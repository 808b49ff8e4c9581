"""The bridge to PyTorch: `to_torch` and `from_torch` carry a model, and its
optimizer with its state, to PyTorch and back, so that training goes on there
(on a GPU, over several processes or machines) from where it stands here.

What is carried: `Linear`, `MLP`, `Sequential`, `ReLU`, `Tanh`, `Sigmoid`,
`Dropout` and their compositions, each to the `torch.nn` layer of the same
name (an `MLP` becomes a `torch.nn.Sequential` of its layers and
activations); and `optim.SGD`, `RMSProp`, `Adam` and `AdamW` with their
hyperparameters and per-parameter state (see `nn.bridge_optim`). Our `Linear`
keeps its weight as `(in, out)` and computes `x @ weight + bias`; PyTorch's
keeps `(out, in)`: weights, and the optimizer state that belongs to them,
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
    from autograd_core import optim

__all__ = ["to_torch", "from_torch", "require", "INSTALL_HINT"]

INSTALL_HINT = 'pip install "autograd-core[torch]"'
"""What to install for the bridge: the optional `torch` extra."""

_ACTIVATIONS = (ReLU, Tanh, Sigmoid)  # torch.nn has a class of the same name for each
_MLP_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
_CARRIED = "Linear, MLP, Sequential, ReLU, Tanh, Sigmoid, Dropout and their compositions"


def require(name: str, purpose: str = "the bridge to PyTorch") -> Any:
    """Import an optional package that the bridge needs.

    Args:
        name: the module to import (`"torch"`, `"onnxruntime"`, ...).
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
        The `torch.nn.Module`; with an optimizer, the pair `(torch_module,
        torch_optimizer)`: the `torch.optim` optimizer of the same name over
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
    return _ToTorch(torch).carry(module, optimizer, optimizer_to_torch)


class _Carrier:
    """Converts modules one way, each once (a module met twice becomes one shared
    module), keeping each one's training mode and recording the parameter pairs."""

    def __init__(self, torch: Any) -> None:
        self.torch = torch
        self.memo: dict[int, Any] = {}
        self.pairs: list[Pair] = []

    def __call__(self, module: Any) -> Any:
        if id(module) not in self.memo:
            new = self.convert(module)
            new.training = module.training
            self.memo[id(module)] = new
        return self.memo[id(module)]

    def convert(self, module: Any) -> Any:
        """The counterpart of one module (its submodules through `self`)."""
        raise NotImplementedError

    def carry(self, module: Any, optimizer: Any, carry_optimizer: Any) -> Any:
        """The converted module, and with an optimizer the pair (module, optimizer)."""
        new = self(module)
        if optimizer is None:
            return new
        return new, carry_optimizer(optimizer, self.pairs, self.torch)


class _ToTorch(_Carrier):
    """Our modules to torch.nn's."""

    def convert(self, m: Module) -> Any:
        tnn = self.torch.nn
        kind = type(m)  # exact types: a subclass may compute something else
        if kind is Linear:
            t = tnn.Linear(m.in_features, m.out_features, bias=m.bias is not None,
                           device="meta")  # no initial draw: the torch RNG is left alone
            t.weight = self._parameter(m.weight, True)
            if m.bias is not None:
                t.bias = self._parameter(m.bias, False)
            return t
        if kind is MLP:
            return tnn.Sequential(*self._mlp_layers(m))
        if kind is Sequential:
            return tnn.Sequential(*(self(c) for c in m))
        if kind in _ACTIVATIONS:
            return getattr(tnn, kind.__name__)()
        if kind is Dropout:
            return tnn.Dropout(m.p)
        raise TypeError(f"to_torch cannot carry {qualname(kind)}: only {_CARRIED} have a "
                        f"PyTorch counterpart (a Module subclass with its own forward "
                        f"is not carried)")

    def _mlp_layers(self, m: MLP) -> list[Any]:
        """An MLP's layers with its activations between them, as torch modules."""
        out = []
        last = len(m.layers) - 1
        for i, layer in enumerate(m.layers):
            out.append(self(layer))
            act = _MLP_ACTIVATIONS.get(m.activation if i < last else m.output_activation)
            if act is not None:
                out.append(getattr(self.torch.nn, act.__name__)())
                out[-1].training = m.training
        return out

    def _parameter(self, value: Any, transposed: bool) -> Any:
        p = self.torch.nn.Parameter(to_tensor(self.torch, value.data, transposed),
                                    requires_grad=bool(value.requires_grad))
        self.pairs.append((value, p, transposed))
        return p


# -- torch -> ours -----------------------------------------------------------------------


def from_torch(torch_module: Any, optimizer: Any = None) -> Any:
    """One of our modules (and optimizers) equivalent to a PyTorch one.

    `torch.nn.Sequential` becomes `nn.Sequential`, so the parameters keep
    PyTorch's names (`0.weight`, `2.bias`, ...); an `nn.MLP` carried to
    PyTorch thus comes back as the equivalent `nn.Sequential`. The training
    or evaluation mode is kept; Dropout draws its masks from a new generator.

    Args:
        torch_module: a `torch.nn.Linear`, `Sequential`, `ReLU`, `Tanh`,
            `Sigmoid` or `Dropout`, or a composition of them.
        optimizer: a `torch.optim.SGD`, `RMSprop`, `Adam` or `AdamW` over
            parameters of `torch_module`, or None.

    Returns:
        The `nn.Module`; with an optimizer, the pair `(module, optimizer)`
        with the hyperparameters and state carried over (`torch.optim.Adam`
        with `decoupled_weight_decay=True` becomes `optim.AdamW`).

    Raises:
        ImportError: torch is not installed.
        TypeError: a layer or the optimizer has no counterpart here (e.g.
            `torch.nn.Conv2d`, `torch.optim.Adagrad`, `maximize=True`, or
            param groups with different hyperparameters), or a parameter's
            dtype is not float16, float32 or float64.
        ValueError: the optimizer holds a parameter that is not the module's.
    """
    torch = require("torch")
    if not isinstance(torch_module, torch.nn.Module):
        raise TypeError(f"from_torch expects a torch.nn.Module, "
                        f"got {type(torch_module).__name__}")
    return _FromTorch(torch).carry(torch_module, optimizer, optimizer_from_torch)


class _FromTorch(_Carrier):
    """torch.nn's modules to ours."""

    def convert(self, t: Any) -> Module:
        tnn = self.torch.nn
        kind = type(t)
        activations = {getattr(tnn, a.__name__): a for a in _ACTIVATIONS}
        if kind is tnn.Linear:
            return self._linear(t)
        if kind is tnn.Sequential:
            return Sequential(*(self(c) for c in t))
        if kind in activations:
            return activations[kind]()
        if kind is tnn.Dropout:
            return Dropout(t.p)
        raise TypeError(f"from_torch cannot carry {qualname(kind)}: only torch.nn's "
                        f"{_CARRIED.replace('MLP, ', '')} have a counterpart here")

    def _linear(self, t: Any) -> Linear:
        weight = to_array(self.torch, t.weight, True)
        m = Linear(t.in_features, t.out_features, bias=t.bias is not None, rng=0,
                   dtype=weight.dtype)
        state = {"weight": weight}
        if t.bias is not None:
            state["bias"] = to_array(self.torch, t.bias, False)
        m.load_state_dict(state)  # copies into the layer's arrays, checking shapes and dtypes
        for name, ours in m.named_parameters():
            theirs = getattr(t, name)
            ours.requires_grad = bool(theirs.requires_grad)
            self.pairs.append((ours, theirs, name == "weight"))
        return m
