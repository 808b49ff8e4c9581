"""The op record: what an op is, and the table every op registers into.

This module is the bottom of the engine: it knows nothing of `Value`. The op
modules (`autograd_core.ops`) define their forwards and VJPs with the `op`
decorator, exactly as a user writes an op, and are registered into `OPS`;
`node.py`, above them, applies an op to Values. Calling an `Op` goes through
`registry.apply`, which `value.py` sets to `node.apply` when it is imported:
the place where a lower module uses a name from a higher one (as `node.py`
uses `Value`, given the same way).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["OPS", "NO_PARAMS", "Op", "op", "passthrough", "register"]

OPS: dict[str, "Op"] = {}
"""Every op of the library by name (the `.op` of the Values it makes); the tests enumerate it."""

NO_PARAMS: dict = {}
"""The keyword parameters of an op called without any; shared, never mutated."""


def passthrough(g: Any, out: Any, *inputs: Any, **params: Any) -> Any:
    """The VJP of an input whose derivative is 1: the gradient passes unchanged.

    The backward walk recognises it and skips the call; an op whose every VJP
    is `passthrough` is not checked for inputs changed in place (it never
    reads them).

    Args:
        g: the gradient of the op's output.
        out: the op's output.
        *inputs: the op's inputs.
        **params: the op's keyword parameters.

    Returns:
        `g` itself.
    """
    return g


def _not_installed(op: "Op", inputs: tuple, params: dict) -> Any:
    raise RuntimeError("autograd_core.value is not imported; import autograd_core first")


apply: Callable[["Op", tuple, dict], Any] = _not_installed
"""`apply(op, inputs, params)`: run `op` and record the node; set by value.py to
`node.apply` (the hand-off described above). Look it up when calling
(`registry.apply(...)`), never import the name: it is replaced."""


class Op:
    """One differentiable operation: a forward on ndarrays and its VJPs.

    Made by the `op` decorator. `vjps[i](g, out, *inputs, **params)` returns
    the gradient for input `i` given the output gradient `g`. On the
    first-order path all arguments are ndarrays; under
    `backward(create_graph=True)` they are Values, so the same rule records
    the graph of the backward pass. Ops with a variable number of inputs give
    `vjp_all` instead, which returns one gradient per input. Calling an op
    applies it to Values, numbers or arrays and returns a Value (see
    `node.apply`).

    Args:
        name: the op's name.
        forward: the forward, on ndarrays.
        vjps: one VJP per input, or None when `vjp_all` is given.
        vjp_all: one VJP for all inputs, or None.
        doc: the one-line docstring stating the derivative.
    """

    __slots__ = ("name", "forward", "vjps", "vjp_all", "doc", "needs_inputs", "__weakref__")

    def __init__(self, name: str, forward: Callable, vjps: tuple | None = None,
                 vjp_all: Callable | None = None, doc: str = "") -> None:
        self.name = name
        """The op's name: the `.op` of the Values it makes."""
        self.forward = forward
        """The forward: `forward(*arrays, **params)` returns an ndarray."""
        self.vjps = vjps
        """One VJP per input, `vjp(g, out, *inputs, **params)`, or None."""
        self.vjp_all = vjp_all
        """For a variable number of inputs: one function returning every gradient."""
        self.doc = doc
        """The forward's docstring, stating the derivative."""
        self.needs_inputs = not (vjps and all(v is passthrough for v in vjps))
        """Whether the VJPs read the inputs' data (all but ops whose every VJP is
        `passthrough`): the version check looks at the inputs if so."""

    def __call__(self, *inputs: Any, **params: Any) -> Any:
        return apply(self, inputs, params)

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def _frozen(a: Any) -> Any:
    """A read-only view of the ndarray `a` (anything else as it is)."""
    if type(a) is np.ndarray and a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def _read_only(vjp: Callable, name: str, which: str) -> Callable:
    """`vjp`, handed read-only views of the arrays it receives (the output's
    gradient, the output and the inputs, which other nodes share), so that a
    VJP that writes into one (`g[mask] = 0`) fails at once instead of
    corrupting another node's gradient."""
    if vjp is passthrough:
        return vjp

    def guarded(g: Any, out: Any, *inputs: Any, **params: Any) -> Any:
        try:
            return vjp(_frozen(g), _frozen(out), *[_frozen(a) for a in inputs], **params)
        except ValueError as e:
            if "read-only" not in str(e):
                raise
            raise ValueError(
                f"{name}: {which} wrote into an array it was handed (g, out or an input); "
                f"they are read-only, being the graph's own arrays that other nodes share: "
                f"compute a new array instead (g * mask, or g = g.copy() first)") from e

    guarded.unguarded = vjp  # (not __wrapped__, which functools.wraps sets on wrappers)
    return guarded


def op(*vjps: Callable, vjp_all: Callable | None = None,
       name: str | None = None) -> Callable[[Callable], Op]:
    """Make the decorated forward (on ndarrays) an op with one VJP per input.

    Each VJP is `vjp(g, out, *inputs, **params)` and returns the gradient of
    its input given the output's gradient `g`; it may return a gradient of the
    output's broadcast shape (the engine reduces it to the input's shape).
    Written with operators and NumPy's functions, a VJP
    runs on ndarrays in a plain backward pass and on Values under
    `backward(create_graph=True)`, so the op can be differentiated again.

    Args:
        *vjps: one vector-Jacobian product per input, in the inputs' order;
            `passthrough` for an input whose derivative is 1.
        vjp_all: instead of `vjps`, for ops with a variable number of inputs:
            `vjp_all(g, out, *inputs, **params)` returns one gradient per input.
        name: the op's name (default: the forward's name).

    Returns:
        A decorator turning the forward into an `Op`.

    Raises:
        TypeError: both `vjps` and `vjp_all` are given, or a VJP or the
            forward is not callable.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value, op
        >>> @op(lambda g, out, x: g * 3 * x ** 2)
        ... def cube(x):
        ...     return x ** 3
        >>> x = Value(2.0)
        >>> cube(x).backward()
        >>> float(x.grad)
        12.0
    """
    if vjps and vjp_all is not None:
        raise TypeError("op: give either one VJP per input or vjp_all, not both")
    for v in vjps + ((vjp_all,) if vjp_all is not None else ()):
        if not callable(v):
            raise TypeError(f"op: a VJP must be callable, got {type(v).__name__}")

    def decorate(forward: Callable) -> Op:
        if not callable(forward):
            raise TypeError(f"op: the forward must be callable, got {type(forward).__name__}")
        title = name or forward.__name__
        # Until `register` takes it into the library (whose VJPs never write
        # into what they are handed, and run unguarded), each VJP gets read-only arrays.
        guarded = tuple(_read_only(v, title, f"the VJP of input {i}") for i, v in enumerate(vjps))
        whole = None if vjp_all is None else _read_only(vjp_all, title, "vjp_all")
        return Op(title, forward, guarded or None, whole, (forward.__doc__ or "").strip())
    return decorate


def register(module: Any) -> None:
    """Add every `Op` defined at the top level of `module` to the table `OPS`.

    The library's op modules are registered by `autograd_core.ops`; a user's
    own ops stay out of the library's table.

    Args:
        module: a module whose ops are defined with `op`.

    Raises:
        ValueError: two different ops have the same name.
    """
    for value in vars(module).values():
        if isinstance(value, Op) and value.forward.__module__ == module.__name__:
            if value.name in OPS and OPS[value.name] is not value:
                raise ValueError(f"register: two ops are named {value.name!r}")
            OPS[value.name] = value
            # The library's VJPs run as written: read-only views would cost a
            # call and two views per node on the hot path.
            if value.vjps is not None:
                value.vjps = tuple(getattr(v, "unguarded", v) for v in value.vjps)
            value.vjp_all = getattr(value.vjp_all, "unguarded", value.vjp_all)
