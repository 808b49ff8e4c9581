"""Value's reductions: `sum`, `mean`, `max`, `min`, `prod`, `var`, `std`,
`logsumexp`, `norm` over axes, `softmax` and `log_softmax` along one, the
scans `cumsum` and `cumprod`, and `argmax`, `argmin`, `any`, `all` (plain
ndarrays). NumPy's keywords (`axis=`, `keepdims=`) or PyTorch's (`dim=`,
`keepdim=`); both spellings of one argument raise `TypeError`."""
from __future__ import annotations

from typing import Any

from .. import ops, statistics
from ..args import axes, reduce_args, refuse_keywords, spelled
from ..registry import Op

__all__ = ["ReduceMixin"]


class ReduceMixin:
    """Mixed into `Value`: reductions, each checking its axes before the op runs.

    Args (of every method):
        axis: an int or a tuple of ints (negative counts from the end), or
            None for all axes (`softmax`, `log_softmax`: one int, default -1);
            PyTorch's `dim=` is the same.
        keepdims: keep the reduced axes, with size 1 (PyTorch's `keepdim=`).

    Raises (every method):
        TypeError: `axis` is not an int or a tuple of ints, both `axis=` and
            `dim=` (or `keepdims=` and `keepdim=`) are given, or another
            keyword is.
        ValueError: an axis out of range, or repeated.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value
        >>> Value(np.arange(6.0).reshape(2, 3)).sum(axis=0)
        Value([3., 5., 7.], op='sum')
        >>> x = Value([1.0, 3.0, 3.0])
        >>> x.max().backward()
        >>> x.grad
        array([0. , 0.5, 0.5])
    """

    __slots__ = ()

    def _reduce(self, op: Op, axis: Any, keepdims: Any, dim: Any, keepdim: Any, more: dict) -> Any:
        """The reduction `op` over `axis` (or `dim`), once its arguments are checked."""
        refuse_keywords(op.name, more)
        ax, keep = reduce_args(op.name, self, axis, dim, keepdims, keepdim)
        return op(self, axis=ax, keepdims=keep)

    def sum(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None, keepdim: Any = None,
            **more: Any) -> Any:
        """The sum over `axis`; the gradient is 1 for every summed element."""
        return self._reduce(ops.sum_, axis, keepdims, dim, keepdim, more)

    def mean(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None, keepdim: Any = None,
             **more: Any) -> Any:
        """The mean over `axis`; the gradient is 1/n for each of the n elements averaged."""
        return self._reduce(ops.mean, axis, keepdims, dim, keepdim, more)

    def max(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None, keepdim: Any = None,
            **more: Any) -> Any:
        """The maximum over `axis` (with `dim=` too, the values only: a Value); tied
        elements share the gradient evenly (as `torch.amax`)."""
        return self._reduce(ops.max_, axis, keepdims, dim, keepdim, more)

    def min(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None, keepdim: Any = None,
            **more: Any) -> Any:
        """The minimum over `axis` (with `dim=` too, the values only); tied elements
        share the gradient evenly (as `torch.amin`)."""
        return self._reduce(ops.min_, axis, keepdims, dim, keepdim, more)

    def softmax(self, axis: Any = None, *, dim: Any = None, **more: Any) -> Any:
        """`exp(v) / sum(exp(v))` along `axis`, computed stably (no overflow for large v).

        Examples:
            >>> from autograd_core import Value
            >>> Value([1.0, 2.0]).softmax()
            Value([0.2689, 0.7311], op='softmax')
        """
        refuse_keywords("softmax", more)
        ax = spelled("softmax", axis, dim, "axis", "dim", -1)
        return ops.softmax(self, axis=axes(ax, self._data.ndim, "softmax"))

    def log_softmax(self, axis: Any = None, *, dim: Any = None, **more: Any) -> Any:
        """`v - log(sum(exp(v)))` along `axis`, computed stably (no overflow for large v)."""
        refuse_keywords("log_softmax", more)
        ax = spelled("log_softmax", axis, dim, "axis", "dim", -1)
        return ops.log_softmax(self, axis=axes(ax, self._data.ndim, "log_softmax"))

    # The wider op set (each calls the function of its name in `autograd_core`).
    prod = statistics.prod
    var = statistics.var
    std = statistics.std
    logsumexp = statistics.logsumexp
    norm = statistics.norm
    cumsum = statistics.cumsum
    cumprod = statistics.cumprod
    argmax = statistics.argmax
    argmin = statistics.argmin
    any = statistics.any_
    all = statistics.all_
