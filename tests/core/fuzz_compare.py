"""How the differential fuzzer compares with PyTorch: a step run alone in
either library (`single`), and the tolerances (`differ`, `sensitivity`).

Two correct implementations round differently. An elementwise op differs by
a few roundings of the dtype (`RTOL`); a step that cancels (a sum of terms of
both signs, softmax * sum(t) - t) may differ by far more, relative to its
result: `sensitivity` measures how far the exact (float64) result moves when
the operands move by a fraction of the dtype's rounding, and a value no
farther than PyTorch's from the exact one is right whatever the difference.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import torch

from autograd_core import Value
from fuzz_draw import Step
from fuzz_ops import SMOOTH, op_name

RTOL = {np.float16: 5e-3, np.float32: 2e-5, np.float64: 1e-9}


@contextmanager
def quiet():
    """Edge values make NumPy and PyTorch warn (overflow, log of 0): expected here."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def operands(datas: list, lib: str, grads: list) -> list:
    """Leaves (requiring grad where `grads` says) or constants, in either library."""
    args = []
    for d, g in zip(datas, grads):
        if lib == "ours":
            args.append(Value(d, requires_grad=True) if g else d)
        else:
            args.append(torch.from_numpy(np.array(d)).requires_grad_(bool(g)))
    return args


def single(step: Step, datas: list, grads: list, cot, lib: str):
    """The step on fresh leaves: (output, operand gradients) or the exception."""
    try:
        args = operands(datas, lib, grads)
        out = step.ours(*args) if lib == "ours" else step.theirs(*args)
        if cot is not None:
            out.backward(cot if lib == "ours" else torch.from_numpy(np.asarray(cot)))
        return out, [a.grad if g else None for a, g in zip(args, grads)]
    except Exception as e:  # noqa: BLE001
        return e


def data(x) -> np.ndarray | None:
    if x is None:
        return None
    return x.detach().numpy() if isinstance(x, torch.Tensor) else np.asarray(x.data if isinstance(x, Value) else x)


def differ(ours, theirs, dtype: np.dtype, scale=None, exact=None, huge=False) -> str | None:
    """Why `ours` and `theirs` (arrays or None for no gradient) disagree, or None.

    `scale` (from `_sensitivity`) widens the tolerance where a step cancels, and
    a value no farther than PyTorch's from the `exact` (float64) one is right.
    With `huge` (the step sums operands holding numbers near the largest),
    anything passes: the order of the sum decides whether it overflows
    halfway, and its rounding may be as large as the largest number."""
    ours, theirs = data(ours), data(theirs)
    if ours is None and theirs is None:
        return None
    ours = np.zeros_like(theirs) if ours is None else ours
    theirs = np.zeros_like(ours) if theirs is None else theirs
    if ours.shape != theirs.shape or ours.dtype != theirs.dtype:
        return f"shape/dtype {ours.shape} {ours.dtype} vs {theirs.shape} {theirs.dtype}"
    o, t = ours.astype(np.float64), theirs.astype(np.float64)
    if huge:  # a sum of numbers near the largest: its rounding may be as large as any of them
        return None
    if (np.isnan(o) != np.isnan(t)).any():
        return "NaN in one only"
    info = np.finfo(dtype)
    tol = RTOL[dtype.type] * np.abs(np.nan_to_num(t)) + 4 * float(info.smallest_subnormal)
    if scale is not None:
        tol = tol + 32 * scale
    with np.errstate(invalid="ignore"):
        bad = ~((o == t) | np.isnan(o) | (np.abs(o - t) <= tol))
        if exact is not None:
            bad &= ~(np.abs(o - exact) <= np.abs(t - exact) + tol)
        # At the edge of overflow, the order of a sum decides between inf and the largest numbers.
        bad &= ~(np.isinf(o) ^ np.isinf(t)) | (np.sign(o) != np.sign(t)) | (
            np.minimum(np.abs(o), np.abs(t)) < float(info.max) / 16)
    return f"values differ at {np.argwhere(bad)[:3].tolist()}" if bad.any() else None


def nudge(x, dtype: np.dtype, salt: int, ties: bool = True, smooth: bool = False) -> np.ndarray:
    """`x` in float64 with each value moved by up to a quarter of the dtype's
    rounding (four of float64's, which the float64 result can show). With
    `ties`, by an amount that depends on the value alone (equal values stay
    equal: ties hold) and leaving zeros, infinities, NaN and, unless the step
    is `smooth`, the small round numbers (bounds, ties, exponents) as they
    are; else at random (for a cotangent: a VJP is linear in it, it has no
    ties to keep)."""
    x = np.array(x, dtype=np.float64)
    step = max(float(np.finfo(dtype).eps) / 4, 4 * float(np.finfo(np.float64).eps))
    if not ties:
        return np.asarray(x * (1 + step * np.random.default_rng(salt).uniform(-1, 1, x.shape)))
    bits = x.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15 + 2 * salt)
    h = (bits >> np.uint64(11)).astype(np.float64) / 2.0 ** 52 - 1  # in [-1, 1)
    fixed = ~np.isfinite(x) | (x == 0)
    if not smooth:
        fixed |= (x * 2 == np.round(x * 2)) & (np.abs(x) <= 4)
    return np.where(fixed, x, x * (1 + step * h))


def sensitivity(step: Step, datas: list, cot, dtype: np.dtype) -> tuple:
    """The step's exact (float64) output and gradients, and how far they move
    when its operands and cotangent move by a quarter of the dtype's rounding:
    the scale of the rounding differences two correct implementations may
    show (large where the step cancels, e.g. a sum of terms of both signs).
    Returns two lists (scales, exact values): output first, then gradients."""
    def exact(salt):
        def f(d):
            return d if np.asarray(d).dtype.kind != "f" else (
                np.asarray(d, np.float64) if salt is None else nudge(d, dtype, salt, True, op_name(step) in SMOOTH))
        g = None if cot is None else np.asarray(cot, np.float64) if salt is None else nudge(cot, dtype, salt, False)
        res = single(step, [f(d) for d in datas], [True] * len(datas), g, "torch")
        if isinstance(res, Exception):
            raise res
        return [data(res[0])] + [data(g) for g in res[1]]
    try:
        base = exact(None)
        moved = [exact(salt) for salt in (1, 2)]
    except Exception:  # noqa: BLE001 (no scale: the plain tolerances apply)
        return [None] * (len(datas) + 1), [None] * (len(datas) + 1)
    scale = [None if b is None else np.maximum(*[np.abs(np.nan_to_num(m[k] - b, nan=0, posinf=0, neginf=0))
                                                  for m in moved])
             for k, b in enumerate(base)]
    return scale, base
