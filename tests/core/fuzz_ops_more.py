"""The fuzzer's steps for the wider op set (see `fuzz_ops.py`, whose
`MAKERS` takes these in): elementwise math, statistics and scans, flips,
rolls, pads, contractions and casts, each beside the same step in PyTorch."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import ops
from fuzz_draw import Ctx, Step

TF = torch.nn.functional
UNARY = {"tan": torch.tan, "asin": torch.asin, "acos": torch.acos, "atan": torch.atan,
         "sinh": torch.sinh, "cosh": torch.cosh, "asinh": torch.asinh, "acosh": torch.acosh,
         "atanh": torch.atanh, "log2": torch.log2, "log10": torch.log10, "log1p": torch.log1p,
         "exp2": torch.exp2, "expm1": torch.expm1, "reciprocal": torch.reciprocal,
         "rsqrt": torch.rsqrt, "erf": torch.erf, "sign": torch.sign, "floor": torch.floor,
         "ceil": torch.ceil, "trunc": torch.trunc}


def _tensors(fn: Callable) -> Callable:
    """`fn` with a number operand made a tensor of the other's dtype (these take tensors only)."""
    def run(a, b):
        a, b = (x if torch.is_tensor(x) else torch.tensor(x, dtype=y.dtype) for x, y in ((a, b), (b, a)))
        return fn(a, b)
    return run


BINARY = {"atan2": _tensors(torch.atan2), "logaddexp": _tensors(torch.logaddexp),
          "hypot": _tensors(torch.hypot), "fmod": _tensors(torch.fmod),
          "remainder": _tensors(torch.remainder),
          "floor_divide": _tensors(lambda a, b: torch.div(a, b, rounding_mode="floor"))}  # floor_divide has no gradient
SMOOTH = {"tan", "sinh", "cosh", "atan", "asinh", "exp2", "expm1", "erf", "logaddexp", "lerp",
          "var", "std", "logsumexp", "cumsum", "flip", "roll", "tile", "pad", "einsum", "tensordot", "cast", "clone", "tril",
          "triu", "diff"}
NO_SUMS = set(UNARY) | {"round", "nan_to_num", "flip", "roll", "pad", "cast", "clone", "tril", "triu"}


def _stat(name: str) -> Callable:
    def make(c: Ctx, pool: list) -> Step:
        i = c.pick(pool)
        axes, keep = c.axes(len(pool[i])), c.draw(st.booleans())
        ddof = c.draw(st.sampled_from([0, 1]))
        kw = {"ddof": ddof} if name in ("var", "std") else {}

        def theirs(t):
            dims = (tuple(range(t.ndim)) or (0,)) if axes is None else axes  # a 0-d tensor: dim 0
            if name in ("var", "std"):
                return getattr(torch, name)(t, dim=dims or None, correction=ddof, keepdim=keep)
            if name == "norm":
                return torch.linalg.vector_norm(t, dim=dims or None, keepdim=keep)
            if name == "prod" and len(dims) != 1 and t.ndim:  # torch.prod takes one dim
                moved = t.permute([k for k in range(t.ndim) if k not in dims] + list(dims))
                n = int(np.prod([t.shape[d] for d in dims]))  # not -1: ambiguous for 0 elements
                out = moved.reshape(moved.shape[:t.ndim - len(dims)] + (n,)).prod(-1)
                return out.reshape([1 if k in dims else n for k, n in enumerate(t.shape)]) if keep else out
            return getattr(torch, name)(t, dims[0] if name == "prod" else dims, keepdim=keep)
        return Step(f"{name}(#{i}, axis={axes}, keepdims={keep}, {kw})",
                    lambda v: getattr(ops, name)(v, axis=axes, keepdims=keep, **kw), theirs, (i,))
    return make


def _scan(name: str) -> Callable:
    def make(c: Ctx, pool: list) -> Step | None:
        i = c.pick(pool, lambda s: len(s) > 0)
        if i is None:
            return None
        ax = c.draw(st.integers(0, len(pool[i]) - 1))
        return Step(f"{name}(#{i}, {ax})", lambda v: getattr(ops, name)(v, axis=ax),
                    lambda t: getattr(torch, name)(t, ax), (i,))
    return make


def _arrange(name: str) -> Callable:
    def make(c: Ctx, pool: list) -> Step | None:
        i = c.pick(pool, lambda s: len(s) > 0)
        if i is None:
            return None
        n = len(pool[i])
        ax = c.draw(st.integers(0, n - 1))
        if name == "flip":
            return Step(f"flip(#{i}, {ax})", lambda v: ops.flip(v, axes=(ax,)),
                        lambda t: torch.flip(t, (ax,)), (i,))
        if name == "roll":
            k = c.draw(st.integers(-3, 3))
            return Step(f"roll(#{i}, {k}, {ax})", lambda v: ops.roll(v, shifts=(k,), axes=(ax,)),
                        lambda t: torch.roll(t, k, ax), (i,))
        if name == "tile":
            reps = tuple(c.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n + 1)))
            return Step(f"tile(#{i}, {reps})", lambda v: ops.tile(v, reps=reps),
                        lambda t: t.repeat(*reps), (i,))  # PyTorch's repeat is NumPy's tile
        size = pool[i][-1]  # negative widths crop, at most the whole axis (as PyTorch allows)
        lo = c.draw(st.integers(-min(size, 2), 2))
        hi = c.draw(st.integers(-min(size - max(-lo, 0), 2), 2))
        val = c.draw(st.sampled_from([0.0, -1.5]))
        widths = ((0, 0),) * (n - 1) + ((lo, hi),)
        return Step(f"pad(#{i}, {widths}, {val})", lambda v: ops.pad(v, widths=widths, value=val),
                    lambda t: TF.pad(t, (lo, hi), value=val), (i,))
    return make


def _triangle(name: str) -> Callable:
    def make(c: Ctx, pool: list) -> Step | None:
        i = c.pick(pool, lambda s: len(s) >= 2)
        if i is None:
            return None
        k = c.draw(st.integers(-2, 2))
        return Step(f"{name}(#{i}, {k})", lambda v: getattr(ops, name)(v, k=k),
                    lambda t: getattr(torch, name)(t, k), (i,))
    return make


def _diff(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: len(s) > 0)
    if i is None:
        return None
    ax = c.draw(st.integers(0, len(pool[i]) - 1))
    return Step(f"diff(#{i}, {ax})", lambda v: ops.diff(v, axis=ax), lambda t: torch.diff(t, dim=ax), (i,))


def _lerp(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    w = c.draw(st.sampled_from([0.25, 0.75]))
    return Step(f"lerp(#{i}, fresh, {w})", lambda a, b: ops.lerp(a, b, w),
                lambda a, b: torch.lerp(a, b, w), (i,), (c.fresh(pool[i]),))


def _round(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    return Step(f"round(#{i})", lambda v: ops.round_(v, decimals=0), torch.round, (i,))


def _nan_to_num(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    return Step(f"nan_to_num(#{i})", lambda v: ops.nan_to_num(v, nan=0.5, posinf=2.0, neginf=-2.0),
                lambda t: torch.nan_to_num(t, 0.5, 2.0, -2.0), (i,))


def _einsum(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: len(s) in (1, 2))
    if i is None:
        return None
    s = pool[i]
    if len(s) == 1:
        spec = c.draw(st.sampled_from(["i,i->", "i,j->ij"]))
        other = (s[0],) if spec == "i,i->" else (c.draw(st.integers(0, 2)),)
    else:
        spec = c.draw(st.sampled_from(["ij,jk->ik", "ij,ij->i", "ij,kj->jk", "...j,...j->..."]))
        other = {"ij,jk->ik": (s[1], 2), "ij,ij->i": s, "ij,kj->jk": (2, s[1]),
                 "...j,...j->...": (1, s[1])}[spec]  # a size-1 axis under '...' broadcasts
    return Step(f"einsum({spec!r}, #{i}, fresh)", lambda a, b: ag.einsum(spec, a, b),
                lambda a, b: torch.einsum(spec, a, b), (i,), (c.fresh(other),))


def _tensordot(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: len(s) > 0)
    if i is None:
        return None
    other = (pool[i][-1], c.draw(st.integers(0, 2)))
    return Step(f"tensordot(#{i}, fresh, 1)", lambda a, b: ops.tensordot(a, b, axes=((a.ndim - 1,), (0,))),
                lambda a, b: torch.tensordot(a, b, 1), (i,), (c.fresh(other),))


def _cast(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    return Step(f"cast(#{i})", lambda v: ops.cast(ops.cast(v, dtype=np.dtype(np.float64)), dtype=v.dtype),
                lambda t: t.to(torch.float64).to(t.dtype), (i,))


def _clone(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    return Step(f"clone(#{i})", lambda v: v.clone(), lambda t: t.clone(), (i,))


def makers(unary: Callable, binary: Callable) -> dict:
    """The makers, built with `fuzz_ops`'s `unary` and `binary`."""
    found = {name: unary(name, getattr(ops, name), fn) for name, fn in UNARY.items()}
    found.update({name: binary(name, getattr(ops, name), fn) for name, fn in BINARY.items()})
    found.update({name: _stat(name) for name in ("prod", "var", "std", "norm", "logsumexp")})
    found.update({name: _scan(name) for name in ("cumsum", "cumprod")})
    found.update({name: _arrange(name) for name in ("flip", "roll", "tile", "pad")})
    found.update({"lerp": _lerp, "round": _round, "nan_to_num": _nan_to_num, "einsum": _einsum,
                  "tensordot": _tensordot, "cast": _cast, "clone": _clone,
                  "tril": _triangle("tril"), "triu": _triangle("triu"), "diff": _diff})
    return found
