"""Value's elementwise math: one recorded op per method, NumPy's and PyTorch's
names side by side (`abs`, `pow`, `square`, `clip`, ...)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops, registry
from ..registry import NO_PARAMS as _P

__all__ = ["ElementwiseMixin"]


class ElementwiseMixin:
    """Mixed into `Value`: elementwise functions, each returning a new Value
    recorded by the op of the same name (the derivative is in the docstring)."""

    __slots__ = ()

    def exp(self) -> Any:
        """Elementwise exp(v); its derivative is exp(v)."""
        return registry.apply(ops.exp, (self,), _P)

    def log(self) -> Any:
        """Elementwise natural log; its derivative is 1/v."""
        return registry.apply(ops.log, (self,), _P)

    def sqrt(self) -> Any:
        """Elementwise square root; its derivative is 1/(2 sqrt(v))."""
        return registry.apply(ops.sqrt, (self,), _P)

    def tanh(self) -> Any:
        """Elementwise tanh(v); its derivative is 1 - tanh(v)**2."""
        return registry.apply(ops.tanh, (self,), _P)

    def sigmoid(self) -> Any:
        """Elementwise 1/(1 + exp(-v)), without overflow; its derivative is s(1 - s)."""
        return registry.apply(ops.sigmoid, (self,), _P)

    def relu(self) -> Any:
        """Elementwise max(v, 0); its derivative is 1 where v > 0, else 0."""
        return registry.apply(ops.relu, (self,), _P)

    def abs(self) -> Any:
        """Elementwise |v|; its derivative is sign(v) (0 at 0)."""
        return registry.apply(ops.abs_, (self,), _P)

    def sin(self) -> Any:
        """Elementwise sin(v); its derivative is cos(v)."""
        return registry.apply(ops.sin, (self,), _P)

    def cos(self) -> Any:
        """Elementwise cos(v); its derivative is -sin(v)."""
        return registry.apply(ops.cos, (self,), _P)

    def pow(self, exponent: Any) -> Any:
        """`self ** exponent` (PyTorch's name): the `pow` op."""
        return self ** exponent

    def square(self) -> Any:
        """`self ** 2` (PyTorch's name): one node of the `pow` op."""
        return self ** 2

    def clip(self, lo: float | None, hi: float | None) -> Any:
        """Elementwise limit to `[lo, hi]`; the gradient is 1 inside, 0 where clipped.

        Args:
            lo: the lower bound, or None for none.
            hi: the upper bound, or None for none.

        Returns:
            A new Value, recorded by the `clip` op.

        Raises:
            ValueError: `lo` is greater than `hi`.

        Examples:
            >>> from autograd_core import Value
            >>> Value([-2.0, 0.5, 3.0]).clip(0.0, 1.0)
            Value([0. , 0.5, 1. ], op='clip')
        """
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo={lo} is greater than hi={hi}")
        return ops.clip(self, lo=-np.inf if lo is None else lo, hi=np.inf if hi is None else hi)
