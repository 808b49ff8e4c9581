"""Contractions and matrix structure as functions: `einsum`, `tensordot`,
`outer`, `inner`, `kron`, `trace`, `diagonal`, `diag`, `tril`, `triu` and
NumPy's `linalg.norm`, with the checks that name the bad argument.

`einsum` and `tensordot` are ops of their own (their VJPs are an `einsum`
and a `tensordot`); the others are compositions (a product of reshapes, an
indexing, a `where`), whose gradients are exact.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import ops
from .ops.linalg import _LETTERS
from .args import shape_of as _shape, spelled
from .statistics import norm

__all__ = ["einsum", "tensordot", "outer", "inner", "kron", "trace", "diagonal", "diag", "tril",
           "triu", "linalg_norm"]


def _explicit(subscripts: str, shapes: list) -> str:
    """NumPy's subscripts in explicit form, in letters only, checked against the shapes."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, got {type(subscripts).__name__}")
    s = subscripts.replace(" ", "")
    ins, arrow, out = s.partition("->")
    terms = ins.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(terms)} operands, "
                         f"{len(shapes)} given")
    used = set(c for c in s if c.isalpha())
    spare = iter(c for c in _LETTERS if c not in used)
    ell = ""
    fixed = []
    for t, shape in zip(terms, shapes):
        if t.count("...") > 1 or "." in t.replace("...", ""):
            raise ValueError(f"einsum: subscripts {subscripts!r} do not parse")
        k = len(shape) - len(t.replace("...", ""))
        if "..." in t:
            if k < 0:
                raise ValueError(f"einsum: term {t!r} has more letters than operand of shape {shape}")
            while len(ell) < k:
                ell = next(spare) + ell
            t = t.replace("...", ell[len(ell) - k:])
        if any(c not in _LETTERS for c in t):
            raise ValueError(f"einsum: subscripts {subscripts!r} do not parse (letters, ',', '->' and '...')")
        if len(t) != len(shape):
            raise ValueError(f"einsum: term {t!r} has {len(t)} letters for an operand of shape {shape}")
        fixed.append(t)
    if arrow:
        if "." in out.replace("...", "") or any(c not in _LETTERS for c in out.replace("...", "")):
            raise ValueError(f"einsum: output {out!r} does not parse")
        out = out.replace("...", ell)
        if len(set(out)) != len(out) or any(c not in "".join(fixed) for c in out):
            raise ValueError(f"einsum: output {out!r} repeats a letter or names one no operand has")
    else:
        letters = "".join(fixed)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    sizes: dict = {}
    for t, shape in zip(fixed, shapes):
        for c, n in zip(t, shape):
            if sizes.setdefault(c, n) != n:
                raise ValueError(f"einsum: index {c!r} has sizes {sizes[c]} and {n} "
                                 f"(operand shapes {shapes})")
    return ",".join(fixed) + "->" + out


def einsum(subscripts: str, *operands: Any) -> Any:
    """Einstein summation, as `np.einsum` and `torch.einsum` (operands also as one list).

    Implicit output (`"ij,jk"`) and `...` are read as NumPy reads them; the
    gradient of each operand is itself an einsum.

    Args:
        subscripts: the letters of each operand's axes, `,` between
            operands, then `->` and the output's letters.
        *operands: Values or arrays, one per term.

    Returns:
        A new Value, recorded by the `einsum` op.

    Raises:
        TypeError: `subscripts` is not a string.
        ValueError: subscripts that do not parse, or do not match the operands
            (their number, their axes, or a letter's sizes).

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value, einsum
        >>> einsum("ij,jk->ik", Value(np.eye(2)), Value(np.ones((2, 3)))).shape
        (2, 3)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    operands = tuple(np.asarray(x) if isinstance(x, (list, tuple)) else x for x in operands)
    spec = _explicit(subscripts, [_shape(x) for x in operands])
    return ops.einsum(*operands, subscripts=spec)


def _axes_pair(a: tuple, b: tuple, axes: Any) -> tuple:
    if isinstance(axes, numbers.Integral) and not isinstance(axes, bool):
        k = int(axes)
        if k < 0 or k > min(len(a), len(b)):
            raise ValueError(f"tensordot: axes={k} for shapes {a} and {b}")
        pair = (list(range(len(a) - k, len(a))), list(range(k)))
    else:
        try:
            xa, xb = axes
        except (TypeError, ValueError):
            raise TypeError(f"tensordot: axes must be an int or a pair of sequences, got {axes!r}") from None
        pair = ([xa] if isinstance(xa, numbers.Integral) else list(xa),
                [xb] if isinstance(xb, numbers.Integral) else list(xb))
    if len(pair[0]) != len(pair[1]):
        raise ValueError(f"tensordot: axes {axes!r} pair {len(pair[0])} axes with {len(pair[1])}")
    out = []
    for side, shape in zip(pair, (a, b)):
        for i in side:
            if not -len(shape) <= i < len(shape):
                raise ValueError(f"tensordot: axis {i} is out of range for shape {shape}")
        out.append(tuple(int(i) % len(shape) for i in side))
    for i, j in zip(*out):
        if a[i] != b[j]:
            raise ValueError(f"tensordot: axis {i} of shape {a} and axis {j} of shape {b} differ in size")
    return tuple(out)


def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    """The sum of products over paired axes, as `np.tensordot`/`torch.tensordot`.

    Args:
        a: a Value or array.
        b: another.
        axes: an int N (a's last N axes with b's first N), or a pair of
            sequences of axes.

    Returns:
        A new Value, recorded by the `tensordot` op (whose VJPs are tensordots).

    Raises:
        TypeError: `axes` is neither.
        ValueError: an axis out of range, or paired axes of different sizes.
    """
    return ops.tensordot(a, b, axes=_axes_pair(_shape(a), _shape(b), axes))


def outer(a: Any, b: Any) -> Any:
    """The outer product of the flattened operands: `out[i, j] = a[i] * b[j]`.

    Args:
        a: a Value or array (flattened, as NumPy does).
        b: another.

    Returns:
        A new Value, a product of reshapes.
    """
    return ops.mul(ops.reshape(a, shape=(-1, 1)), ops.reshape(b, shape=(1, -1)))


def inner(a: Any, b: Any) -> Any:
    """The sum of products over the last axes of both, as `np.inner` (a product for a 0-d operand).

    Args:
        a: a Value or array.
        b: another.

    Returns:
        A new Value.

    Raises:
        ValueError: the last axes differ in size.
    """
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        return ops.mul(a, b)
    return tensordot(a, b, ((len(sa) - 1,), (len(sb) - 1,)))


def kron(a: Any, b: Any) -> Any:
    """The Kronecker product, as `np.kron`: blocks `a[i, j] * b`.

    Args:
        a: a Value or array.
        b: another.

    Returns:
        A new Value, a product of reshapes.
    """
    sa, sb = _shape(a), _shape(b)
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    x = ops.reshape(a, shape=tuple(d for s in sa for d in (s, 1)))
    y = ops.reshape(b, shape=tuple(d for s in sb for d in (1, s)))
    return ops.reshape(ops.mul(x, y), shape=tuple(p * q for p, q in zip(sa, sb)))


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
