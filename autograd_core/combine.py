"""Functions of several Values: `concat`, `stack`, `where`, `maximum`, `minimum`,
each checking its arguments before its op runs. Below `Value`: they take Values,
arrays and numbers alike, and record through the op table."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import ops
from .args import axes, shape_of as _shape_of
from .checks import real_array
from .mixins import ValueMixin

__all__ = ["concat", "stack", "where", "maximum", "minimum", "operand", "vstack", "hstack"]


def _holds_value(seq: Any) -> bool:
    return any(isinstance(e, ValueMixin) or isinstance(e, (list, tuple)) and _holds_value(e)
               for e in seq)


def operand(x: Any) -> Any:
    """An operand as the ops take it: a list or tuple that holds Values is
    stacked by the `stack` op (so every Value in it is recorded, at any depth),
    one of numbers becomes an array; anything else is returned as it is.

    Args:
        x: a Value, number, array, or a (nested) list or tuple of them.

    Returns:
        `x`, or a Value or an ndarray made from the list.

    Raises:
        ValueError: the Values in the list have shapes that do not stack.
    """
    if isinstance(x, (list, tuple)):
        if _holds_value(x):
            return ops.stack(*[operand(e) for e in x], axis=0)
        return np.asarray(x)
    return x


def _operands(values: Sequence, name: str) -> list:
    """The operands of `concat` and `stack`: a list or tuple (a nested list of
    Values is stacked, each Value recorded; one of numbers becomes an array)."""
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{name}: expected a list or tuple of Values/arrays, "
                        f"got {type(values).__name__}")
    if not values:
        raise ValueError(f"{name}: needs at least one operand")
    return [operand(v) for v in values]


def concat(values: Sequence, axis: int = 0) -> Any:
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
    ndim = len(np.shape(values[0])) + 1
    return ops.stack(*values, axis=axes(axis, ndim, "stack", single=True))


def where(cond: Any, a: Any, b: Any) -> Any:
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
    c = real_array("where: cond", cond.data if isinstance(cond, ValueMixin) else cond)
    # A copy either way: the gradient uses the condition as it is now.
    c = c.copy() if c.dtype == bool else c != 0
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


def _joined(name: str, values: Any, axis: Any, lift: Any) -> Any:
    if not isinstance(values, (list, tuple)) or not values:
        raise TypeError(f"{name}: expected a non-empty list or tuple of Values")
    return concat([lift(x) for x in values], axis=axis(values) if callable(axis) else axis)


def vstack(values: Sequence) -> Any:
    """The Values stacked as rows: 1-D ones become rows, then joined along axis 0 (as NumPy's).

    Args:
        values: a list or tuple of Values or arrays.

    Returns:
        A new Value, recorded by the `concat` op.

    Raises:
        TypeError: `values` is not a non-empty list or tuple.
        ValueError: shapes that do not fit.
    """
    def row(x: Any) -> Any:
        s = _shape_of(x)
        return ops.reshape(x, shape=(1, -1)) if len(s) < 2 and hasattr(x, "_data") else \
            (np.atleast_2d(x) if len(s) < 2 else x)
    return _joined("vstack", values, 0, row)


def hstack(values: Sequence) -> Any:
    """The Values joined along axis 1 (along axis 0 if they are 1-D), as NumPy's.

    Args:
        values: a list or tuple of Values or arrays.

    Returns:
        A new Value, recorded by the `concat` op.

    Raises:
        TypeError: `values` is not a non-empty list or tuple.
        ValueError: shapes that do not fit.
    """
    return _joined("hstack", values, lambda vs: 0 if len(_shape_of(vs[0])) < 2 else 1,
                   lambda x: ops.reshape(x, shape=(-1,)) if not _shape_of(x) and hasattr(x, "_data") else x)
