"""Carrying any module to PyTorch by tracing: the recorded graph is the program.

One forward pass on an example input records a graph whose nodes name their
op (`Value.op`), their inputs (`Value.parents`) and their keyword parameters
(the axes, shapes and indices the op ran with). Walked from the output, it is
a straight-line program; `TracedModule` (`nn.bridge_replay`) replays it with PyTorch's functions
(`nn.bridge_ops.TORCH_OPS`, one entry per op), its leaves being the module's parameters
(torch Parameters under the same names), its buffers, the input, and
constants. The layers that `nn.bridge_layers` maps are not traced into:
their calls are recorded whole and replayed as the `torch.nn` layers they
map to (so a `Dropout` draws new masks and a `BatchNorm` updates its running
statistics in PyTorch too).

What runs is what ran on the example, but for the batch axis: a reshape or a
broadcast that keeps the example's first axis (of an input of two axes or
more) keeps the first axis of any input. A forward whose graph depends on the
data (an `if` on a value, a mask or an index computed from the input, a
number of steps read from it) is carried as traced, its choices fixed as
they were made on the example. The trace runs on a deep copy of the module,
so the module (its random generators, its running statistics) is left as
it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Value, enable_grad, get_default_dtype

from . import hooks
from .bridge_ops import TORCH_OPS
from .bridge_optim import qualname
from .bridge_replay import Ref, place, traced_class
from .module import Module

__all__ = ["trace"]


def trace(carrier: Any, module: Module, example_input: Any) -> Any:
    """The torch module that replays one forward pass of `module` on `example_input`.

    Args:
        carrier: the bridge's `_ToTorch` carrier (it converts the mapped
            layers and makes the torch Parameters, shared where ours are).
        module: the module to carry.
        example_input: an input batch.

    Returns:
        A `TracedModule` (a `torch.nn.Module`), in the module's training mode.

    Raises:
        TypeError: the forward used an op with no PyTorch counterpart, or did
            not return a Value (or a tuple of them); naming the module's class.
    """
    return _Tracer(carrier, module).run(example_input)


class _Tracer:
    """One trace: the copy that runs, the recorded calls of mapped layers, the steps."""

    def __init__(self, carrier: Any, module: Module) -> None:
        self.carrier, self.torch, self.module = carrier, carrier.torch, module
        self.name = qualname(type(module))
        # A deep copy runs the pass, so the module keeps its generators and statistics;
        # its parts are matched to the module's by position in the same walks.
        self.copy = copy.deepcopy(module)
        self.originals = {id(c): o for c, o in zip(self.copy.modules(), module.modules())}
        params = module.named_parameters()
        self.param_names = {id(c): (n, p) for (n, p), (_, c)
                            in zip(params, self.copy.named_parameters())}
        self.buffers = {id(b): n for n, b in _named_buffers(self.copy)}
        self.copy_buffer_shapes = {n: np.shape(b) for n, b in _named_buffers(self.copy)}
        self.paths = _module_paths(module)
        self.paths_of = {id(m): p for p, m in self.paths.items()}
        self.calls: dict[int, tuple[Module, tuple, dict, Any]] = {}
        self.depth = 0
        self.root = traced_class(self.torch)(type(module).__name__)
        self.refs: dict[int, Ref] = {}

    def run(self, example_input: Any) -> Any:
        x = self._input(example_input)
        self.input = x
        self.batch = x.shape[0] if np.ndim(x) >= 2 else None  # as export_onnx's free axis
        with enable_grad(), hooks.intercepting(self._around):
            out = self.copy(x)
        self._place_state()
        self.root.output = self._output(out)
        self.root.training = self.module.training
        return self.root

    def _input(self, example_input: Any) -> Any:
        """The example as a Value that requires grad (integer input as an array)."""
        data = example_input.data if isinstance(example_input, Value) else example_input
        arr = np.array(data)
        if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise TypeError(f"to_torch: example_input must hold real numbers, got "
                            f"dtype {arr.dtype}")
        if np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
            return arr  # indices (an Embedding's input): not differentiable
        params = self.module.parameters()
        dtype = params[0].dtype if params else np.dtype(get_default_dtype())
        return Value(arr.astype(dtype), requires_grad=True)

    def _around(self, module: Module, run: Callable[[], Any], args: tuple,
                kwargs: dict) -> Any:
        """Record whole the calls of the layers the tables map (not those inside them)."""
        if self.depth or module is self.copy or self.carrier.needs_trace(module) is not None:
            return run()
        self.depth += 1
        try:
            out = run()
        finally:
            self.depth -= 1
        if isinstance(out, Value):
            self.calls[id(out)] = (module, args, kwargs, out)
        return out

    # -- the module's state, under its own names -----------------------------------
    def _place_state(self) -> None:
        """Put the module's parameters, buffers and mapped layers on the root."""
        for name, p in self.module.named_parameters():
            owner = self._mapped_owner(name)
            if owner is None:
                place(self.torch, self.root, name, self.carrier.parameter(p), "parameter")
        for name, b in _named_buffers(self.module):
            if self._mapped_owner(name) is None:
                place(self.torch, self.root, name, self.torch.tensor(b), "buffer")

    def _mapped_owner(self, name: str) -> Module | None:
        """The mapped layer (placed whole on the root) that holds the parameter `name`."""
        parts = name.split(".")
        for k in range(1, len(parts)):
            owner = self.paths.get(".".join(parts[:k]))
            if owner is not None and self.carrier.needs_trace(owner) is None:
                self._layer(owner)
                return owner
        return None

    def _layer(self, original: Module) -> str:
        """The path on the root of a mapped layer, converted and placed once."""
        path = self.paths_of[id(original)]
        try:
            self.root.get_submodule(path)
        except AttributeError:
            place(self.torch, self.root, path, self.carrier(original), "module")
        return path

    # -- the program ---------------------------------------------------------------
    def _output(self, out: Any) -> Any:
        if isinstance(out, Value):
            return self._ref(out)
        if isinstance(out, (tuple, list)) and out and all(isinstance(o, Value) for o in out):
            return tuple(self._ref(o) for o in out)
        raise TypeError(f"to_torch: {self.name}.forward returned {type(out).__name__}, "
                        f"not a Value (or a tuple of Values): it cannot be traced")

    def _ref(self, root: Value) -> Ref:
        """The reference to `root`'s value, after the steps that compute it (added in
        dependency order by an iterative depth-first walk)."""
        stack = [(root, False)]
        while stack:
            v, ready = stack.pop()
            if id(v) in self.refs:
                continue
            inputs = self._inputs_of(v)
            if not ready:
                stack.append((v, True))
                stack.extend((p, False) for p in inputs if id(p) not in self.refs)
                continue
            self.refs[id(v)] = self._step(v)
        return self.refs[id(root)]

    def _inputs_of(self, v: Value) -> list[Value]:
        """The Values a node's step reads (none for leaves)."""
        if id(v) in self.calls:
            _, args, kwargs, _ = self.calls[id(v)]
            return [a for a in (*args, *kwargs.values()) if isinstance(a, Value)]
        if v is self.input or v.op == "":
            return []
        return list(v.parents)

    def _step(self, v: Value) -> Ref:
        """Add the step computing `v` (or return the reference to a leaf)."""
        if v is self.input:
            return Ref("input", 0)
        steps = self.root.steps
        if id(v) in self.calls:
            layer, args, kwargs, _ = self.calls[id(v)]
            path = self._layer(self.originals[id(layer)])
            steps.append(("module", path, self._operands(args), self._operands(kwargs)))
            return Ref("step", len(steps) - 1)
        if v.op == "":
            return self._leaf(v)
        if v.op not in TORCH_OPS:
            raise TypeError(f"to_torch: {self.name}.forward uses the op {v.op!r}, which the "
                            f"tracer cannot carry to PyTorch (nn.bridge_ops.TORCH_OPS has "
                            f"no entry for it)")
        args = tuple(self.refs[id(p)] for p in v.parents)
        params = self._operands(dict(v.params))
        steps.append(("op", self._batch_free(v, params), args, params))
        return Ref("step", len(steps) - 1)

    def _batch_free(self, v: Value, params: dict) -> str:
        """The op to replay: a reshape or broadcast that keeps the example's batch axis
        first keeps the batch axis of whatever input comes (`*_batch` in TORCH_OPS)."""
        if v.op in ("reshape", "broadcast_to") and self.batch is not None:
            shape, source = params.get("shape"), v.parents[0].shape
            if v.op == "broadcast_to" and len(source) < len(shape or ()):
                source = (1,) * (len(shape) - len(source)) + tuple(source)
            keeps = source and (source[0] == self.batch or (v.op == "broadcast_to"
                                                            and source[0] == 1))
            if shape and shape[0] == self.batch and keeps:
                return v.op + "_batch"
        return v.op

    def _leaf(self, v: Value) -> Ref:
        """A parameter (by its name on the root), a buffer, or a constant."""
        found = self.param_names.get(id(v))
        if found is not None:
            name, original = found
            theirs = self.carrier.parameter(original, self._transposed(original))
            return Ref("param", self._param_path(theirs), self._transposed(original))
        return self._constant(v.data)

    def _transposed(self, original: Value) -> bool:
        entry = self.carrier.carried.get(id(original))
        return bool(entry and entry[2])

    def _param_path(self, theirs: Any) -> str:
        for name, p in self.root.named_parameters(remove_duplicate=True):
            if p is theirs:
                return name
        raise AssertionError("a carried parameter is on the root")  # placed by _place_state

    def _is_input(self, obj: np.ndarray) -> bool:
        """Whether an array operand is the (integer) example input. The engine
        keeps a copy of every array operand as it was when the op ran, so the
        copy is recognised by its contents, not by identity."""
        x = self.input
        return obj is x or (isinstance(x, np.ndarray) and obj.shape == x.shape
                            and obj.dtype == x.dtype and np.array_equal(obj, x))

    def _constant(self, data: Any) -> Ref:
        """A buffer of the module, or a new non-persistent buffer. Array
        operands reach the graph as copies, so a buffer is recognised by
        identity or, failing that, by equal shape, dtype and contents."""
        name = self.buffers.get(id(data), self.buffers.get(id(getattr(data, "base", None))))
        if name is None:
            name = next((n for n, b in _named_buffers(self.copy)
                         if np.shape(b) == np.shape(data) and np.asarray(b).dtype == data.dtype
                         and np.array_equal(b, data)), None)
        if name is not None and np.shape(data) == self.copy_buffer_shapes[name]:
            return Ref("buffer", name)
        name = f"_constant{len(self.root._buffers)}"
        self.root.register_buffer(name, self.torch.tensor(np.asarray(data)), persistent=False)
        return Ref("buffer", name)

    def _operands(self, obj: Any) -> Any:
        """Arguments and op parameters, with Values and arrays as references."""
        if isinstance(obj, Value):
            return self.refs[id(obj)] if id(obj) in self.refs else self._ref(obj)
        if isinstance(obj, np.ndarray):
            return Ref("input", 0) if self._is_input(obj) else self._constant(obj)
        if type(obj) in (tuple, list):
            return type(obj)(self._operands(o) for o in obj)
        if type(obj) is dict:
            return {k: self._operands(o) for k, o in obj.items()}
        return obj


def _named_buffers(module: Module) -> list[tuple[str, np.ndarray]]:
    named = getattr(module, "named_buffers", None)
    return list(named()) if named is not None else []


def _module_paths(module: Module) -> dict[str, Module]:
    """Every submodule by its dotted name (the first name, for one met twice)."""
    paths: dict[str, Module] = {}
    seen: set[int] = set()

    def walk(m: Module, prefix: str) -> None:
        seen.add(id(m))
        for name, child in m.named_children():
            if id(child) not in seen:
                paths[prefix + name] = child
                walk(child, prefix + name + ".")

    walk(module, "")
    return paths
