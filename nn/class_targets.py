"""Class targets for the classification losses (`cross_entropy`, `nll_loss`):
class indices checked and turned into one-hot rows, ignored rows masked, and an
input of classes on axis 1 laid out as rows of classes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value

__all__ = ["class_indices", "identity", "one_hot_rows", "all_classes", "class_rows",
           "valid_indices", "mean_over"]


def class_indices(fn: str, target: Any, n: int, c: int) -> np.ndarray:
    """Check that class targets of shape (n,) are integers; return them as int64."""
    t = target
    if t.dtype.kind == "b":
        raise TypeError(f"{fn}: class targets must be integers, got dtype bool")
    if t.dtype.kind == "f":
        if not np.all(np.isfinite(t)) or not np.array_equal(t, np.round(t)):
            raise ValueError(f"{fn}: class-index targets must be whole numbers; for "
                             f"class probabilities give a target of shape ({n}, {c})")
    elif t.dtype.kind not in "iu":
        raise TypeError(f"{fn}: class targets must be integers, got dtype {t.dtype}")
    if t.dtype.kind in "uf" and t.size and t.max() >= c:  # before int64 wraps it negative
        raise ValueError(f"{fn}: class index {t.max().item()!r} is out of range for "
                         f"{c} classes (valid: 0..{c - 1})")
    return t.astype(np.int64, copy=False)


_EYES: dict = {}  # (classes, dtype) -> identity matrix, whose rows are the one-hot targets


def identity(c: int, dtype: np.dtype) -> np.ndarray:
    """The identity matrix of `c` classes in `dtype` (kept: its rows are the one-hot targets)."""
    if (c, dtype) not in _EYES:
        _EYES[c, dtype] = np.eye(c, dtype=dtype)
    return _EYES[c, dtype]


def one_hot_rows(fn: str, idx: np.ndarray, c: int, dtype: np.dtype) -> np.ndarray:
    """Rows of the identity for the class indices `idx`; an index outside [0, c) is an error."""
    eye = identity(c, dtype)
    try:
        if not idx.size or idx.min() >= 0:  # take() would wrap a negative index
            return eye.take(idx, axis=0)
    except IndexError:
        pass
    bad = idx[(idx < 0) | (idx >= c)][0]
    raise ValueError(f"{fn}: class index {bad.item()!r} is out of range for "
                     f"{c} classes (valid: 0..{c - 1})")


def all_classes(t: np.ndarray, c: int, dtype: np.dtype) -> np.ndarray | None:
    """The one-hot rows of integer class targets that all lie in `0..c-1` (so none is
    a negative `ignore_index`), else None: the general path checks and reports them."""
    if t.dtype.kind != "i" or not t.size or np.minimum.reduce(t, None) < 0:
        return None  # take() would wrap a negative class (and an unsigned one past int64's)
    try:
        return identity(c, dtype).take(t.reshape(-1), axis=0)
    except IndexError:  # a class >= c
        return None


def class_rows(fn: str, input: Value) -> tuple[Value, tuple[int, ...]]:
    """`(N, C, d1, ...)` input as `(N * d1 * ..., C)` rows (the class axis last),
    and the shape `(N, d1, ...)` of the per-row losses."""
    if input.ndim < 2:
        raise ValueError(f"{fn}: input must be of shape (N, C) or (N, C, d1, ...), "
                         f"got shape {tuple(input.shape)}")
    rest = (input.shape[0],) + tuple(input.shape[2:])
    if input.ndim == 2:
        return input, rest
    perm = (0,) + tuple(range(2, input.ndim)) + (1,)
    return input.transpose(*perm).reshape(-1, input.shape[1]), rest


def valid_indices(fn: str, target: Any, rest: tuple[int, ...], c: int,
                  ignore_index: int) -> tuple[np.ndarray, np.ndarray]:
    """Class indices of shape `rest` flattened, with the mask of those not ignored
    (ignored ones set to class 0)."""
    idx = class_indices(fn, target, rest[0], c).reshape(-1)
    valid = idx != ignore_index
    return np.where(valid, idx, 0), valid


def mean_over(loss_sum: Value, count: int) -> Value:
    """The sum divided by the count of rows not ignored (0 / 0 is NaN, as in PyTorch)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return loss_sum / loss_sum.dtype.type(count)
