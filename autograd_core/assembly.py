"""Cutting and padding as functions: `split`, `chunk`, `array_split` and `pad`
(and `pad_widths`, NumPy's order of widths); `vstack` and `hstack` join, in `combine`.

`split` takes PyTorch's sizes, `np.split(v, ...)` NumPy's indices; `pad`
takes PyTorch's order of widths (last axis first), `np.pad(v, ...)`
NumPy's. The pieces are `getitem`s of slices.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import ops
from .shaping import _int
from .args import one_axis as _one_axis, shape_of as _shape

__all__ = ["split", "chunk", "array_split", "pad", "pad_widths"]


def _pieces(name: str, v: Any, bounds: Sequence[int], ax: int) -> list:
    """The Value cut along axis `ax` at `bounds` (each piece a `getitem` of a slice)."""
    lead = (slice(None),) * ax
    ends = list(bounds) + [_shape(v)[ax]]
    starts = [0] + list(bounds)
    return [ops.getitem(v, index=lead + (slice(s, max(s, e)),), accumulate=False)
            for s, e in zip(starts, ends)]


def split(v: Any, split_size_or_sections: Any, dim: Any = 0, *, axis: Any = None) -> list:
    """PyTorch's `split`: pieces of one size (the last may be smaller), or of the sizes listed.

    `np.split(v, ...)` keeps NumPy's meaning (a number of equal pieces, or
    the indices where to cut).

    Args:
        v: a Value.
        split_size_or_sections: an int (the size of each piece) or a list of sizes.
        dim: the axis (NumPy: `axis=`).
        axis: NumPy's name for `dim`.

    Returns:
        A list of Values.

    Raises:
        TypeError: sizes that are not ints, or both spellings.
        ValueError: a size that is not positive, or sizes that do not add up to the axis.
    """
    ax = _one_axis("split", v, axis, None if dim == 0 and axis is not None else dim)
    n = _shape(v)[ax]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [_int("split", "sizes", s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} do not add up to {n}, the length of axis {ax}")
        return _pieces("split", v, list(np.cumsum(sizes)[:-1]), ax)
    size = _int("split", "split_size", split_size_or_sections)
    if size <= 0:
        raise ValueError(f"split: split_size must be positive, got {size}")
    return _pieces("split", v, list(range(size, n, size)), ax)


def chunk(v: Any, chunks: int, dim: Any = 0, *, axis: Any = None) -> list:
    """PyTorch's `chunk`: `chunks` pieces of equal size, ceil(n / chunks) (fewer if they run out).

    Args:
        v: a Value.
        chunks: the number of pieces, positive.
        dim: the axis (NumPy: `axis=`).
        axis: NumPy's name for `dim`.

    Returns:
        A list of Values.

    Raises:
        TypeError: `chunks` is not an int.
        ValueError: `chunks` is not positive.
    """
    k = _int("chunk", "chunks", chunks)
    if k <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {k}")
    ax = _one_axis("chunk", v, axis, None if dim == 0 and axis is not None else dim)
    n = _shape(v)[ax]
    return split(v, max(-(-n // k), 1), dim=ax)


def array_split(v: Any, indices_or_sections: Any, axis: int = 0, *, equal: bool = False) -> list:
    """NumPy's `array_split` (and, with `equal=True`, `split`): `k` pieces, or cut at the indices given.

    Args:
        v: a Value.
        indices_or_sections: the number of pieces, or a list of indices.
        axis: the axis.
        equal: refuse a number of pieces that does not divide the axis (NumPy's `split`).

    Returns:
        A list of Values.

    Raises:
        ValueError: `equal` and the pieces cannot be equal, or a number of pieces that is not positive.
    """
    ax = _one_axis("split", v, axis, None)
    n = _shape(v)[ax]
    if isinstance(indices_or_sections, (list, tuple, np.ndarray)):
        return _pieces("split", v, [min(int(i), n) for i in indices_or_sections], ax)
    k = _int("split", "sections", indices_or_sections)
    if k <= 0:
        raise ValueError(f"split: the number of sections must be positive, got {k}")
    if equal and n % k:
        raise ValueError(f"split: {k} sections do not divide axis {ax} of length {n} equally")
    sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
    return _pieces("split", v, list(np.cumsum(sizes)[:-1]), ax)


def pad(v: Any, pad: Sequence[int], value: float = 0.0) -> Any:
    """PyTorch's constant `pad`: widths in pairs from the last axis back, `(left, right, top, bottom, ...)`.

    A negative width crops that side, as in PyTorch (`pad(v, (-1, 2))` drops
    the first element of the last axis and adds two after it); NumPy's
    `np.pad` refuses negative widths, and `np.pad(v, pad_width)` on a Value
    keeps NumPy's rules and order (one pair per axis, first axis first). The
    gradient is the upstream one without the border, and 0 where a width cropped.

    Args:
        v: a Value.
        pad: an even number of ints, at most two per axis; negative ones crop.
        value: the number the border holds.

    Returns:
        A new Value, recorded by the `pad` op.

    Raises:
        TypeError: widths that are not ints.
        ValueError: an odd number of widths, more pairs than axes, or widths
            that crop more elements than an axis has (as PyTorch refuses).
    """
    widths = [_int("pad", "pad", w) for w in pad]
    shape = _shape(v)
    if len(widths) % 2 or len(widths) // 2 > len(shape):
        raise ValueError(f"pad: {len(widths)} widths for a Value of shape {shape} "
                         f"(a pair per axis, last axis first)")
    pairs = ((0, 0),) * (len(shape) - len(widths) // 2) + tuple(
        tuple(widths[i:i + 2]) for i in range(0, len(widths), 2))[::-1]
    for axis, ((lo, hi), n) in enumerate(zip(pairs, shape)):
        if max(-lo, 0) + max(-hi, 0) > n:
            raise ValueError(f"pad: widths {tuple(widths)} crop {max(-lo, 0) + max(-hi, 0)} elements "
                             f"from axis {axis} of shape {shape}, which has {n}")
    return ops.pad(v, widths=pairs, value=float(value))


def pad_widths(v: Any, widths: Any, value: float = 0.0) -> Any:
    """Constant padding with NumPy's widths: one `(before, after)` pair per axis (as `np.pad`).

    Args:
        v: a Value.
        widths: an int, a pair, or one pair per axis, as `np.pad`'s `pad_width`.
        value: the number the border holds.

    Returns:
        A new Value, recorded by the `pad` op.

    Raises:
        ValueError: widths that do not fit the axes, or negative ones.
    """
    shape = _shape(v)
    try:
        w = np.broadcast_to(np.asarray(widths), (len(shape), 2))
    except ValueError:
        raise ValueError(f"np.pad: pad_width {widths!r} does not fit shape {shape}") from None
    if w.dtype.kind not in "iu" or (w < 0).any():
        raise ValueError(f"np.pad: pad_width must be non-negative ints, got {widths!r}")
    return ops.pad(v, widths=tuple((int(a), int(b)) for a, b in w), value=float(value))
