"""The structure of matrices as functions: `diagonal`, `trace`, `diag`,
`tril`, `triu`, and NumPy's `linalg.norm`, with the checks that name the bad
argument.

`tril` and `triu` are ops of their own; the others are compositions (an
indexing, a sum, a scatter, the norms' reductions), whose gradients are exact.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import ops
from .args import shape_of as _shape, spelled
from .statistics import norm

__all__ = ["diagonal", "trace", "diag", "tril", "triu", "linalg_norm"]


def diagonal(v: Any, offset: int = 0, axis1: Any = None, axis2: Any = None, *, dim1: Any = None,
             dim2: Any = None) -> Any:
    """The diagonal of the axes `axis1`, `axis2` (default 0 and 1), as a last axis (as NumPy and PyTorch).

    Args:
        v: a Value of at least 2 dimensions.
        offset: above the main diagonal if positive, below if negative.
        axis1: the first axis (PyTorch: `dim1=`).
        axis2: the second (PyTorch: `dim2=`).
        dim1: PyTorch's name for `axis1`.
        dim2: PyTorch's name for `axis2`.

    Returns:
        A new Value, recorded by the `getitem` op.

    Raises:
        TypeError: both spellings of an axis, or an offset that is not an int.
        ValueError: fewer than 2 dimensions, or axes out of range or equal.
    """
    shape = _shape(v)
    if len(shape) < 2:
        raise ValueError(f"diagonal: needs at least 2 dimensions, got shape {shape}")
    if isinstance(offset, bool) or not isinstance(offset, numbers.Integral):
        raise TypeError(f"diagonal: offset must be an int, got {offset!r}")
    n = len(shape)
    i, j = (spelled("diagonal", x, y, f"axis{k}", f"dim{k}", k - 1)
            for k, x, y in ((1, axis1, dim1), (2, axis2, dim2)))
    if not (-n <= i < n and -n <= j < n) or i % n == j % n:
        raise ValueError(f"diagonal: axes {i} and {j} are out of range or equal for shape {shape}")
    i, j = i % n, j % n
    rest = [k for k in range(n) if k not in (i, j)]
    moved = ops.transpose(v, axes=tuple(rest + [i, j]))
    rows, cols = shape[i], shape[j]
    size = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    k = np.arange(size)
    return ops.getitem(moved, index=(Ellipsis, k + max(-offset, 0), k + max(offset, 0)), accumulate=False)


def trace(v: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The sum of the diagonal (`offset` from the main one), as `np.trace`/`torch.trace`.

    Args:
        v: a Value of at least 2 dimensions.
        offset: as for `diagonal`.
        axis1: as for `diagonal`.
        axis2: as for `diagonal`.

    Returns:
        A new Value.

    Raises:
        ValueError: as for `diagonal`.
    """
    return ops.sum_(diagonal(v, offset, axis1, axis2), axis=(len(_shape(v)) - 2,), keepdims=False)


def diag(v: Any, k: int = 0) -> Any:
    """A 1-D Value made the `k`-th diagonal of a square matrix, or a 2-D one's `k`-th diagonal.

    Args:
        v: a 1-D or 2-D Value.
        k: the diagonal (above the main one if positive).

    Returns:
        A new Value.

    Raises:
        TypeError: `k` is not an int.
        ValueError: `v` is not 1-D or 2-D.
    """
    shape = _shape(v)
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"diag: k must be an int, got {k!r}")
    if len(shape) == 2:
        return diagonal(v, k)
    if len(shape) != 1:
        raise ValueError(f"diag: expected a 1-D or 2-D Value, got shape {shape}")
    n = shape[0] + abs(int(k))
    i = np.arange(shape[0])
    return ops.scatter(v, index=(i + max(-k, 0), i + max(k, 0)), shape=(n, n), accumulate=False)


def _triangle(name: str, v: Any, k: int) -> tuple:
    shape = _shape(v)
    if len(shape) < 2:
        raise ValueError(f"{name}: needs at least 2 dimensions, got shape {shape}")
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"{name}: k must be an int, got {k!r}")
    return int(k)


def tril(v: Any, k: int = 0) -> Any:
    """The lower triangle (on and below the `k`-th diagonal) of the last two axes; zeros elsewhere.

    Args:
        v: a Value of at least 2 dimensions.
        k: the diagonal that bounds it.

    Returns:
        A new Value, recorded by the `tril` op (the gradient is 0 above).

    Raises:
        TypeError: `k` is not an int.
        ValueError: fewer than 2 dimensions.
    """
    return ops.tril(v, k=_triangle("tril", v, k))


def triu(v: Any, k: int = 0) -> Any:
    """The upper triangle (on and above the `k`-th diagonal) of the last two axes; zeros elsewhere.

    Args:
        v: a Value of at least 2 dimensions.
        k: the diagonal that bounds it.

    Returns:
        A new Value, recorded by the `triu` op (the gradient is 0 below).

    Raises:
        TypeError: `k` is not an int.
        ValueError: fewer than 2 dimensions.
    """
    return ops.triu(v, k=_triangle("triu", v, k))


def linalg_norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    """`np.linalg.norm` on a Value: vector norms, and the Frobenius and 1/inf matrix norms.

    Args:
        x: a Value.
        ord: None or "fro" (the 2-norm of the elements), a number for a
            vector norm (1-D, or one axis), or 1, -1, inf, -inf for a matrix.
        axis: None, an int, or a pair of ints (a matrix).
        keepdims: keep the reduced axes.

    Returns:
        A new Value.

    Raises:
        TypeError: an order that needs a decomposition (2, -2, "nuc" on matrices).
    """
    shape = _shape(x)
    if ord is None or ord == "fro":
        return norm(x, 2, dim=axis, keepdim=keepdims)
    matrix = (axis is None and len(shape) == 2) or (isinstance(axis, (tuple, list)) and len(axis) == 2)
    if not matrix:
        return norm(x, ord, dim=axis, keepdim=keepdims)
    rows, cols = axis if axis is not None else (0, 1)
    if ord in (1, -1, np.inf, -np.inf):
        inner_axis, outer_axis = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = ops.sum_(ops.abs_(x), axis=(inner_axis % len(shape),), keepdims=True)
        pick = ops.max_ if ord > 0 else ops.min_
        out = pick(sums, axis=(outer_axis % len(shape),), keepdims=True)
        return out if keepdims else ops.reshape(out, shape=tuple(
            n for i, n in enumerate(shape) if i not in (rows % len(shape), cols % len(shape))))
    raise TypeError(f"np.linalg.norm: ord={ord!r} on a matrix needs a decomposition, which the op "
                    f"set cannot differentiate")
