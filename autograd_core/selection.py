"""Selection as functions: `gather`/`take_along_axis`, `index_select`,
`masked_fill`, `scatter_add`, `sort` and `topk` (named tuples of values and
indices), `isnan`/`isinf`/`isfinite` (ndarrays) and `nan_to_num`.

Each is an indexing, a `where` or a `scatter` of the op table: gradients
go back through the selected positions, and repeated indices add up.
"""
from __future__ import annotations

import numbers
from collections import namedtuple
from typing import Any

import numpy as np

from . import ops
from .args import one_axis as _one_axis, shape_of as _shape, spelled

__all__ = ["gather", "take_along_axis", "index_select", "masked_fill", "scatter_add", "sort", "topk",
           "SortResult", "TopkResult", "isnan", "isinf", "isfinite", "nan_to_num"]

SortResult = namedtuple("sort", ["values", "indices"])
"""What `sort` returns: `.values` a Value, `.indices` an int64 ndarray (PyTorch's `torch.return_types.sort`)."""

TopkResult = namedtuple("topk", ["values", "indices"])
"""What `topk` returns: `.values` a Value, `.indices` an int64 ndarray."""


def _data(v: Any) -> np.ndarray:
    return v.data if hasattr(v, "_data") else np.asarray(v)


def _indices(name: str, index: Any, shape: tuple, ax: int, same_ndim: bool) -> np.ndarray:
    """An integer index array, checked against the axis it picks from."""
    idx = _data(index)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{name}: index must hold integers, got dtype {idx.dtype}")
    if same_ndim and idx.ndim != len(shape):
        raise ValueError(f"{name}: index of shape {idx.shape} needs as many dimensions as "
                         f"the input of shape {shape}")
    n = shape[ax]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"{name}: index out of range for axis {ax} of size {n} (input shape {shape})")
    return idx.astype(np.intp)


def _along(idx: np.ndarray, ax: int, sizes: tuple) -> tuple:
    """The advanced index picking `idx` along axis `ax` and position i along each other axis."""
    n = len(sizes)
    return tuple(idx if k == ax else np.arange(sizes[k]).reshape((-1,) + (1,) * (n - 1 - k))
                 for k in range(n))


def gather(v: Any, dim: int, index: Any) -> Any:
    """PyTorch's `gather`: `out[i][j] = v[index[i][j]][j]` for `dim=0`, and so on.

    Args:
        v: a Value.
        dim: the axis the indices pick along.
        index: an integer array of as many dimensions as `v`, no larger than
            `v` along the other axes.

    Returns:
        A new Value of `index`'s shape; repeated indices add up their gradients.

    Raises:
        TypeError: `index` does not hold integers.
        ValueError: `index` has another number of dimensions, or is larger
            along another axis.
        IndexError: an index out of range.
    """
    shape = _shape(v)
    ax = _one_axis("gather", v, dim, None)
    idx = _indices("gather", index, shape, ax, True)
    if any(i > s for k, (i, s) in enumerate(zip(idx.shape, shape)) if k != ax):
        raise ValueError(f"gather: index of shape {idx.shape} is larger than the input of shape "
                         f"{shape} along an axis other than {ax}")
    return ops.getitem(v, index=_along(idx, ax, idx.shape), accumulate=True)


def take_along_axis(v: Any, indices: Any, axis: Any = -1, *, dim: Any = None) -> Any:
    """NumPy's `take_along_axis`: `gather`, with `indices` broadcast along the other axes.

    Args:
        v: a Value.
        indices: an integer array of as many dimensions as `v` (or 1-D with `axis=None`).
        axis: the axis (PyTorch: `dim=`); None for the flattened Value.
        dim: PyTorch's name for `axis`.

    Returns:
        A new Value; repeated indices add up their gradients.

    Raises:
        TypeError: `indices` does not hold integers.
        ValueError: a shape that does not fit.
        IndexError: an index out of range.
    """
    ax = spelled("take_along_axis", None if axis == -1 and dim is not None else axis, dim, "axis", "dim")
    if ax is None:
        v, ax = ops.reshape(v, shape=(-1,)), 0
    shape = _shape(v)
    ax = _one_axis("take_along_axis", v, ax, None)
    idx = _indices("take_along_axis", indices, shape, ax, True)
    sizes = tuple(shape[k] if k != ax else idx.shape[k] for k in range(len(shape)))
    try:
        full = np.broadcast_shapes(idx.shape, sizes)
    except ValueError:
        raise ValueError(f"take_along_axis: indices of shape {idx.shape} do not fit shape {shape}") from None
    return ops.getitem(v, index=_along(np.broadcast_to(idx, full), ax, full), accumulate=True)


def index_select(v: Any, dim: int, index: Any) -> Any:
    """The slices at `index` (1-D integers) along `dim`, as PyTorch's `index_select`.

    Args:
        v: a Value.
        dim: the axis.
        index: a 1-D integer array.

    Returns:
        A new Value; repeated indices add up their gradients.

    Raises:
        TypeError: `index` does not hold integers.
        ValueError: `index` is not 1-D.
        IndexError: an index out of range.
    """
    shape = _shape(v)
    ax = _one_axis("index_select", v, dim, None)
    idx = _indices("index_select", index, shape, ax, False)
    if idx.ndim != 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {idx.shape}")
    return ops.getitem(v, index=(slice(None),) * ax + (idx,), accumulate=True)


def masked_fill(v: Any, mask: Any, value: Any) -> Any:
    """`value` where `mask` is true, else `v`; the gradient of `v` is 0 where it was filled.

    Args:
        v: a Value.
        mask: booleans that broadcast to `v`'s shape.
        value: a number (or a single-element Value).

    Returns:
        A new Value, recorded by the `where` op.

    Raises:
        TypeError: `mask` is not boolean.
        ValueError: `mask` does not broadcast to `v`'s shape.
    """
    m = _data(mask)
    if m.dtype != bool:
        raise TypeError(f"masked_fill: mask must be boolean, got dtype {m.dtype}")
    try:
        fits = np.broadcast_shapes(m.shape, _shape(v)) == _shape(v)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"masked_fill: mask of shape {m.shape} does not broadcast to {_shape(v)}")
    return ops.where(value, v, cond=m)


def scatter_add(v: Any, dim: int, index: Any, src: Any) -> Any:
    """PyTorch's `scatter_add`: `v` with `src[i][j]` added at `[index[i][j]][j]` (for `dim=0`).

    Args:
        v: a Value.
        dim: the axis the indices point along.
        index: integers of as many dimensions as `v`; only `src[:index.shape]` is used.
        src: a Value or array at least as large as `index`.

    Returns:
        A new Value; the gradient of `src` is the upstream one gathered back,
        `v`'s passes unchanged.

    Raises:
        TypeError: `index` does not hold integers.
        ValueError: shapes that do not fit.
        IndexError: an index out of range.
    """
    shape = _shape(v)
    ax = _one_axis("scatter_add", v, dim, None)
    idx = _indices("scatter_add", index, shape, ax, True)
    ss = _shape(src)
    if len(ss) != len(shape) or any(i > s for i, s in zip(idx.shape, ss)) or any(
            i > s for k, (i, s) in enumerate(zip(idx.shape, shape)) if k != ax):
        raise ValueError(f"scatter_add: index of shape {idx.shape} does not fit input {shape} "
                         f"and src {ss}")
    part = ops.getitem(src, index=tuple(slice(0, n) for n in idx.shape), accumulate=False)
    return ops.add(v, ops.scatter(part, index=_along(idx, ax, idx.shape), shape=shape, accumulate=True))


def _order(data: np.ndarray, ax: int, descending: bool) -> np.ndarray:
    """A stable sorting order along `ax`; NaN counts as the largest (first when descending), as PyTorch's."""
    if not descending:
        return np.argsort(data, axis=ax, kind="stable")
    return np.lexsort((-data, ~np.isnan(data)), axis=ax) if data.ndim else np.zeros((), np.intp)


def sort(v: Any, axis: Any = -1, descending: bool = False, *, dim: Any = None,
         stable: bool = True) -> SortResult:
    """The sorted values and where they came from; the gradient goes back through the permutation.

    Ties keep their order (a stable sort); NaN sorts as the largest, as in
    PyTorch. `np.sort(v)` gives the values only, as NumPy does.

    Args:
        v: a Value.
        axis: the axis (PyTorch: `dim=`).
        descending: largest first.
        dim: PyTorch's name for `axis`.
        stable: accepted for PyTorch's code; the sort is always stable.

    Returns:
        `(values, indices)`: a Value and an int64 ndarray.

    Raises:
        TypeError: both spellings of the axis.
        ValueError: the axis is out of range.
    """
    ax = _one_axis("sort", v, None if axis == -1 and dim is not None else axis, dim, -1)
    data = _data(v)
    if not data.ndim:
        return SortResult(ops.reshape(v, shape=()), np.zeros((), np.int64))
    idx = _order(data, ax, bool(descending))
    values = ops.getitem(v, index=_along(idx, ax, idx.shape), accumulate=False)
    return SortResult(values, idx.astype(np.int64))


def topk(v: Any, k: int, dim: Any = -1, largest: bool = True, sorted: bool = True, *,  # noqa: A002
         axis: Any = None) -> TopkResult:
    """The `k` largest (or smallest) values along `dim` and their indices, in order.

    Args:
        v: a Value.
        k: how many, from 0 to the axis' length.
        dim: the axis (NumPy: `axis=`).
        largest: the largest if True, else the smallest.
        sorted: accepted for PyTorch's code; the values always come sorted.
        axis: NumPy's name for `dim`.

    Returns:
        `(values, indices)`: a Value and an int64 ndarray; the gradient goes
        back to the positions picked.

    Raises:
        TypeError: `k` is not an int.
        ValueError: `k` is negative or larger than the axis.
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"topk: k must be an int, got {k!r}")
    ax = _one_axis("topk", v, axis, None if dim == -1 and axis is not None else dim, -1)
    shape = _shape(v)
    n = shape[ax] if shape else 1
    if not 0 <= k <= n:
        raise ValueError(f"topk: k={k} is out of range for axis {ax} of size {n} (shape {shape})")
    values, idx = sort(v, ax, descending=bool(largest))
    if not shape:
        return TopkResult(values, idx)
    cut = (slice(None),) * ax + (slice(0, int(k)),)
    return TopkResult(ops.getitem(values, index=cut, accumulate=False), idx[cut])


def isnan(v: Any) -> np.ndarray:
    """Where the elements are NaN: a boolean ndarray (no graph).

    Args:
        v: a Value or array.

    Returns:
        A boolean ndarray.
    """
    return np.isnan(_data(v))


def isinf(v: Any) -> np.ndarray:
    """Where the elements are inf or -inf: a boolean ndarray (no graph).

    Args:
        v: a Value or array.

    Returns:
        A boolean ndarray.
    """
    return np.isinf(_data(v))


def isfinite(v: Any) -> np.ndarray:
    """Where the elements are finite: a boolean ndarray (no graph).

    Args:
        v: a Value or array.

    Returns:
        A boolean ndarray.
    """
    return np.isfinite(_data(v))


def nan_to_num(v: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Any:
    """NaN, inf and -inf replaced by numbers (by default 0 and the dtype's extremes); gradient 0 there.

    Args:
        v: a Value.
        nan: what NaN becomes.
        posinf: what inf becomes (None: the dtype's largest number).
        neginf: what -inf becomes (None: the dtype's lowest number).

    Returns:
        A new Value, recorded by the `nan_to_num` op.
    """
    return ops.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf)
