"""Statistics and scans as functions: `prod`, `var`, `std`, `logsumexp`,
`norm`, `cumsum`, `cumprod`, and `argmax`, `argmin`, `any`, `all` (plain
ndarrays), with the checks that turn bad arguments into clear errors.

Each takes NumPy's `axis=`/`keepdims=` or PyTorch's `dim=`/`keepdim=`
(both spellings of one argument: `TypeError`). The `Value` methods of the
same names call these.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import ops
from .args import one_axis as _one_axis, reduce_args, shape_of as _shape, spelled

__all__ = ["prod", "var", "std", "logsumexp", "norm", "cumsum",
           "cumprod", "argmax", "argmin", "any_", "all_"]


def prod(v: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
         keepdim: Any = None) -> Any:
    """The product over `axis`; each element's gradient is the product of the others (exact at zeros).

    Args:
        v: a Value.
        axis: an int or a tuple of ints, or None for all axes (PyTorch: `dim=`).
        keepdims: keep the reduced axes, with size 1 (PyTorch: `keepdim=`).

    Returns:
        A new Value, recorded by the `prod` op.

    Raises:
        TypeError: both spellings of an argument, or an axis that is not an int.
        ValueError: an axis out of range.

    Examples:
        >>> from autograd_core import Value, prod
        >>> prod(Value([2.0, 3.0, 4.0]))
        Value(24., op='prod')
    """
    axes, keep = reduce_args("prod", v, axis, dim, keepdims, keepdim)
    return ops.prod(v, axis=axes, keepdims=keep)


def _ddof(name: str, ddof: Any, correction: Any, default: int) -> int:
    d = spelled(name, ddof, correction, "ddof", "correction", default)
    if isinstance(d, bool) or not isinstance(d, numbers.Real) or d < 0:
        raise TypeError(f"{name}: ddof/correction must be a non-negative number, got {d!r}")
    return d


def var(v: Any, axis: Any = None, *, ddof: Any = None, correction: Any = None, keepdims: Any = None,
        dim: Any = None, keepdim: Any = None) -> Any:
    """The variance over `axis`: sum((v - mean)**2) / (n - ddof).

    PyTorch's default, `correction=1` (the unbiased estimate), is this
    function's and the method's; `np.var(v)` keeps NumPy's `ddof=0`. Where
    `n - ddof <= 0` the result is inf or NaN, as in both libraries.

    Args:
        v: a Value.
        axis: an int or a tuple of ints, or None for all (PyTorch: `dim=`).
        ddof: subtracted from the count (PyTorch: `correction=`); default 1.
        correction: PyTorch's name for `ddof`.
        keepdims: keep the reduced axes (PyTorch: `keepdim=`).
        dim: PyTorch's name for `axis`.
        keepdim: PyTorch's name for `keepdims`.

    Returns:
        A new Value, recorded by the `var` op.

    Raises:
        TypeError: both spellings of an argument (`ddof` and `correction`
            included), or an axis that is not an int.
        ValueError: an axis out of range.

    Examples:
        >>> from autograd_core import Value, var
        >>> var(Value([1.0, 2.0, 3.0]))
        Value(1., op='var')
        >>> var(Value([1.0, 2.0, 3.0]), ddof=0)
        Value(0.6667, op='var')
    """
    axes, keep = reduce_args("var", v, axis, dim, keepdims, keepdim)
    return ops.var(v, axis=axes, ddof=_ddof("var", ddof, correction, 1), keepdims=keep)


def std(v: Any, axis: Any = None, *, ddof: Any = None, correction: Any = None, keepdims: Any = None,
        dim: Any = None, keepdim: Any = None) -> Any:
    """The standard deviation over `axis`, sqrt of `var`; the gradient is 0 where it is 0.

    Defaults as `var`: PyTorch's `correction=1` here and in the method,
    NumPy's `ddof=0` for `np.std(v)`.

    Args:
        v: a Value.
        axis: as for `var`.
        ddof: as for `var`.
        correction: as for `var`.
        keepdims: as for `var`.
        dim: as for `var`.
        keepdim: as for `var`.

    Returns:
        A new Value, recorded by the `std` op.

    Raises:
        TypeError: as for `var`.
        ValueError: as for `var`.
    """
    axes, keep = reduce_args("std", v, axis, dim, keepdims, keepdim)
    return ops.std(v, axis=axes, ddof=_ddof("std", ddof, correction, 1), keepdims=keep)


def logsumexp(v: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
              keepdim: Any = None) -> Any:
    """log(sum(exp(v))) over `axis`, without overflow; the gradient is softmax(v).

    All `-inf` gives `-inf` (and an empty selection too), as in PyTorch.

    Args:
        v: a Value.
        axis: an int or a tuple of ints, or None for all (PyTorch: `dim=`).
        keepdims: keep the reduced axes (PyTorch: `keepdim=`).
        dim: PyTorch's name for `axis`.
        keepdim: PyTorch's name for `keepdims`.

    Returns:
        A new Value, recorded by the `logsumexp` op.

    Raises:
        TypeError: both spellings of an argument.
        ValueError: an axis out of range.
    """
    axes, keep = reduce_args("logsumexp", v, axis, dim, keepdims, keepdim)
    return ops.logsumexp(v, axis=axes, keepdims=keep)


def norm(v: Any, p: Any = 2, dim: Any = None, keepdim: Any = None, *, axis: Any = None,
         keepdims: Any = None) -> Any:
    """PyTorch's vector norm: of the flattened Value, or along `dim`.

    `p=2` (the default) is its own op, whose gradient is `v / norm` (0 where
    the norm is 0, as in PyTorch); `p=1` is `abs().sum()`, `p=inf` and
    `-inf` the largest and smallest `abs()`, `p=0` the count of nonzero
    elements (no gradient), any other `p` `(abs()**p).sum()**(1/p)`.

    Args:
        v: a Value.
        p: the order.
        dim: an int or a tuple of ints (NumPy: `axis=`), or None for all.
        keepdim: keep the reduced axes (NumPy: `keepdims=`).
        axis: NumPy's name for `dim`.
        keepdims: NumPy's name for `keepdim`.

    Returns:
        A new Value.

    Raises:
        TypeError: `p` is not a number, or both spellings of an argument.
        ValueError: an axis out of range.
    """
    axes, keep = reduce_args("norm", v, axis, dim, keepdims, keepdim)
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"norm: p must be a number, got {p!r}")
    if p == 2:
        return ops.norm(v, axis=axes, keepdims=keep)
    a = ops.abs_(v)
    if p == 1:
        return ops.sum_(a, axis=axes, keepdims=keep)
    if p == np.inf or p == -np.inf:
        return (ops.max_ if p > 0 else ops.min_)(a, axis=axes, keepdims=keep)
    if p == 0:
        return ops.sum_(ops.sign(a), axis=axes, keepdims=keep)
    return ops.pow_(ops.sum_(ops.pow_(a, float(p)), axis=axes, keepdims=keep), 1.0 / p)


def _scan(name: str, v: Any, axis: Any, dim: Any) -> tuple:
    ax = _one_axis(name, v, axis, dim)
    if ax is None or not _shape(v):  # NumPy's axis=None: over the flattened Value
        return ops.reshape(v, shape=(-1,)), 0
    return v, ax


def cumsum(v: Any, axis: Any = None, *, dim: Any = None) -> Any:
    """The running sum along `axis`; the gradient is the upstream one summed from the end.

    Args:
        v: a Value.
        axis: one int (PyTorch: `dim=`); None (NumPy's default) runs over
            the flattened Value.
        dim: PyTorch's name for `axis`.

    Returns:
        A new Value, recorded by the `cumsum` op.

    Raises:
        TypeError: both spellings, or an axis that is not one int.
        ValueError: the axis is out of range.

    Examples:
        >>> from autograd_core import Value, cumsum
        >>> cumsum(Value([1.0, 2.0, 3.0]), dim=0)
        Value([1., 3., 6.], op='cumsum')
    """
    v, ax = _scan("cumsum", v, axis, dim)
    return ops.cumsum(v, axis=ax)


def cumprod(v: Any, axis: Any = None, *, dim: Any = None) -> Any:
    """The running product along `axis`; the gradient is exact at zeros, as PyTorch's.

    Args:
        v: a Value.
        axis: as for `cumsum`.
        dim: PyTorch's name for `axis`.

    Returns:
        A new Value, recorded by the `cumprod` op.

    Raises:
        TypeError: as for `cumsum`.
        ValueError: as for `cumsum`.
    """
    v, ax = _scan("cumprod", v, axis, dim)
    return ops.cumprod(v, axis=ax)


def _on_data(name: str, fn: Any, v: Any, axis: Any, dim: Any, keepdims: Any, keepdim: Any) -> np.ndarray:
    ax = _one_axis(name, v, axis, dim) if name.startswith("arg") else \
        reduce_args(name, v, axis, dim, None, None)[0]
    keep = bool(spelled(name, keepdims, keepdim, "keepdims", "keepdim", False))
    data = v.data if hasattr(v, "_data") else np.asarray(v)
    return np.asarray(fn(data, axis=ax, keepdims=keep))


def argmax(v: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
           keepdim: Any = None) -> np.ndarray:
    """The index of the largest element (of the flattened Value, or along `axis`); no graph.

    Args:
        v: a Value.
        axis: one int (PyTorch: `dim=`), or None for the flattened Value.
        keepdims: keep the reduced axis (PyTorch: `keepdim=`).
        dim: PyTorch's name for `axis`.
        keepdim: PyTorch's name for `keepdims`.

    Returns:
        An int64 ndarray (a NaN counts as the largest, as in both libraries).

    Raises:
        TypeError: both spellings of an argument.
        ValueError: the axis is out of range.
    """
    return _on_data("argmax", np.argmax, v, axis, dim, keepdims, keepdim)


def argmin(v: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
           keepdim: Any = None) -> np.ndarray:
    """The index of the smallest element, as `argmax`; no graph.

    Args:
        v: a Value.
        axis: as for `argmax`.
        keepdims: as for `argmax`.
        dim: as for `argmax`.
        keepdim: as for `argmax`.

    Returns:
        An int64 ndarray.

    Raises:
        TypeError: as for `argmax`.
        ValueError: as for `argmax`.
    """
    return _on_data("argmin", np.argmin, v, axis, dim, keepdims, keepdim)


def any_(v: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
         keepdim: Any = None) -> np.ndarray:
    """Whether any element is nonzero, over `axis` (all axes if None); no graph.

    Args:
        v: a Value.
        axis: an int or a tuple of ints (PyTorch: `dim=`), or None.
        keepdims: keep the reduced axes (PyTorch: `keepdim=`).
        dim: PyTorch's name for `axis`.
        keepdim: PyTorch's name for `keepdims`.

    Returns:
        A boolean ndarray.

    Raises:
        TypeError: both spellings of an argument.
        ValueError: an axis out of range.
    """
    return _on_data("any", np.any, v, axis, dim, keepdims, keepdim)


def all_(v: Any, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
         keepdim: Any = None) -> np.ndarray:
    """Whether every element is nonzero, over `axis`, as `any`; no graph.

    Args:
        v: a Value.
        axis: as for `any`.
        keepdims: as for `any`.
        dim: as for `any`.
        keepdim: as for `any`.

    Returns:
        A boolean ndarray.

    Raises:
        TypeError: as for `any`.
        ValueError: as for `any`.
    """
    return _on_data("all", np.all, v, axis, dim, keepdims, keepdim)
