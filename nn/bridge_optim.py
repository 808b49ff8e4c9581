"""Carrying an optimizer, with its hyperparameters and state, between `optim` and
`torch.optim` (for `nn.to_torch` and `nn.from_torch`), and the conversions of
arrays that the bridge shares.

Our optimizers and torch's of the same names share their hyperparameter
names (`lr`, `momentum`, `dampening`, `nesterov`, `weight_decay`;
`alpha`, `eps`, `centered`; `betas`, `amsgrad`) and their state
names (`momentum_buffer`; `step`, `square_avg`, `grad_avg`;
`step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`), so both are
carried by name. `step` is an int here and a 0-d tensor in PyTorch (of
its default dtype, as torch.optim makes it). Buffers that belong to a
`Linear` weight are transposed with it. Learning-rate schedules are not carried:
the optimizer's current `lr` is.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from autograd_core import optim

__all__ = ["optimizer_to_torch", "optimizer_from_torch", "to_tensor", "to_array", "qualname"]

Pair = tuple[Any, Any, bool]
"""(our parameter, the torch parameter, whether the torch one is its transpose)."""

_TORCH_NAMES = {optim.SGD: "SGD", optim.RMSProp: "RMSprop", optim.Adam: "Adam",
                optim.AdamW: "AdamW"}
# Param-group entries of torch.optim that choose how a step is computed, not what
# it computes (and `initial_lr`, which learning-rate schedules add): not carried.
_HOW = {"foreach", "fused", "capturable", "differentiable", "initial_lr"}


def qualname(kind: type) -> str:
    """A class's full name, for messages.

    Args:
        kind: the class.

    Returns:
        Its module and qualified name, e.g. `torch.nn.modules.conv.Conv2d`.
    """
    return f"{kind.__module__}.{kind.__qualname__}"


def to_tensor(torch: Any, array: np.ndarray, transposed: bool) -> Any:
    """A torch tensor holding a copy of an array.

    Args:
        torch: the torch module.
        array: the data.
        transposed: copy the transpose of `array` instead.

    Returns:
        A new tensor of the array's dtype, sharing no memory with it.
    """
    return torch.tensor(array.T if transposed else array)


def to_array(torch: Any, tensor: Any, transposed: bool) -> np.ndarray:
    """The data of a torch tensor as an ndarray of the same dtype.

    Args:
        torch: the torch module.
        tensor: a float16, float32 or float64 tensor (on any device).
        transposed: give the transpose of the data instead.

    Returns:
        An ndarray that may share memory with the tensor: callers copy it into
        their own arrays.

    Raises:
        TypeError: the tensor has another dtype (bfloat16, an integer type, ...).
    """
    if tensor.dtype not in (torch.float16, torch.float32, torch.float64):
        raise TypeError(f"from_torch: a tensor of dtype {tensor.dtype} cannot be carried "
                        f"(float16, float32 and float64 can)")
    arr = tensor.detach().cpu().numpy()
    return arr.T if transposed else arr


def _hyperparameter_names(cls: type) -> list[str]:
    """The names of an optim class's hyperparameters: its constructor's arguments."""
    return [n for n in inspect.signature(cls).parameters if n != "params"]


def optimizer_to_torch(optimizer: optim.Optimizer, pairs: list[Pair], torch: Any) -> Any:
    """The `torch.optim` optimizer equivalent to `optimizer`, over the torch parameters
    that `pairs` gives for its parameters, with its state carried over.

    Args:
        optimizer: an `optim.SGD`, `RMSProp`, `Adam` or `AdamW`.
        pairs: (our parameter, torch parameter, transposed) for the module's parameters.
        torch: the torch module.

    Returns:
        The torch optimizer.

    Raises:
        TypeError: the optimizer has no torch.optim counterpart.
        ValueError: it holds a parameter that `pairs` does not carry.
    """
    kind = type(optimizer)
    if kind not in _TORCH_NAMES:
        raise TypeError(f"to_torch cannot carry the optimizer {qualname(kind)}: only "
                        f"optim.SGD, optim.RMSProp, optim.Adam and optim.AdamW have a "
                        f"torch.optim counterpart")
    carried = _match(optimizer.params, {id(ours): (theirs, t) for ours, theirs, t in pairs},
                     "to_torch")
    torch_optimizer = getattr(torch.optim, _TORCH_NAMES[kind])(
        [theirs for theirs, _ in carried], **optimizer.hyperparameters())
    state_dict = torch_optimizer.state_dict()
    state_dict["state"] = {
        pos: {key: torch.tensor(float(value)) if key == "step"
              else to_tensor(torch, value, carried[pos][1]) for key, value in entry.items()}
        for pos, entry in optimizer.state_dict()["state"].items()}
    torch_optimizer.load_state_dict(state_dict)
    return torch_optimizer


def optimizer_from_torch(torch_optimizer: Any, pairs: list[Pair], torch: Any) -> Any:
    """Our optimizer equivalent to a `torch.optim` one, over our parameters that
    `pairs` gives for its parameters, with its state carried over.

    Args:
        torch_optimizer: a `torch.optim.SGD`, `RMSprop`, `Adam` or `AdamW` whose
            param groups all have the same hyperparameters.
        pairs: (our parameter, torch parameter, transposed) for the module's parameters.
        torch: the torch module.

    Returns:
        The `optim` optimizer.

    Raises:
        TypeError: the optimizer, one of its settings, or different
            hyperparameters across its param groups have no counterpart here.
        ValueError: it holds a parameter that `pairs` does not carry.
    """
    kind = type(torch_optimizer)
    ours = {getattr(torch.optim, name): cls for cls, name in _TORCH_NAMES.items()}
    if kind not in ours:
        raise TypeError(f"from_torch cannot carry the optimizer {qualname(kind)}: only "
                        f"torch.optim.SGD, RMSprop, Adam and AdamW have a counterpart in optim")
    cls = ours[kind]
    groups = torch_optimizer.param_groups
    group = _one_setting(groups, kind)
    if group.get("decoupled_weight_decay") and cls is optim.Adam:
        cls = optim.AdamW  # torch's Adam with decoupled decay is AdamW
    names = _hyperparameter_names(cls)
    unknown = sorted(k for k, v in group.items() if k not in names and k not in _HOW
                     and k != "decoupled_weight_decay" and v not in (None, False))
    if unknown:
        raise TypeError(f"from_torch cannot carry {qualname(kind)} with "
                        f"{', '.join(f'{k}={group[k]!r}' for k in unknown)}: "
                        f"optim.{cls.__name__} has no such setting")
    carried = _match([p for g in groups for p in g["params"]],
                     {id(theirs): (ours, t) for ours, theirs, t in pairs}, "from_torch")
    optimizer = cls([p for p, _ in carried], **{n: _plain(group[n]) for n in names})
    state = {}
    for pos, entry in torch_optimizer.state_dict()["state"].items():
        entry = {key: int(float(value)) if key == "step"
                 else to_array(torch, value, carried[pos][1])
                 for key, value in entry.items() if value is not None}
        if entry:
            state[pos] = entry
    optimizer.load_state_dict({"optimizer": type(optimizer).__name__,
                               "hyperparameters": optimizer.hyperparameters(),
                               "state": state})
    return optimizer


def _match(params: list[Any], other: dict[int, tuple[Any, bool]],
           what: str) -> list[tuple[Any, bool]]:
    """For each of an optimizer's parameters, its counterpart and whether it is
    transposed; a parameter that the module does not have is an error."""
    out = []
    for i, p in enumerate(params):
        if id(p) not in other:
            raise ValueError(f"{what}: the optimizer's parameter {i} (shape "
                             f"{tuple(p.shape)}) is not a parameter of the module")
        out.append(other[id(p)])
    return out


def _one_setting(groups: list[dict[str, Any]], kind: type) -> dict[str, Any]:
    """The hyperparameters that all param groups share (optim has one set)."""
    settings = [{k: v for k, v in g.items() if k != "params"} for g in groups]
    for i, s in enumerate(settings[1:], 1):
        differ = sorted(k for k in s.keys() | settings[0].keys()
                        if k not in _HOW and _plain(s.get(k)) != _plain(settings[0].get(k)))
        if differ:
            raise TypeError(f"from_torch cannot carry {qualname(kind)} whose param groups "
                            f"0 and {i} differ in {', '.join(differ)}: an optim optimizer "
                            f"has one set of hyperparameters")
    return settings[0]


def _plain(value: Any) -> Any:
    """A hyperparameter as a Python value (torch accepts 0-d tensors for some)."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    return value
