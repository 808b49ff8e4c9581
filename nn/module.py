"""`Module`: the base class of layers and models.

A module's parameters are found by walking its attributes in the order they
were set: a leaf `Value` that requires grad (made by the user or a layer, not
produced by an op) is a parameter, a `Module` is a submodule, and lists,
tuples and dicts of those are walked too (their items are named by position
or key). So `self.layers = [Linear(2, 4), ...]` gives parameter names such
as `layers.0.weight`, while an output that a `forward` keeps on the module
(`self.hidden = self.lin(x)`) is not a parameter: it is not in
`state_dict()` and no optimizer made from `parameters()` steps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autograd_core import Value
from autograd_core import modes as _modes

from .state import StateMethods

from . import hooks as _hooks

__all__ = ["Module"]


class Module(StateMethods):
    """Base class for everything with parameters: subclass it and define `forward`.

    A module's parameters are the leaf Values that require grad found in its
    attributes (in the order they were set), in lists, tuples and dicts of
    them, and in its submodules; a Value produced by an op that `forward`
    keeps on the module is not one. Calling a module runs `forward` inside
    the module's scope, so that graph drawings can group the nodes it
    creates. Subclasses need not call `super().__init__()`.

    Examples:
        >>> import nn
        >>> from autograd_core import Value
        >>> class Scale(nn.Module):
        ...     def __init__(self):
        ...         self.layers = [nn.Linear(2, 2, rng=0)]
        ...         self.s = Value(1.0)
        ...     def forward(self, x):
        ...         return self.layers[0](x) * self.s
        >>> [name for name, _ in Scale().named_parameters()]
        ['layers.0.weight', 'layers.0.bias', 's']
    """

    training: bool = True
    """Whether the module is in training mode (`train()`) or evaluation mode (`eval()`)."""

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; subclasses define it.

        Args:
            *args: the inputs.
            **kwargs: keyword inputs.

        Returns:
            The output (a Value, for the library's layers).

        Raises:
            NotImplementedError: the subclass does not define it.
        """
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The engine records this module on every node made inside forward
        # (graph drawings cluster them).
        token = _modes.enter_module(self)
        try:
            # 0 unless an instrument is attached (nn.hooks): the test costs 0.15 us of
            # an empty module's 8.7 us call (timeit, on a loaded machine), ~2%.
            if _hooks.active:
                return _hooks.call(self, args, kwargs)
            return self.forward(*args, **kwargs)
        finally:
            _modes.exit_module(token)

    # -- walking the attributes --------------------------------------------
    def _members(self) -> Iterator[tuple[str, Any]]:
        """Yield `(name, object)` for every parameter and direct submodule."""
        for name, obj in vars(self).items():
            yield from _expand(name, obj)

    def named_children(self) -> list[tuple[str, Module]]:
        """The direct submodules with their names.

        Returns:
            `(name, module)` pairs, in definition order.
        """
        return [(n, m) for n, m in self._members() if isinstance(m, Module)]

    def children(self) -> list[Module]:
        """The direct submodules.

        Returns:
            The submodules, in definition order.
        """
        return [m for _, m in self.named_children()]

    def modules(self) -> list[Module]:
        """This module and all its descendants.

        Returns:
            Each module once, parents before their children.
        """
        out: list[Module] = []
        seen: set[int] = set()
        stack: list[Module] = [self]
        while stack:
            m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            out.append(m)
            stack.extend(reversed(m.children()))
        return out

    def named_modules(self) -> list[tuple[str, Module]]:
        """This module and all its descendants with their dotted names (`""` for this one).

        Returns:
            `(name, module)` pairs, each module once, parents before their children.
        """
        out: list[tuple[str, Module]] = []
        seen: set[int] = set()

        def walk(module: Module, prefix: str) -> None:
            seen.add(id(module))
            out.append((prefix[:-1], module))
            for name, child in module.named_children():
                if id(child) not in seen:
                    walk(child, prefix + name + ".")

        walk(self, "")
        return out

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every submodule, children first, then on this module.

        As PyTorch's `Module.apply`: `model.apply(init_weights)` with a function
        that looks at the module's type (`isinstance(m, nn.Linear)`) and
        initialises its parameters with `nn.init`.

        Args:
            fn: a function of one module; its result is ignored.

        Returns:
            This module.
        """
        seen: set[int] = set()

        def visit(module: Module) -> None:
            seen.add(id(module))
            for child in module.children():
                if id(child) not in seen:
                    visit(child)
            fn(module)

        visit(self)
        return self

    def named_parameters(self) -> list[tuple[str, Value]]:
        """The parameters with their dotted names (`layers.0.weight`).

        The order is that of definition, depth first; a parameter shared
        between several places appears once, under its first name. Lists and
        tuples name their items by position, dicts by key.

        Returns:
            `(name, parameter)` pairs, in a deterministic order.
        """
        out: list[tuple[str, Value]] = []
        seen_params: set[int] = set()
        seen_modules: set[int] = set()

        def walk(module: Module, prefix: str) -> None:
            seen_modules.add(id(module))
            for name, obj in module._members():
                if isinstance(obj, Module):
                    if id(obj) not in seen_modules:
                        walk(obj, prefix + name + ".")
                elif id(obj) not in seen_params:
                    seen_params.add(id(obj))
                    out.append((prefix + name, obj))

        walk(self, "")
        return out

    def parameters(self) -> list[Value]:
        """The parameters, as a list: what an optimizer is made from.

        Returns:
            The parameters, in `named_parameters` order.
        """
        return [p for _, p in self.named_parameters()]

    # -- training helpers -------------------------------------------------
    def zero_grad(self) -> None:
        """Reset the gradient of every parameter to None."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        """Put this module and every submodule in training mode (or evaluation mode).

        Args:
            mode: True for training mode, False for evaluation mode.

        Returns:
            This module.
        """
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Put this module and every submodule in evaluation mode (`Dropout` is then the identity).

        Returns:
            This module.
        """
        return self.train(False)

    # -- printing ------------------------------------------------------------
    def extra_repr(self) -> str:
        """What `repr` shows between the parentheses besides the submodules.

        Returns:
            A short string of the module's settings; "" by default.
        """
        return ""

    def __repr__(self) -> str:
        # As PyTorch's: the settings, then one indented line per submodule.
        extra = self.extra_repr()
        children = self.named_children()
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = extra.split("\n") if extra else []
        lines += [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in children]
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _expand(name: str, obj: Any) -> Iterator[tuple[str, Any]]:
    """Yield the parameters and modules in attribute `name` holding `obj`."""
    if isinstance(obj, Module):
        yield name, obj
    elif isinstance(obj, Value):
        if obj.requires_grad and obj.op == "":  # a leaf; an op's output is not a parameter
            yield name, obj
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _expand(f"{name}.{i}", item)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _expand(f"{name}.{key}", item)
