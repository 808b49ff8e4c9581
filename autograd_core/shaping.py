"""Shapes as functions: `view`, `expand`, `flip`, `roll`, `repeat` and
`tile`, `repeat_interleave`, `swapaxes`, `moveaxis` and `diff`, with their
checks (splitting, padding and stacking are in `assembly`).

Where NumPy and PyTorch differ, the docstring says which meaning a function
has: `repeat` is PyTorch's (NumPy's `tile`), `repeat_interleave` NumPy's
`repeat`. Most are compositions of `reshape`, `broadcast_to`, `transpose`
and `getitem`, whose gradients are exact.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import ops
from .args import axes as _axes, shape_arg as _shape_arg
from .args import one_axis as _one_axis, shape_of as _shape, spelled

__all__ = ["view", "expand", "broadcast_to", "flip", "roll", "tile", "repeat", "repeat_interleave", "swapaxes",
           "moveaxis", "diff"]


def _int(name: str, arg: str, x: Any) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name}: {arg} must be an int, got {x!r}")
    return int(x)


def view(v: Any, *shape: Any) -> Any:
    """PyTorch's name for `reshape`: the same data with a new shape (one entry may be -1).

    Args:
        v: a Value.
        *shape: the new shape, as ints or one tuple.

    Returns:
        A new Value, recorded by the `reshape` op.

    Raises:
        TypeError: an entry is not an int.
        ValueError: the shape does not hold the same number of elements.
    """
    return ops.reshape(v, shape=_shape_arg(shape, "view"))


def expand(v: Any, *sizes: Any) -> Any:
    """The Value broadcast to `sizes`, as PyTorch's `expand` (-1 keeps a size; new axes go first).

    Args:
        v: a Value.
        *sizes: the new shape, as ints or one tuple.

    Returns:
        A new Value, recorded by the `broadcast_to` op; its gradient is summed back.

    Raises:
        TypeError: an entry is not an int.
        ValueError: fewer sizes than axes, or a size that does not broadcast.
    """
    sizes, shape = _shape_arg(sizes, "expand"), _shape(v)
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise ValueError(f"expand: {len(sizes)} sizes for a Value of shape {shape}")
    new = tuple(shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    try:
        np.broadcast_shapes(shape, new)
    except ValueError:
        raise ValueError(f"expand: shape {shape} does not broadcast to {sizes}") from None
    return ops.broadcast_to(v, shape=new)


def broadcast_to(v: Any, shape: Any) -> Any:
    """The Value broadcast to `shape`, as `np.broadcast_to` (new axes go first); the gradient is summed back.

    Args:
        v: a Value.
        shape: the shape, an int or a tuple of ints.

    Returns:
        A new Value, recorded by the `broadcast_to` op.

    Raises:
        TypeError: an entry is not an int.
        ValueError: the Value's shape does not broadcast to `shape`.
    """
    new = _shape_arg((shape,) if not isinstance(shape, (tuple, list)) else (tuple(shape),), "broadcast_to")
    try:
        fits = np.broadcast_shapes(_shape(v), new) == new
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"broadcast_to: shape {_shape(v)} does not broadcast to {new}")
    return ops.broadcast_to(v, shape=new)


def flip(v: Any, axis: Any = None, *, dims: Any = None) -> Any:
    """The elements in reverse order along `axis` (all axes if None); the gradient is flipped back.

    Args:
        v: a Value.
        axis: an int or a tuple of ints (PyTorch: `dims=`), or None.
        dims: PyTorch's name for `axis`.

    Returns:
        A new Value, recorded by the `flip` op.

    Raises:
        TypeError: both spellings, or an axis that is not an int.
        ValueError: an axis out of range.
    """
    n = len(_shape(v))
    axes = _axes(spelled("flip", axis, dims, "axis", "dims"), n, "flip")
    return ops.flip(v, axes=tuple(range(n)) if axes is None else axes)


def roll(v: Any, shifts: Any, dims: Any = None, *, axis: Any = None) -> Any:
    """The elements shifted cyclically by `shifts` along `dims`; without `dims`, over the flattened Value.

    Args:
        v: a Value.
        shifts: an int, or a tuple of ints, one per axis in `dims`.
        dims: an int or a tuple of ints (NumPy: `axis=`), or None.
        axis: NumPy's name for `dims`.

    Returns:
        A new Value, recorded by the `roll` op.

    Raises:
        TypeError: both spellings, or shifts that are not ints.
        ValueError: an axis out of range, or as many shifts as axes not given.
    """
    ax = spelled("roll", axis, dims, "axis", "dims")
    items = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    items = tuple(_int("roll", "shifts", s) for s in items)
    if ax is None:
        shape = _shape(v)
        return ops.reshape(ops.roll(ops.reshape(v, shape=(-1,)), shifts=(sum(items),), axes=(0,)),
                           shape=shape)
    axes = tuple(ax) if isinstance(ax, (tuple, list)) else (ax,)
    if len(axes) != len(items):
        raise ValueError(f"roll: {len(items)} shifts for {len(axes)} axes")
    n = len(_shape(v))
    for a in axes:
        _axes(a, n, "roll")
    return ops.roll(v, shifts=items, axes=tuple(int(a) % n for a in axes))


def tile(v: Any, reps: Any) -> Any:
    """NumPy's `tile`: the Value repeated `reps[i]` times along axis i, as a whole.

    Fewer reps than axes repeat the last axes; more add leading axes. The
    gradient sums the copies.

    Args:
        v: a Value.
        reps: an int or a tuple of non-negative ints.

    Returns:
        A new Value, recorded by the `tile` op.

    Raises:
        TypeError: reps that are not ints.
        ValueError: a negative rep.
    """
    reps = _shape_arg((reps,) if not isinstance(reps, (tuple, list)) else tuple(reps), "tile")
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative repetitions {reps}")
    return ops.tile(v, reps=(1,) * (len(_shape(v)) - len(reps)) + reps)


def repeat(v: Any, *sizes: Any) -> Any:
    """PyTorch's `repeat`: the Value tiled `sizes[i]` times along axis i (NumPy's `tile`).

    NumPy's `repeat`, which repeats each element, is `repeat_interleave`.

    Args:
        v: a Value.
        *sizes: ints or one tuple, at least as many as the Value's axes.

    Returns:
        A new Value.

    Raises:
        TypeError: sizes that are not ints.
        ValueError: fewer sizes than axes, or a negative size.
    """
    sizes = _shape_arg(sizes, "repeat")
    if len(sizes) < len(_shape(v)):
        raise ValueError(f"repeat: {len(sizes)} sizes for a Value of shape {_shape(v)} "
                         f"(give at least one per axis)")
    return tile(v, sizes)


def repeat_interleave(v: Any, repeats: Any, dim: Any = None, *, axis: Any = None) -> Any:
    """Each element repeated `repeats` times along `dim` (NumPy's `repeat`); without `dim`, flattened.

    Args:
        v: a Value.
        repeats: an int, or one int per element along the axis.
        dim: the axis (NumPy: `axis=`), or None for the flattened Value.
        axis: NumPy's name for `dim`.

    Returns:
        A new Value; the gradient of each element sums its copies'.

    Raises:
        TypeError: repeats that are not ints, or both spellings.
        ValueError: a negative repeat, or as many repeats as elements not given.
    """
    ax = _one_axis("repeat_interleave", v, axis, dim)
    if ax is None:
        v, ax = ops.reshape(v, shape=(-1,)), 0
    shape = _shape(v)
    r = np.asarray(repeats)
    if r.dtype.kind not in "iu" or r.ndim > 1:
        raise TypeError(f"repeat_interleave: repeats must be an int or a 1-D array of ints, got {repeats!r}")
    if (r < 0).any():
        raise ValueError("repeat_interleave: repeats must not be negative")
    if r.ndim == 0:
        k = int(r)
        up = ops.broadcast_to(ops.reshape(v, shape=shape[:ax + 1] + (1,) + shape[ax + 1:]),
                              shape=shape[:ax + 1] + (k,) + shape[ax + 1:])
        return ops.reshape(up, shape=shape[:ax] + (shape[ax] * k,) + shape[ax + 1:])
    if len(r) != shape[ax]:
        raise ValueError(f"repeat_interleave: {len(r)} repeats for {shape[ax]} elements along axis {ax}")
    index = (slice(None),) * ax + (np.repeat(np.arange(shape[ax]), r),)
    return ops.getitem(v, index=index, accumulate=True)


def swapaxes(v: Any, axis0: int, axis1: int) -> Any:
    """The two axes swapped (PyTorch: `transpose(dim0, dim1)`).

    Args:
        v: a Value.
        axis0: one axis.
        axis1: the other.

    Returns:
        A new Value, recorded by the `transpose` op.

    Raises:
        TypeError: an axis that is not an int.
        ValueError: an axis out of range.
    """
    n = len(_shape(v))
    (i,), (j,) = _axes(axis0, max(n, 1), "swapaxes") or (0,), _axes(axis1, max(n, 1), "swapaxes") or (0,)
    perm = list(range(n))
    if n:
        perm[i], perm[j] = j, i
    return ops.transpose(v, axes=tuple(perm))


def moveaxis(v: Any, source: Any, destination: Any) -> Any:
    """The axes `source` moved to the positions `destination`, the others in order (PyTorch: `movedim`).

    Args:
        v: a Value.
        source: an int or a tuple of ints.
        destination: as many ints.

    Returns:
        A new Value, recorded by the `transpose` op.

    Raises:
        ValueError: an axis out of range or repeated, or as many destinations as sources not given.
    """
    n = len(_shape(v))
    src = [source] if not isinstance(source, (tuple, list)) else list(source)
    dst = [destination] if not isinstance(destination, (tuple, list)) else list(destination)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: {len(src)} sources for {len(dst)} destinations")
    src = [_axes(s, n, "moveaxis")[0] for s in src]
    dst = [_axes(d, n, "moveaxis")[0] for d in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError("moveaxis: repeated axes")
    rest = iter(i for i in range(n) if i not in src)
    placed = dict(zip(dst, src))
    return ops.transpose(v, axes=tuple(placed[k] if k in placed else next(rest) for k in range(n)))


def diff(v: Any, n: int = 1, dim: Any = None, *, axis: Any = None) -> Any:
    """The n-th difference along `dim` (default the last): `v[1:] - v[:-1]`, n times.

    Args:
        v: a Value.
        n: how many times to take the difference.
        dim: the axis (NumPy: `axis=`), default -1.
        axis: NumPy's name for `dim`.

    Returns:
        A new Value, recorded by the `diff` op (n times).

    Raises:
        TypeError: `n` is not an int, or both spellings.
        ValueError: `n` is negative, or the axis is out of range.
    """
    k = _int("diff", "n", n)
    if k < 0:
        raise ValueError(f"diff: n must not be negative, got {k}")
    ax = _one_axis("diff", v, axis, dim, -1)
    for _ in range(k):
        v = ops.diff(v, axis=ax)
    return v
