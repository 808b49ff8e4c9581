"""Value's reductions: `sum`, `mean`, `max`, `min` over axes, and `softmax` and
`log_softmax` along one. NumPy's keywords (`axis=`, `keepdims=`); PyTorch's
`dim=` and `keepdim=` raise `TypeError` saying which to write."""
from __future__ import annotations

from typing import Any

from .. import ops
from ..args import axes, refuse_keywords
from ..registry import Op

__all__ = ["ReduceMixin"]


class ReduceMixin:
    """Mixed into `Value`: reductions, each checking its axes before the op runs.

    Args (of every method):
        axis: an int or a tuple of ints (negative counts from the end), or
            None for all axes (`softmax`, `log_softmax`: one int, default -1).
        keepdims: keep the reduced axes, with size 1.

    Raises (every method):
        TypeError: `axis` is not an int or a tuple of ints, or a keyword
            other than `axis` and `keepdims` is given (PyTorch's `dim=` and
            `keepdim=` say what to write instead).
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

    def _reduce(self, op: Op, axis: Any, keepdims: bool, torch_names: dict) -> Any:
        """The reduction `op` over `axis`, once its arguments are checked."""
        refuse_keywords(op.name, torch_names)
        return op(self, axis=axes(axis, self._data.ndim, op.name), keepdims=keepdims)

    def sum(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The sum over `axis`; the gradient is 1 for every summed element."""
        return self._reduce(ops.sum_, axis, keepdims, torch_names)

    def mean(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The mean over `axis`; the gradient is 1/n for each of the n elements averaged."""
        return self._reduce(ops.mean, axis, keepdims, torch_names)

    def max(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The maximum over `axis`; tied elements share the gradient evenly (as `torch.amax`)."""
        return self._reduce(ops.max_, axis, keepdims, torch_names)

    def min(self, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Any:
        """The minimum over `axis`; tied elements share the gradient evenly (as `torch.amin`)."""
        return self._reduce(ops.min_, axis, keepdims, torch_names)

    def softmax(self, axis: int = -1, **torch_names: Any) -> Any:
        """`exp(v) / sum(exp(v))` along `axis`, computed stably (no overflow for large v).

        Examples:
            >>> from autograd_core import Value
            >>> Value([1.0, 2.0]).softmax()
            Value([0.2689, 0.7311], op='softmax')
        """
        refuse_keywords("softmax", torch_names)
        return ops.softmax(self, axis=axes(axis, self._data.ndim, "softmax"))

    def log_softmax(self, axis: int = -1, **torch_names: Any) -> Any:
        """`v - log(sum(exp(v)))` along `axis`, computed stably (no overflow for large v)."""
        refuse_keywords("log_softmax", torch_names)
        return ops.log_softmax(self, axis=axes(axis, self._data.ndim, "log_softmax"))
