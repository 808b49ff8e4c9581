"""Functions of several Values: `concat`, `stack`, `where`, `maximum`, `minimum`,
each checking its arguments before its op runs. Below `Value`: they take Values,
arrays and numbers alike, and record through the op table."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import ops
from .args import axes

__all__ = ["concat", "stack", "where", "maximum", "minimum"]


def _operands(values: Sequence, name: str) -> list:
    """The operands of `concat` and `stack`: a list or tuple (nested lists become arrays)."""
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{name}: expected a list or tuple of Values/arrays, "
                        f"got {type(values).__name__}")
    if not values:
        raise ValueError(f"{name}: needs at least one operand")
    return [np.asarray(v) if isinstance(v, (list, tuple)) else v for v in values]


def concat(values: Sequence, axis: int = 0) -> Any:
    """Join Values along an existing axis; each input's gradient is its slice.

    Args:
        values: a list or tuple of Values, arrays or nested lists, with the
            same number of dimensions (at least one) and the same sizes except
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
    shapes = [np.shape(v) for v in values]
    if any(len(s) == 0 for s in shapes):
        raise ValueError(f"concat: 0-d operands cannot be concatenated (shapes {shapes}); use stack")
    ax = axes(axis, len(shapes[0]), "concat", single=True)
    if any(len(s) != len(shapes[0]) for s in shapes):
        raise ValueError(f"concat: operands differ in number of dimensions (shapes {shapes})")
    return ops.concat(*values, axis=ax, sizes=tuple(s[ax] for s in shapes))


def stack(values: Sequence, axis: int = 0) -> Any:
    """Join Values of one shape along a new axis; each input's gradient is its slice.

    Args:
        values: a list or tuple of Values, arrays or nested lists, all of the
            same shape.
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
    ndim = len(np.shape(values[0])) + 1
    return ops.stack(*values, axis=axes(axis, ndim, "stack", single=True))


def where(cond: Any, a: Any, b: Any) -> Any:
    """Elementwise `a` where `cond` is true, else `b`; gradients flow to the chosen side.

    Args:
        cond: a boolean array (a Value's data, or numbers, are read as
            `!= 0`); it records no gradient.
        a: the elements where `cond` is true (a Value, number or array).
        b: the elements where it is false.

    Returns:
        A new Value of the broadcast shape, recorded by the `where` op.

    Raises:
        ValueError: the shapes do not broadcast together.

    Examples:
        >>> from autograd_core import Value, where
        >>> x = Value([-1.0, 2.0])
        >>> where(x > 0, x, 0.0)
        Value([0., 2.], op='where')
    """
    c = np.asarray(cond)  # a Value gives its data
    if c.dtype != bool:
        c = c != 0
    return ops.where(a, b, cond=c)


def maximum(a: Any, b: Any) -> Any:
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


def minimum(a: Any, b: Any) -> Any:
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
