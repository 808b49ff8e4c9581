"""NumPy's functions of the wider op set on Values (`np.var(v)`, `np.einsum(...)`,
`np.split(v, 3)`, `np.linalg.norm(v)`, ...), each mapped onto the function
that records it, with NumPy's meaning and defaults where they differ from
PyTorch's (`np.var`'s `ddof=0`, `np.split`'s indices, `np.pad`'s widths).
`numpy_api` adds them to the functions its protocol dispatches.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import assembly, combine, contract, matrices, ops, selection, shaping, statistics

__all__ = ["FUNCTIONS"]


def _spread_ddof(fn: Callable) -> Callable:
    def run(a: Any, axis: Any = None, ddof: Any = 0, keepdims: Any = False, correction: Any = None) -> Any:
        d = ddof if correction is None or correction is np._NoValue else correction
        return fn(a, axis, ddof=d, keepdims=bool(keepdims))
    return run


def _sort(a: Any, axis: Any = -1) -> Any:
    if axis is None:
        a, axis = ops.reshape(a, shape=(-1,)), 0
    return selection.sort(a, axis).values


def _einsum(operands: tuple, optimize: Any = False) -> Any:
    return contract.einsum(operands[0], *operands[1:])


def _pad(array: Any, pad_width: Any, mode: Any = "constant", kwargs: Any = None) -> Any:
    if mode != "constant":
        raise TypeError(f"np.pad: mode={mode!r} is not supported on Values (only 'constant')")
    return assembly.pad_widths(array, pad_width, (kwargs or {}).get("constant_values", 0.0))


def _round(a: Any, decimals: int = 0) -> Any:
    return ops.round_(a, decimals)


# NumPy's functions -> (what they are on Values, the parameters it takes).
FUNCTIONS: dict[Callable, tuple[Callable, tuple]] = {
    np.var: (_spread_ddof(statistics.var), ("a", "axis", "ddof", "keepdims", "correction")),
    np.std: (_spread_ddof(statistics.std), ("a", "axis", "ddof", "keepdims", "correction")),
    np.prod: (lambda a, axis=None, keepdims=False: statistics.prod(a, axis, bool(keepdims)),
              ("a", "axis", "keepdims")),
    np.cumsum: (lambda a, axis=None: statistics.cumsum(a, axis), ("a", "axis")),
    np.cumprod: (lambda a, axis=None: statistics.cumprod(a, axis), ("a", "axis")),
    np.linalg.norm: (matrices.linalg_norm, ("x", "ord", "axis", "keepdims")),
    np.sort: (_sort, ("a", "axis")),
    np.einsum: (_einsum, ("operands", "optimize")),
    np.tensordot: (contract.tensordot, ("a", "b", "axes")),
    np.outer: (contract.outer, ("a", "b")),
    np.inner: (contract.inner, ("a", "b")),
    np.kron: (contract.kron, ("a", "b")),
    np.trace: (lambda a, offset=0, axis1=0, axis2=1: matrices.trace(a, offset, axis1, axis2),
               ("a", "offset", "axis1", "axis2")),
    np.diagonal: (lambda a, offset=0, axis1=0, axis2=1: matrices.diagonal(a, offset, axis1, axis2),
                  ("a", "offset", "axis1", "axis2")),
    np.diag: (lambda v, k=0: matrices.diag(v, k), ("v", "k")),
    np.tril: (lambda m, k=0: matrices.tril(m, k), ("m", "k")),
    np.triu: (lambda m, k=0: matrices.triu(m, k), ("m", "k")),
    np.split: (lambda ary, indices_or_sections, axis=0: assembly.array_split(
        ary, indices_or_sections, axis, equal=True), ("ary", "indices_or_sections", "axis")),
    np.array_split: (lambda ary, indices_or_sections, axis=0: assembly.array_split(
        ary, indices_or_sections, axis), ("ary", "indices_or_sections", "axis")),
    np.tile: (lambda A, reps: shaping.tile(A, reps), ("A", "reps")),
    np.repeat: (lambda a, repeats, axis=None: shaping.repeat_interleave(a, repeats, axis),
                ("a", "repeats", "axis")),
    np.flip: (lambda m, axis=None: shaping.flip(m, axis), ("m", "axis")),
    np.roll: (lambda a, shift, axis=None: shaping.roll(a, shift, axis), ("a", "shift", "axis")),
    np.moveaxis: (lambda a, source, destination: shaping.moveaxis(a, source, destination),
                  ("a", "source", "destination")),
    np.vstack: (lambda tup: combine.vstack(list(tup)), ("tup",)),
    np.hstack: (lambda tup: combine.hstack(list(tup)), ("tup",)),
    np.pad: (_pad, ("array", "pad_width", "mode", "kwargs")),
    np.diff: (lambda a, n=1, axis=-1: shaping.diff(a, n, axis), ("a", "n", "axis")),
    np.take_along_axis: (lambda arr, indices, axis: selection.take_along_axis(arr, indices, axis),
                         ("arr", "indices", "axis")),
    np.round: (_round, ("a", "decimals")),
    np.around: (_round, ("a", "decimals")),
    np.nan_to_num: (lambda x, nan=0.0, posinf=None, neginf=None: selection.nan_to_num(x, nan, posinf, neginf),
                    ("x", "nan", "posinf", "neginf")),
}
