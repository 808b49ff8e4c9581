"""What a hand-written gradient most likely got wrong, in words a learner can act on.

`diagnose(mine, right, tol, sizes)` looks for the classic mistakes of
backpropagation by hand, each recognised only when fixing it would make the two
arrays agree: transposed (or axes in the wrong order), a missing sum over a
broadcast axis, summed where the gradient keeps the axis, the right numbers in
the wrong shape, off by a constant factor (naming it, and the size it matches),
the wrong sign, all zeros, NaN or infinity, the wrong dtype. For an array that
is none of these, it says only where the two differ: it never invents a cause.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

__all__ = ["broadcasts", "close", "diagnose", "sizes_of", "sum_to", "tolerance"]

Tolerance = tuple  # (rtol, atol)


def close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> bool:
    """Same shape and equal within `tol`, NaN matching NaN (dtypes not compared)."""
    rtol, atol = tol
    with np.errstate(all="ignore"):
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol,
                                                       equal_nan=True))


def sum_to(a: np.ndarray, shape: tuple) -> np.ndarray:
    """`a` summed over the axes along which `shape` was broadcast to `a.shape`."""
    axes = _broadcast_axes(a.shape, shape)
    return (a.sum(axis=axes, keepdims=True) if axes else a).reshape(shape)


def _broadcast_axes(big: tuple, small: tuple) -> tuple:
    """The axes of `big` that broadcasting `small` to `big` added or stretched."""
    lead = len(big) - len(small)
    return tuple(range(lead)) + tuple(i + lead for i, n in enumerate(small)
                                      if n == 1 and big[i + lead] != 1)


def broadcasts(small: tuple, big: tuple) -> bool:
    """Whether an array of shape `small` broadcasts to exactly `big`."""
    if len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(small[::-1], big[::-1]))


def _axes(axes: tuple) -> str:
    return f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"


def sizes_of(*shapes: tuple) -> dict[int, str]:
    """What each size in `shapes` likely is: the first axis of a matrix or more
    is the batch; any other size is named by its axis."""
    names: dict[int, str] = {}
    for shape in shapes:
        for k, n in enumerate(shape):
            if n > 1:
                names.setdefault(n, "the batch size" if k == 0 and len(shape) > 1
                                 else f"the size of axis {k}")
    return names


def _where(mine: np.ndarray, right: np.ndarray, tol: Tolerance) -> str:
    """Which elements differ, and the largest difference: facts, no cause."""
    rtol, atol = tol
    with np.errstate(all="ignore"):
        bad = ~np.isclose(mine, right, rtol=rtol, atol=atol, equal_nan=True)
        if not bad.any():
            return ""
        diff = np.where(bad, np.abs(mine.astype(np.float64) - right), -np.inf)
    worst = np.unravel_index(int(np.nanargmax(diff)), mine.shape) if mine.ndim else ()
    index = tuple(int(i) for i in worst)
    return (f"{int(bad.sum())} of {bad.size} elements differ; the largest difference is "
            f"at index {index}: yours {mine[worst]:.6g}, the gradient {right[worst]:.6g}")


def _nonfinite(mine: np.ndarray, right: np.ndarray) -> str:
    for test, what in ((np.isnan, "NaN"), (np.isinf, "infinity")):
        bad = test(mine) & ~test(right)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            return (f"{what} in {int(bad.sum())} of {bad.size} elements (the first at index "
                    f"{first}): a log of 0, a division by 0, or an overflowing exp "
                    f"upstream?")
    return ""


def _factor_words(c: float, sizes: dict[int, str]) -> str:
    """A constant factor `c` (yours / the gradient) in words, naming a size it matches."""
    size, sign = abs(c), "-" if c < 0 else ""
    frac = Fraction(size).limit_denominator(1000)
    p, q = frac.numerator, frac.denominator
    if abs(float(frac) - size) > 1e-6 * size:
        return f"x{c:.4g}"
    if q == 1:
        return f"x{sign}{p}" + (f", {sizes[p]}?" if p in sizes else "")
    if p == 1:
        return f"/{sign}{q}" + (f", {sizes[q]}?" if q in sizes else "")
    if p == q + 1 and q >= 2:
        return (f"x{sign}{p}/{q}: divided by n-1 = {q} where n = {p} is right? (Bessel's "
                f"correction belongs to the unbiased variance only)")
    if q == p + 1 and p >= 2:
        return f"x{sign}{p}/{q}: divided by n = {q} where n-1 = {p} is right (the unbiased variance)?"
    return f"x{sign}{p}/{q}" if q <= 10 else f"x{c:.4g}"


def _same_shape(mine: np.ndarray, right: np.ndarray, tol: Tolerance,
                sizes: dict[int, str]) -> str:
    """The cause of a difference between two arrays of the same shape, or ''."""
    if not mine.size:
        return ""
    nonfinite = _nonfinite(mine, right)
    if nonfinite:
        return nonfinite
    if not np.isfinite(right).all():
        return ""
    if not mine.any():
        return ("all zeros: the gradient was never written into this array (or only "
                "zeros were added to it)")
    if not right.any():
        return "the gradient is zero everywhere here; yours is not"
    if mine.ndim >= 2 and mine.shape[-1] == mine.shape[-2] \
            and close(np.swapaxes(mine, -1, -2), right, tol):
        return "transposed: swap the last two axes (.T); is a matrix product in the wrong order?"
    r = right.astype(np.float64).ravel()
    c = float(np.dot(mine.astype(np.float64).ravel(), r) / np.dot(r, r))
    if c == 0.0 or not np.isfinite(c):
        return ""
    nice = float(Fraction(c).limit_denominator(1000))
    for factor in (nice, c):
        if abs(factor - 1.0) > 1e-9 and close(mine, factor * right, (tol[0], tol[1] * abs(factor))):
            if abs(factor + 1.0) < 1e-9:
                return "the wrong sign: yours is minus the gradient"
            return f"off by a constant factor: {_factor_words(factor, sizes)}"
    return ""


def _other_shape(mine: np.ndarray, right: np.ndarray, tol: Tolerance,
                 sizes: dict[int, str]) -> str:
    """The cause of a shape mismatch, or only the shapes where none is found."""
    shapes = f"{mine.shape} vs {right.shape}"
    if mine.size == right.size and mine.ndim >= 2 and mine.ndim == right.ndim:
        for perm in itertools.permutations(range(mine.ndim)):
            if perm != tuple(range(mine.ndim)) and mine.ndim <= 4 \
                    and close(mine.transpose(perm), right, tol):
                how = ".T" if mine.ndim == 2 else f".transpose{perm}"
                return f"transposed: {shapes}: use {how}"
    if mine.size == right.size and close(mine.reshape(right.shape), right, tol):
        return (f"the right numbers in the wrong shape: {shapes}: reshape, or a "
                f"keepdims= to change")
    if broadcasts(right.shape, mine.shape):
        axes = _broadcast_axes(mine.shape, right.shape)
        summed = sum_to(mine, right.shape)
        keep = ", keepdims=True" if len(mine.shape) == len(right.shape) else ""
        missing = f"a missing sum over a broadcast {_axes(axes)}: {shapes}: sum over " \
                  f"{_axes(axes)}{keep}"
        if close(summed, right, tol):
            return missing
        then = _same_shape(summed, right, tol, sizes)
        if then:
            return f"{missing}, and then {then}"
    if broadcasts(mine.shape, right.shape) and close(sum_to(right, mine.shape), mine, tol):
        axes = _broadcast_axes(right.shape, mine.shape)
        return (f"summed over {_axes(axes)} where the gradient keeps it: {shapes}: one "
                f"gradient for every element of the input, not their sum")
    return f"the wrong shape: {shapes}"


def diagnose(mine: np.ndarray, right: np.ndarray, tol: Tolerance,
             sizes: dict[int, str] | None = None) -> str:
    """The most likely mistake that makes `mine` differ from `right`, in words.

    Args:
        mine: the hand-written gradient.
        right: the gradient it should equal.
        tol: `(rtol, atol)` within which two elements count as equal.
        sizes: what each size in the arrays means ("the batch size"), for naming
            a constant factor; by default read from the two shapes.

    Returns:
        One sentence, or '' when the arrays agree within `tol` and have one dtype.
    """
    sizes = sizes if sizes is not None else sizes_of(right.shape, mine.shape)
    if mine.shape != right.shape:
        return _other_shape(mine, right, tol, sizes)
    if mine.dtype == right.dtype:
        return "" if close(mine, right, tol) else \
            _same_shape(mine, right, tol, sizes) or _where(mine, right, tol)
    dtype = f"the wrong dtype: {mine.dtype} where {right.dtype} is right"
    loose = tuple(max(a, b) for a, b in zip(tolerance(mine.dtype), tol))
    if close(mine, right, loose):
        return f"{dtype} (the numbers agree to {mine.dtype} precision)"
    words = _same_shape(mine, right, tol, sizes) or _where(mine, right, tol)
    return f"{words}; also {dtype}"


def tolerance(dtype: np.dtype) -> Tolerance:
    """`(rtol, atol)` for comparing arrays of `dtype`: float64 as `torch.allclose`,
    looser for the fewer digits of float32 and float16."""
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        return (1e-2, 1e-3)
    if dtype == np.float32:
        return (1e-4, 1e-6)
    return (1e-5, 1e-8)
