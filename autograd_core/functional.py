"""Functions on several Values, and the functional forms of differentiation:
`compute_grads`, `grad` and `value_and_grad`."""
from __future__ import annotations

import functools
import numbers
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from . import ops
from .backward import walk
from .modes import current as _current_modes, enable_grad
from .value import Value, _seed

__all__ = ["concat", "stack", "where", "maximum", "minimum", "compute_grads",
           "value_and_grad", "grad"]


def _shape(x: Any) -> tuple:
    return x.shape if isinstance(x, Value) else np.shape(x)


def _axis(axis: Any, ndim: int, name: str) -> int:
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"{name}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for {ndim} dimensions")
    return int(axis) % ndim


def _operands(values: Sequence, name: str) -> list:
    if isinstance(values, (Value, np.ndarray)) or not isinstance(values, (list, tuple)):
        raise TypeError(f"{name}: expected a list or tuple of Values/arrays, got {type(values).__name__}")
    if not values:
        raise ValueError(f"{name}: needs at least one operand")
    return [np.asarray(v) if isinstance(v, (list, tuple)) else v for v in values]


def concat(values: Sequence, axis: int = 0) -> Value:
    """Join Values along an existing axis; each input's gradient is its slice."""
    values = _operands(values, "concat")
    shapes = [_shape(v) for v in values]
    if any(len(s) == 0 for s in shapes):
        raise ValueError(f"concat: 0-d operands cannot be concatenated (shapes {shapes}); use stack")
    ax = _axis(axis, len(shapes[0]), "concat")
    if any(len(s) != len(shapes[0]) for s in shapes):
        raise ValueError(f"concat: operands differ in number of dimensions (shapes {shapes})")
    return ops.concat(*values, axis=ax, sizes=tuple(s[ax] for s in shapes))


def stack(values: Sequence, axis: int = 0) -> Value:
    """Join Values along a new axis; each input's gradient is its slice."""
    values = _operands(values, "stack")
    ndim = len(_shape(values[0])) + 1
    return ops.stack(*values, axis=_axis(axis, ndim, "stack"))


def where(cond: Any, a: Any, b: Any) -> Value:
    """Elementwise `a` where `cond` else `b`; gradients flow to the chosen side."""
    c = cond.data if isinstance(cond, Value) else np.asarray(cond)
    if c.dtype != bool:
        c = c != 0
    return ops.where(a, b, cond=c)


def maximum(a: Any, b: Any) -> Value:
    """Elementwise maximum; tied elements share the gradient evenly."""
    return ops.maximum(a, b)


def minimum(a: Any, b: Any) -> Value:
    """Elementwise minimum; tied elements share the gradient evenly."""
    return ops.minimum(a, b)


def compute_grads(root: Value, grad: Any = None, targets: Iterable | None = None,
                  create_graph: bool = False) -> dict:
    """Gradients of `root` with respect to `targets` (every node if None), as a
    dict Value -> gradient, without touching any `.grad`."""
    seed = _seed(root, grad, create_graph)
    if create_graph:
        with enable_grad():
            return walk(root, seed, True, False, targets)
    found = walk(root, seed, False, False, targets)
    return {v: g if type(g) is np.ndarray else np.asarray(g) for v, g in found.items()}


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning `(f(*args), gradient)` for a scalar-valued `f`.

    The gradient is with respect to the argument(s) at `argnums` (a tuple of
    gradients for a tuple of argnums). Arguments given as ndarrays or numbers
    give ndarray results; arguments that are Values requiring grad give Values,
    recorded so they can be differentiated again: `grad(grad(f))` works."""
    single = isinstance(argnums, numbers.Integral)
    nums = (int(argnums),) if single else tuple(argnums)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> tuple:
        args = list(args)
        nested = False
        for i in nums:
            if not -len(args) <= i < len(args):
                raise TypeError(f"grad: argnums {i} is out of range for {len(args)} arguments")
            a = args[i]
            if isinstance(a, Value) and a.requires_grad and _current_modes().grad_enabled:
                nested = True
            else:
                args[i] = Value(a)
        targets = [args[i] for i in nums]
        with enable_grad():
            out = f(*args, **kwargs)
        if not isinstance(out, Value):
            raise TypeError(f"grad: f must return a Value, got {type(out).__name__}")
        if out.size != 1:
            raise ValueError(f"grad: f must return a single-element Value, got shape {out.shape}")
        found = compute_grads(out, targets=targets, create_graph=nested) if out.requires_grad else {}
        grads = []
        for t in targets:
            g = found[t] if t in found else np.zeros_like(t.data)
            if nested and not isinstance(g, Value):
                g = Value(g, requires_grad=False)
            grads.append(g if nested else np.asarray(g))
        value = out if nested else out.data
        return value, (grads[0] if single else tuple(grads))

    return wrapper


def grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning the gradient of scalar-valued `f` at its arguments."""
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapper
