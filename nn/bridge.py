"""The bridge to PyTorch: `to_torch` and `from_torch` carry a model, and its
optimizer with its state, to PyTorch and back, so that training goes on there
(on a GPU, over several processes or machines) from where it stands here.

What is carried: the layers of `nn.bridge_layers`' tables, each to the
`torch.nn` layer of the same name (an `MLP` becomes a `torch.nn.Sequential`
of its layers and activations), and their compositions; any other `Module`
by tracing one forward pass (`nn.bridge_trace`); and `optim.SGD`, `RMSProp`,
`Adam` and `AdamW` with their hyperparameters and per-parameter state (see
`nn.bridge_optim`). A parameter used in several places becomes one parameter
on the other side, used in the same places. Arrays are copied (nothing is
shared between the two libraries) and keep their dtype: float64 stays
float64, float32 float32.

PyTorch is imported inside these functions, never when `nn` is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd_core import Value

from .bridge_layers import FROM_TORCH, TO_TORCH
from .bridge_optim import Pair, optimizer_from_torch, optimizer_to_torch, qualname, \
    to_array, to_tensor
from .module import Module

if TYPE_CHECKING:
    from autograd_core import optim

__all__ = ["to_torch", "from_torch", "require", "INSTALL_HINT"]

INSTALL_HINT = 'pip install "autograd-core[torch]"'
"""What to install for the bridge: the optional `torch` extra."""


def carried_names() -> str:
    """The layers mapped one to one, for messages."""
    return ", ".join(cls.__name__ for cls in TO_TORCH)


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


def to_torch(module: Module, optimizer: optim.Optimizer | None = None,
             example_input: Any = None) -> Any:
    """An equivalent PyTorch module (and optimizer) for one of ours.

    The torch module computes the same outputs and gradients (to float
    rounding) in the same dtype, and is in the same training or evaluation
    mode. The layers of `nn.bridge_layers` (and `Sequential`s and `MLP`s of
    them) become the `torch.nn` layers of the same names. Any other module,
    a subclass with its own `forward`, is carried by tracing: one forward
    pass on `example_input` records its graph, and the torch module replays
    the recorded ops with PyTorch's functions, calling the mapped layers it
    holds as torch layers (see `nn.bridge_trace`). A forward whose graph
    depends on the data (an `if` on a value, a mask computed from the input)
    is carried as traced: as it ran on the example. A parameter used in
    several places becomes one torch Parameter. Dropout draws its masks from
    PyTorch's generator, so masks differ.

    Args:
        module: the module to carry.
        optimizer: an `optim.SGD`, `RMSProp`, `Adam` or `AdamW` over
            parameters of `module`, or None.
        example_input: an input batch for the module (an array, nested lists
            or a Value); needed when the module (or a part of it) is carried
            by tracing.

    Returns:
        The `torch.nn.Module`; with an optimizer, the pair `(torch_module,
        torch_optimizer)`: the `torch.optim` optimizer of the same name over
        the corresponding parameters (in the optimizer's order), with the same
        hyperparameters and state, so that its next step is the one ours would take.

    Raises:
        ImportError: torch is not installed.
        TypeError: a module that needs tracing without `example_input` (naming
            its class), a forward using an op that has no PyTorch counterpart,
            an optimizer with no counterpart, or parameters of several dtypes.
        ValueError: the optimizer holds a parameter that is not the module's.
    """
    torch = require("torch")
    if not isinstance(module, Module):
        raise TypeError(f"to_torch expects an nn.Module, got {type(module).__name__}")
    dtypes = sorted({str(p.dtype) for p in module.parameters()})
    if len(dtypes) > 1:
        raise TypeError(f"to_torch: the parameters have several dtypes ({', '.join(dtypes)}); "
                        f"PyTorch's layers need one")
    carrier = _ToTorch(torch)
    untraced = carrier.needs_trace(module)
    if untraced is None:
        return carrier.carry(module, optimizer, optimizer_to_torch)
    if example_input is None:
        raise TypeError(f"to_torch: {qualname(type(untraced))} has its own forward, which is "
                        f"carried by tracing one forward pass: pass example_input=<an input "
                        f"batch> (only {carried_names()} are mapped without one)")
    from .bridge_trace import trace  # the tracer is only loaded when a module needs it

    new = trace(carrier, module, example_input)
    if optimizer is None:
        return new
    return new, optimizer_to_torch(optimizer, carrier.pairs, torch)


class _Carrier:
    """Converts modules one way, each once (a module met twice becomes one shared
    module), keeping each one's training mode and recording the parameter pairs."""

    def __init__(self, torch: Any) -> None:
        self.torch = torch
        self.memo: dict[int, Any] = {}
        self.pairs: list[Pair] = []
        self.carried: dict[int, tuple[Any, Any, bool]] = {}  # id(param) -> (param, other, t)

    def __call__(self, module: Any) -> Any:
        if id(module) not in self.memo:
            new = self.convert(module)
            new.training = module.training
            self.memo[id(module)] = (module, new)
        return self.memo[id(module)][1]

    def convert(self, module: Any) -> Any:
        """The counterpart of one module (its submodules through `self`)."""
        raise NotImplementedError

    def carry(self, module: Any, optimizer: Any, carry_optimizer: Any) -> Any:
        """The converted module, and with an optimizer the pair (module, optimizer)."""
        new = self(module)
        if optimizer is None:
            return new
        return new, carry_optimizer(optimizer, self.pairs, self.torch)

    def _shared(self, param: Any, transposed: bool) -> Any:
        """The counterpart already made for `param`, or None."""
        entry = self.carried.get(id(param))
        if entry is None:
            return None
        if entry[2] != transposed:
            raise TypeError(f"cannot carry a parameter of shape {tuple(param.shape)} used "
                            f"both as a Linear weight and in another layout")
        return entry[1]

    def _record(self, ours: Value, theirs: Any, transposed: bool, key: Any) -> None:
        self.carried[id(key)] = (key, theirs if key is ours else ours, transposed)
        self.pairs.append((ours, theirs, transposed))


class _ToTorch(_Carrier):
    """Our modules to torch.nn's."""

    def convert(self, m: Module) -> Any:
        make = TO_TORCH.get(type(m))  # exact types: a subclass may compute something else
        if make is None:
            raise TypeError(f"to_torch cannot map {qualname(type(m))} to a torch.nn layer")
        return make(self, m)

    def needs_trace(self, m: Module) -> Module | None:
        """The first module of `m`'s tree that no table maps (None if all are mapped)."""
        if type(m) not in TO_TORCH:
            return m
        for child in m.children():
            found = self.needs_trace(child)
            if found is not None:
                return found
        return None

    def parameter(self, value: Value, transposed: bool = False) -> Any:
        """The torch Parameter for one of our parameters (the same one each time).

        Args:
            value: our parameter.
            transposed: torch keeps its transpose (a `Linear` weight).

        Returns:
            A `torch.nn.Parameter` holding a copy of its data.
        """
        shared = self._shared(value, transposed)
        if shared is not None:
            return shared
        p = self.torch.nn.Parameter(to_tensor(self.torch, value.data, transposed),
                                    requires_grad=bool(value.requires_grad))
        self._record(value, p, transposed, value)
        return p


# -- torch -> ours -----------------------------------------------------------------------


def from_torch(torch_module: Any, optimizer: Any = None) -> Any:
    """One of our modules (and optimizers) equivalent to a PyTorch one.

    Each layer becomes ours of the same name; `torch.nn.Sequential` becomes
    `nn.Sequential`, so the parameters keep PyTorch's names (`0.weight`,
    `2.bias`, ...); an `nn.MLP` carried to PyTorch thus comes back as the
    equivalent `nn.Sequential`. The training or evaluation mode is kept;
    Dropout draws its masks from a new generator. A torch Parameter used in
    several layers becomes one parameter here.

    Args:
        torch_module: a module built from the `torch.nn` layers that
            `nn.bridge_layers` maps (Linear, Sequential, the activations,
            Dropout, ...).
        optimizer: a `torch.optim.SGD`, `RMSprop`, `Adam` or `AdamW` over
            parameters of `torch_module`, or None.

    Returns:
        The `nn.Module`; with an optimizer, the pair `(module, optimizer)`
        with the hyperparameters and state carried over (`torch.optim.Adam`
        with `decoupled_weight_decay=True` becomes `optim.AdamW`).

    Raises:
        ImportError: torch is not installed.
        TypeError: a layer or the optimizer has no counterpart here (e.g.
            `torch.nn.GRU`, `torch.optim.Adagrad`, `maximize=True`, or
            param groups with different hyperparameters), naming it; or a
            parameter's dtype is not float16, float32 or float64.
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
        kind = type(t)
        make = FROM_TORCH.get(kind.__name__)
        if make is None or getattr(self.torch.nn, kind.__name__, None) is not kind:
            raise TypeError(f"from_torch cannot carry {qualname(kind)}: only torch.nn's "
                            f"{', '.join(FROM_TORCH)} and their compositions have a "
                            f"counterpart here")
        return make(self, t)

    def dtype_of(self, tensor: Any) -> np.dtype:
        """The NumPy dtype of a torch tensor (float16, float32 or float64)."""
        return to_array(self.torch, tensor[:0] if tensor.ndim else tensor, False).dtype

    def value(self, theirs: Any, fresh: Value, transposed: bool = False) -> Value:
        """Our parameter for a torch one (the same one each time).

        Args:
            theirs: the torch parameter.
            fresh: a new parameter of ours of the right shape and dtype, filled
                with the torch one's data unless that was carried already.
            transposed: ours is the transpose of theirs (a `Linear` weight).

        Returns:
            `fresh`, or the parameter carried before for `theirs`.
        """
        shared = self._shared(theirs, transposed)
        if shared is not None:
            return shared
        np.copyto(fresh.data, to_array(self.torch, theirs, transposed))
        fresh.requires_grad = bool(theirs.requires_grad)
        self._record(fresh, theirs, transposed, theirs)
        return fresh
