"""Functions on several Values, and the functional forms of differentiation:
`compute_grads`, `grad` and `value_and_grad`."""
from __future__ import annotations

import functools
import numbers
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from . import ops
from .backward import walk
from .checks import real_array
from .modes import current as _current_modes, enable_grad
from .numpy_api import operand
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
    return [operand(v) for v in values]  # a nested list of Values is stacked, and recorded


def concat(values: Sequence, axis: int = 0) -> Value:
    """Join Values along an existing axis; each input's gradient is its slice.

    Args:
        values: a list or tuple of Values, arrays or nested lists (a nested
            list of Values is stacked, each Value recorded), with the same
            number of dimensions (at least one) and the same sizes except
            along `axis`.
        axis: the axis to join along.

    Returns:
        A new Value, recorded by the `concat` op.

    Raises:
        TypeError: `values` is not a list or tuple, or `axis` is not an int.
        ValueError: no operands, 0-d operands, operands of different numbers of
            dimensions or of sizes that do not fit, or `axis` out of range.

    Examples:
        >>> from autograd_core import Value, concat
        >>> a, b = Value([1.0, 2.0]), Value([3.0])
        >>> c = concat([a, b])
        >>> c
        Value([1., 2., 3.], op='concat')
        >>> (c * c).sum().backward()
        >>> b.grad
        array([6.])
    """
    values = _operands(values, "concat")
    shapes = [_shape(v) for v in values]
    if any(len(s) == 0 for s in shapes):
        raise ValueError(f"concat: 0-d operands cannot be concatenated (shapes {shapes}); use stack")
    ax = _axis(axis, len(shapes[0]), "concat")
    if any(len(s) != len(shapes[0]) for s in shapes):
        raise ValueError(f"concat: operands differ in number of dimensions (shapes {shapes})")
    return ops.concat(*values, axis=ax, sizes=tuple(s[ax] for s in shapes))


def stack(values: Sequence, axis: int = 0) -> Value:
    """Join Values of one shape along a new axis; each input's gradient is its slice.

    Args:
        values: a list or tuple of Values, arrays or nested lists (as for
            `concat`), all of the same shape.
        axis: the position of the new axis in the result.

    Returns:
        A new Value, recorded by the `stack` op.

    Raises:
        TypeError: `values` is not a list or tuple, or `axis` is not an int.
        ValueError: no operands, operands of different shapes, or `axis` out
            of range.

    Examples:
        >>> from autograd_core import Value, stack
        >>> stack([Value([1.0, 2.0]), Value([3.0, 4.0])], axis=1).shape
        (2, 2)
    """
    values = _operands(values, "stack")
    ndim = len(_shape(values[0])) + 1
    return ops.stack(*values, axis=_axis(axis, ndim, "stack"))


def where(cond: Any, a: Any, b: Any) -> Value:
    """Elementwise `a` where `cond` is true, else `b`; gradients flow to the chosen side.

    Args:
        cond: a boolean array (a Value's data, or numbers, are read as
            `!= 0`); it records no gradient. Anything that is not real
            numbers (a string, None) raises `TypeError`.
        a: the elements where `cond` is true (a Value, number or array).
        b: the elements where it is false.

    Returns:
        A new Value of the broadcast shape, recorded by the `where` op.

    Raises:
        ValueError: the shapes do not broadcast together.
        TypeError: `cond` is not real numbers.

    Examples:
        >>> from autograd_core import Value, where
        >>> x = Value([-1.0, 2.0])
        >>> where(x > 0, x, 0.0)
        Value([0., 2.], op='where')
    """
    c = real_array("where: cond", cond.data if isinstance(cond, Value) else cond)
    # A copy either way: the gradient uses the condition as it is now.
    c = c.copy() if c.dtype == bool else c != 0
    return ops.where(a, b, cond=c)


def maximum(a: Any, b: Any) -> Value:
    """Elementwise maximum; tied elements share the gradient evenly.

    Args:
        a: a Value, number or array.
        b: a Value, number or array.

    Returns:
        A new Value of the broadcast shape, recorded by the `maximum` op.

    Raises:
        ValueError: the shapes do not broadcast together.

    Examples:
        >>> from autograd_core import Value, maximum
        >>> x = Value([1.0, 2.0])
        >>> maximum(x, 2.0).sum().backward()
        >>> x.grad
        array([0. , 0.5])
    """
    return ops.maximum(a, b)


def minimum(a: Any, b: Any) -> Value:
    """Elementwise minimum; tied elements share the gradient evenly.

    Args:
        a: a Value, number or array.
        b: another, broadcast against `a`.

    Returns:
        A new Value, recorded by the `minimum` op.

    Raises:
        ValueError: as for `maximum`.
    """
    return ops.minimum(a, b)


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
            return walk(root, seed, True, False, targets)
    found = walk(root, seed, False, False, targets)
    return {v: g if type(g) is np.ndarray else np.asarray(g) for v, g in found.items()}


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
        a tuple of gradients for a tuple of `argnums`. When called, it raises
        `TypeError` if `f` does not return a Value or an `argnums` is out of
        range, and `ValueError` if the Value has more than one element.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import value_and_grad
        >>> f = lambda x, y: (x * y).sum()
        >>> value_and_grad(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        (array(11.), (array([3., 4.]), array([1., 2.])))
    """
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
