"""Value's elementwise math: one recorded op per method, NumPy's and PyTorch's
names side by side (`abs`, `pow`, `square`, `clip`, `asin` and `arcsin`, ...)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops, registry, selection
from ..checks import real_array
from ..registry import NO_PARAMS as _P

__all__ = ["ElementwiseMixin"]


def _binary(op: Any) -> Any:
    def method(self: Any, other: Any) -> Any:
        return op(self, other)
    method.__doc__ = f"`{op.name}(self, other)`: {op.doc}"
    return method


def _unary(op: Any) -> Any:
    def method(self: Any) -> Any:
        return op(self)
    method.__doc__ = f"Elementwise {op.doc}"
    return method


def _bound(b: Any, none: float, name: str) -> Any:
    """A bound of `clip`: a number as it is, `none` for None, an array copied (so
    that refilling it later changes no gradient)."""
    if b is None:
        return none
    if isinstance(b, ElementwiseMixin):
        raise TypeError(f"clip: {name} is a Value; no gradient reaches a bound, so give its "
                        f"data ({name}.data)")
    if isinstance(b, (int, float, np.floating, np.integer)) and not isinstance(b, bool):
        return b
    return real_array(f"clip: {name}", b).copy()


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

    def clip(self, lo: Any, hi: Any) -> Any:
        """Elementwise limit to `[lo, hi]`; the gradient is 1 inside, 0 where clipped.

        As `torch.clamp` and `np.clip`: `min(max(v, lo), hi)`, so where `lo >
        hi` the result is `hi`, with gradient 0.

        Args:
            lo: the lower bound (a number, or real numbers broadcast against
                the Value, used as they are now), or None for none.
            hi: the upper bound, likewise.

        Returns:
            A new Value, recorded by the `clip` op.

        Raises:
            TypeError: a bound is a Value (no gradient reaches a bound: give
                its `.data`) or is not real numbers.
            ValueError: a bound's shape does not broadcast against the Value.

        Examples:
            >>> from autograd_core import Value
            >>> Value([-2.0, 0.5, 3.0]).clip(0.0, 1.0)
            Value([0. , 0.5, 1. ], op='clip')
        """
        return ops.clip(self, lo=_bound(lo, -np.inf, "lo"), hi=_bound(hi, np.inf, "hi"))

    # The wider op set: PyTorch's names with NumPy's beside them.
    tan = _unary(ops.tan)
    sinh = _unary(ops.sinh)
    cosh = _unary(ops.cosh)
    asin = arcsin = _unary(ops.asin)
    acos = arccos = _unary(ops.acos)
    atan = arctan = _unary(ops.atan)
    asinh = arcsinh = _unary(ops.asinh)
    acosh = arccosh = _unary(ops.acosh)
    atanh = arctanh = _unary(ops.atanh)
    log2 = _unary(ops.log2)
    log10 = _unary(ops.log10)
    log1p = _unary(ops.log1p)
    exp2 = _unary(ops.exp2)
    expm1 = _unary(ops.expm1)
    reciprocal = _unary(ops.reciprocal)
    rsqrt = _unary(ops.rsqrt)
    sign = _unary(ops.sign)
    erf = _unary(ops.erf)
    floor = _unary(ops.floor)
    ceil = _unary(ops.ceil)
    trunc = _unary(ops.trunc)
    atan2 = arctan2 = _binary(ops.atan2)
    logaddexp = _binary(ops.logaddexp)
    hypot = _binary(ops.hypot)
    fmod = _binary(ops.fmod)
    remainder = _binary(ops.remainder)
    floor_divide = _binary(ops.floor_divide)

    round = ops.round_

    def lerp(self, end: Any, weight: Any) -> Any:
        """`self + weight * (end - self)`, as PyTorch's `lerp`.

        Args:
            end: a Value, number or array.
            weight: a Value, number or array.

        Returns:
            A new Value, recorded by the `lerp` op.
        """
        return ops.lerp(self, end, weight)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Any:
        """NaN and infinities replaced by numbers (see `autograd_core.nan_to_num`).

        Args:
            nan: what NaN becomes.
            posinf: what inf becomes (None: the dtype's largest).
            neginf: what -inf becomes (None: the dtype's lowest).

        Returns:
            A new Value.
        """
        return selection.nan_to_num(self, nan, posinf, neginf)

    isnan = selection.isnan
    isinf = selection.isinf
    isfinite = selection.isfinite
