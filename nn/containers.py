"""Containers and structural modules: `ModuleList`, `ModuleDict`, `Identity`,
`Flatten`, and `Parameter`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from autograd_core import Value

from .inputs import as_value
from .module import Module

__all__ = ["Parameter", "Identity", "Flatten", "ModuleList", "ModuleDict"]


class _ParameterType(type):
    """`isinstance(v, nn.Parameter)` is true for what a module counts as a parameter."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Value) and obj.requires_grad and obj.op == ""


class Parameter(metaclass=_ParameterType):
    """A parameter: `nn.Parameter(data)` is a leaf Value that requires grad, holding a copy of `data`.

    As `torch.nn.Parameter(data)`; a plain `Value(data)` set on a module is a
    parameter as well (`self.scale = nn.Parameter(np.ones(3))`), and
    `isinstance(v, nn.Parameter)` is true for every leaf Value that requires
    grad.

    Args:
        data: real numbers (an array, a list, a number) or a Value (its data is copied).
        requires_grad: whether it requires grad (a frozen parameter is not
            found by `parameters()`).

    Examples:
        >>> import nn
        >>> p = nn.Parameter([1.0, 2.0])
        >>> type(p).__name__, p.requires_grad, isinstance(p, nn.Parameter)
        ('Value', True, True)
    """

    def __new__(cls, data: Any, requires_grad: bool = True) -> Value:  # type: ignore[misc]
        return Value(data, requires_grad=requires_grad)

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        pass  # never runs: `__new__` returns a Value; here for the signature's documentation


class Identity(Module):
    """Returns its input unchanged (a placeholder, as in PyTorch). Shapes: any, unchanged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # PyTorch's Identity accepts and ignores any arguments

    def forward(self, input: Any) -> Any:
        """Return `input` itself.

        Args:
            input: anything.

        Returns:
            `input`.
        """
        return input


class Flatten(Module):
    """Flattens axes `start_dim` to `end_dim` into one: `(N, C, H, W)` -> `(N, C*H*W)` by default.

    Args:
        start_dim: the first axis flattened (PyTorch's default 1 keeps the batch axis).
        end_dim: the last axis flattened (negative counts from the end).
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        self.start_dim = int(start_dim)
        """The first axis flattened."""
        self.end_dim = int(end_dim)
        """The last axis flattened."""

    def forward(self, input: Any) -> Value:
        """Flatten the axes `start_dim..end_dim` of `input`.

        Args:
            input: a Value, or real numbers made a constant Value.

        Returns:
            A Value sharing `input`'s data, with those axes replaced by their product.

        Raises:
            ValueError: an axis out of range for the input's rank, or
                `start_dim` after `end_dim` (naming the shapes).
        """
        x = as_value(input, "Flatten")
        n = max(x.ndim, 1)
        start = self.start_dim + n if self.start_dim < 0 else self.start_dim
        end = self.end_dim + n if self.end_dim < 0 else self.end_dim
        if not (0 <= start < n and 0 <= end < n) or start > end:
            raise ValueError(f"Flatten: start_dim={self.start_dim}, end_dim={self.end_dim} "
                             f"do not fit an input of shape {tuple(x.shape)}")
        if x.ndim == 0:
            return x.reshape(1)
        shape = x.shape[:start] + (-1,) + x.shape[end + 1:]
        size = 1
        for d in x.shape[start:end + 1]:
            size *= d
        return x.reshape(*(shape if size else x.shape[:start] + (0,) + x.shape[end + 1:]))

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


def _check_module(where: str, m: Any) -> Module:
    if not isinstance(m, Module):
        raise TypeError(f"{where} is a {type(m).__name__}, not a Module")
    return m


class ModuleList(Module):
    """A list of modules whose parameters are the module's (named `0.weight`, `1.weight`, ...).

    Supports `len`, indexing, iteration, `append` and `extend`; it has no
    `forward` of its own (loop over it in yours).

    Args:
        modules: an iterable of modules, or None for an empty list.

    Raises:
        TypeError: an item is not a Module.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        self._modules: list[Module] = []
        self.extend(modules or ())

    def _members(self) -> Iterator[tuple[str, Any]]:
        for i, m in enumerate(self._modules):
            yield str(i), m

    def append(self, module: Module) -> ModuleList:
        """Add `module` at the end; returns this list."""
        self._modules.append(_check_module(f"ModuleList: item {len(self._modules)}", module))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each of `modules` at the end; returns this list."""
        for m in modules:
            self.append(m)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return ModuleList(self._modules[i])
        return self._modules[i]

    def __setitem__(self, i: int, module: Module) -> None:
        self._modules[i] = _check_module(f"ModuleList: item {i}", module)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)


class ModuleDict(Module):
    """A dict of modules whose parameters are the module's (named `key.weight`, ...).

    Supports `len`, `[key]`, `in`, iteration over the keys, `keys`,
    `values`, `items` and `update`, in insertion order.

    Args:
        modules: a mapping (or iterable of pairs) name -> module, or None.

    Raises:
        TypeError: a value is not a Module or a key is not a string.
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
                 ) -> None:
        self._modules: dict[str, Module] = {}
        self.update(modules or {})

    def _members(self) -> Iterator[tuple[str, Any]]:
        yield from self._modules.items()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace the entries of `modules`."""
        items = modules.items() if isinstance(modules, Mapping) else modules
        for key, m in items:
            self[key] = m

    def __setitem__(self, key: str, module: Module) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict: keys must be strings, got {type(key).__name__}")
        self._modules[key] = _check_module(f"ModuleDict: entry {key!r}", module)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self) -> Any:
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self) -> Any:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Any:
        """The `(name, module)` pairs, in insertion order."""
        return self._modules.items()
