"""Contractions as functions: `einsum`, `tensordot`, `outer`, `inner` and
`kron`, with the checks that name the bad argument (the structure of
matrices, `trace`, `diagonal`, `tril`, ..., is in `matrices`).

`einsum` and `tensordot` are ops of their own (their VJPs are an `einsum`
and a `tensordot`); the others are compositions (a product of reshapes),
whose gradients are exact.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import ops
from .ops.linalg import _LETTERS
from .args import shape_of as _shape

__all__ = ["einsum", "tensordot", "outer", "inner", "kron"]


def _explicit(subscripts: str, shapes: list) -> tuple[str, list]:
    """NumPy's subscripts in explicit form, in letters only, checked against the
    shapes; and for each operand, the axes of size 1 under `...` that broadcast
    against a longer one (their letters left out of its term: they are dropped)."""
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
    sizes = _sizes(fixed, shapes, ell)
    drops = [tuple(i for i, c in enumerate(t) if c in ell and shape[i] == 1 != sizes[c])
             for t, shape in zip(fixed, shapes)]
    terms = ["".join(c for i, c in enumerate(t) if i not in d) for t, d in zip(fixed, drops)]
    return ",".join(terms) + "->" + out, drops


def _sizes(terms: list, shapes: list, ell: str) -> dict:
    """Each letter's size; those under `...` broadcast (size 1 against n), as in NumPy and PyTorch."""
    sizes: dict = {}
    for t, shape in zip(terms, shapes):
        for c, n in zip(t, shape):
            m = sizes.setdefault(c, n)
            if m != n and not (c in ell and 1 in (m, n)):
                what = f"index {c!r} has" if c not in ell else "axes under '...' that do not broadcast have"
                raise ValueError(f"einsum: {what} sizes {m} and {n} (operand shapes {shapes})")
            sizes[c] = max(m, n) if c in ell else m
    return sizes


def einsum(subscripts: str, *operands: Any) -> Any:
    """Einstein summation, as `np.einsum` and `torch.einsum` (operands also as one list).

    Implicit output (`"ij,jk"`) and `...` are read as NumPy reads them; the
    axes under `...` broadcast (`"...ij,...jk"` on shapes (2, 1, 3, 4) and
    (5, 4, 6) gives (2, 5, 3, 6)). The gradient of each operand is itself an
    einsum (summed over the axes it was broadcast along).

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
    shapes = [_shape(x) for x in operands]
    spec, drops = _explicit(subscripts, shapes)
    operands = tuple(x if not d else ops.reshape(x, shape=tuple(n for i, n in enumerate(shape) if i not in d))
                     for x, shape, d in zip(operands, shapes, drops))
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
