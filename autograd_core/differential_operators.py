"""The functional forms of differentiation: `compute_grads`, `grad` and
`value_and_grad` (HIPS autograd's `differential_operators`, JAX's `grad`)."""
from __future__ import annotations

import functools
import numbers
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .backward import walk
from .modes import current as _current_modes, enable_grad
from .node import _seed
from .value import Value

__all__ = ["compute_grads", "value_and_grad", "grad"]


def compute_grads(root: Value, grad: Any = None, targets: Iterable | None = None,
                  create_graph: bool = False) -> dict:
    """The gradients of `root` with respect to `targets`, without touching any `.grad`.

    The same backward pass as `root.backward(grad, create_graph)`, with the
    results returned instead of accumulated: what `grad`, `gradcheck` and the
    drawings use.

    Args:
        root: the Value to differentiate.
        grad: its gradient, as for `Value.backward` (ones for a single element).
        targets: the Values whose gradients are wanted; None for every node
            that requires grad.
        create_graph: record the pass, so that the gradients are Values.

    Returns:
        A dict Value -> gradient (an ndarray, or a Value with `create_graph`),
        for the targets that `root` depends on.

    Raises:
        RuntimeError: `root` does not require grad, or a Value the pass needs
            was changed in place after the forward pass.
        ValueError: `grad` is missing or of the wrong shape.

    Examples:
        >>> from autograd_core import Value, compute_grads
        >>> x = Value([1.0, 2.0])
        >>> grads = compute_grads((x * x).sum(), targets=[x])
        >>> grads[x], x.grad
        (array([2., 4.]), None)
    """
    seed = _seed(root, grad, create_graph)
    if create_graph:
        with enable_grad():
            return walk(root, seed, create_graph=True, store=False, targets=targets)
    found = walk(root, seed, create_graph=False, store=False, targets=targets)
    return {v: g if type(g) is np.ndarray else np.asarray(g) for v, g in found.items()}


def _positions(argnums: Any) -> tuple[bool, tuple]:
    """(whether one position was given, the positions) from `argnums`."""
    def position(i: Any) -> bool:
        return isinstance(i, numbers.Integral) and not isinstance(i, (bool, np.bool_))
    if position(argnums):
        return True, (int(argnums),)
    if isinstance(argnums, (tuple, list)) and all(position(i) for i in argnums):
        if not argnums:
            raise ValueError("grad: argnums is empty; give the position of at least one argument")
        return False, tuple(int(i) for i in argnums)
    raise TypeError(f"grad: argnums must be an int or a tuple of ints, got {argnums!r}")


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning `(f(*args), gradient)` for a scalar-valued `f`, as JAX's.

    The gradient is with respect to the argument(s) at `argnums`. Arguments
    given as ndarrays or numbers give ndarray results; arguments that are
    Values requiring grad (as inside another `grad`) give Values, recorded so
    they can be differentiated again: `grad(grad(f))` works.

    Args:
        f: a function of Values returning a single-element Value.
        argnums: the position of the argument to differentiate, or a tuple
            of positions.

    Returns:
        The function `(*args, **kwargs) -> (value, gradient)`; the gradient is
        a tuple of gradients for a tuple of `argnums` (a position named twice
        gets its gradient twice). When called, it raises `TypeError` if `f`
        does not return a Value or an `argnums` is out of range, and
        `ValueError` if the Value has more than one element.

    Raises:
        TypeError: `argnums` is not an int or a tuple of ints.
        ValueError: `argnums` is an empty tuple.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import value_and_grad
        >>> f = lambda x, y: (x * y).sum()
        >>> value_and_grad(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        (array(11.), (array([3., 4.]), array([1., 2.])))
    """
    single, nums = _positions(argnums)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> tuple:
        args = list(args)
        n = len(args)
        nested = False
        for i in nums:
            if not -n <= i < n:
                raise TypeError(f"grad: argnums {i} is out of range for {n} arguments")
        for i in sorted({i % n for i in nums}):  # each argument once, however often named
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
    """A function returning the gradient of a scalar-valued `f` at its arguments, as JAX's.

    Args:
        f: a function of Values returning a single-element Value.
        argnums: the position of the argument to differentiate, or a tuple
            of positions.

    Returns:
        The function `(*args, **kwargs) -> gradient` (see `value_and_grad`,
        whose errors it raises).

    Examples:
        >>> from autograd_core import grad
        >>> d2 = grad(grad(lambda x: x ** 3))  # 6 x
        >>> float(d2(2.0))
        12.0
    """
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapper
