"""Replaying a traced forward pass in PyTorch: the program's references, and the
torch module that runs it.

A trace (`nn.bridge_trace`) turns a recorded graph into steps, each naming an
op of `nn.bridge_ops.TORCH_OPS` (or a mapped layer, by its path on the root)
and its operands; an operand that is a value the replay supplies (the input,
a parameter, a buffer, an earlier step's result) is a `Ref`. `TracedModule`
holds the steps and, called, resolves the references and runs them.
"""

from __future__ import annotations

from typing import Any

from .bridge_ops import TORCH_OPS

__all__ = ["Ref", "place", "resolve", "traced_class"]


class Ref:
    """A reference, inside a recorded step, to a value the replay supplies: `kind` is
    `"step"` (an earlier step's result, by index), `"input"`, `"param"` or `"buffer"`
    (by name on the root, `transposed` for a weight stored the other way)."""

    __slots__ = ("kind", "key", "transposed")

    def __init__(self, kind: str, key: Any, transposed: bool = False) -> None:
        self.kind, self.key, self.transposed = kind, key, transposed

    def __repr__(self) -> str:
        return f"{self.kind}:{self.key}{'.T' if self.transposed else ''}"


def resolve(obj: Any, module: Any, inputs: tuple, env: list) -> Any:
    """`obj` with every `Ref` in it (in tuples, lists, dicts) replaced by its value."""
    if type(obj) is Ref:
        if obj.kind == "step":
            return env[obj.key]
        if obj.kind == "input":
            return inputs[obj.key]
        t = module.get_parameter(obj.key) if obj.kind == "param" else module.get_buffer(obj.key)
        return t.T if obj.transposed else t
    if type(obj) in (tuple, list):
        return type(obj)(resolve(o, module, inputs, env) for o in obj)
    if type(obj) is dict:
        return {k: resolve(v, module, inputs, env) for k, v in obj.items()}
    return obj


_CLASS: list[type] = []


def traced_class(torch: Any) -> type:
    """`TracedModule`, made on first use (so that `nn` imports without torch)."""
    if _CLASS:
        return _CLASS[0]

    class TracedModule(torch.nn.Module):
        """A module carried from autograd-core by tracing: it replays the recorded ops.

        Its parameters and buffers have the names they had there; the layers
        the bridge maps are its submodules; `steps` is the program, one
        `(op or submodule path, inputs, parameters)` per recorded node.
        """

        def __init__(self, name: str) -> None:
            super().__init__()
            self.traced_from = name
            self.steps: list[tuple[str, str, tuple, dict]] = []
            self.output: Any = None
            self.op_table = TORCH_OPS

        def forward(self, input: Any) -> Any:
            inputs, env = (input,), []
            for kind, target, args, params in self.steps:
                args = resolve(args, self, inputs, env)
                params = resolve(params, self, inputs, env)
                if kind == "op":
                    env.append(self.op_table[target](torch, *args, **params))
                else:
                    env.append(self.get_submodule(target)(*args, **params))
            return resolve(self.output, self, inputs, env)

        def extra_repr(self) -> str:
            return f"traced from {self.traced_from}: {len(self.steps)} steps"

    _CLASS.append(TracedModule)
    return TracedModule


def place(torch: Any, root: Any, path: str, obj: Any, kind: str) -> None:
    """Set `obj` at the dotted `path` under `root`, making plain containers on the way."""
    *parents, last = path.split(".")
    node = root
    for part in parents:
        child = node._modules.get(part)
        if child is None:
            child = torch.nn.Module()
            node.add_module(part, child)
        node = child
    if kind == "parameter":
        node.register_parameter(last, obj)
    elif kind == "buffer":
        node.register_buffer(last, obj)
    else:
        node.add_module(last, obj)
