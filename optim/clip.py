"""Gradient clipping by total norm."""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import Any

import numpy as np

from autograd_core import no_grad
from autograd_core.checks import real_number

from .foreach import grad_array

__all__ = ["clip_grad_norm", "clip_grad_norm_"]


def _scaled(grad: Any, coef: float) -> Any:
    """grad * coef as a new object of the same kind (ndarray, or Value without graph)."""
    if isinstance(grad, np.ndarray):
        return grad * coef
    with no_grad():
        return grad * coef


def clip_grad_norm(params: Iterable[Any] | Any, max_norm: float,
                   norm_type: float = 2.0, error_if_nonfinite: bool = False) -> float:
    """Scale the gradients so that their total norm is at most `max_norm`, as PyTorch's.

    The same computation as `torch.nn.utils.clip_grad_norm_`.

    The total norm is the `norm_type`-norm of all gradients taken together as one
    vector (parameters whose grad is None are ignored). When it exceeds
    `max_norm`, every gradient is multiplied by max_norm / (total_norm + 1e-6).
    Gradient arrays are never modified in place: each `p.grad` is replaced by a
    scaled copy.

    Args:
        params: an iterable of parameters (or a single parameter).
        max_norm: the largest allowed total norm (>= 0).
        norm_type: the p of the p-norm (> 0), or float('inf') for the max-abs norm.
        error_if_nonfinite: raise ValueError when the total norm is NaN or inf
            (the gradients are then left unchanged).

    Returns:
        The total norm before clipping (0.0 when no parameter has a gradient).

    Raises:
        ValueError: a negative `max_norm`, a `norm_type` that is not positive,
            or, with `error_if_nonfinite`, a total norm that is NaN or inf.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value
        >>> import optim
        >>> w = Value([0.0, 0.0])
        >>> w.grad = np.array([3.0, 4.0])
        >>> optim.clip_grad_norm([w], max_norm=1.0)
        5.0
        >>> w.grad.round(6)
        array([0.6, 0.8])
    """
    if hasattr(params, "data") and hasattr(params, "grad"):
        params = [params]
    params = list(params)
    max_norm = real_number("max_norm", max_norm)
    if isinstance(norm_type, (bool, np.bool_)) or not isinstance(norm_type, Real) \
            or not norm_type > 0:
        raise ValueError(f"norm_type must be a positive number or float('inf'), "
                         f"got {norm_type!r}")
    norm_type = float(norm_type)
    with_grad = [p for p in params if p.grad is not None]
    if not with_grad:
        return 0.0
    grads = [grad_array(p.grad) for p in with_grad]
    # Like torch: the norm of the per-gradient norms.
    norms = np.array([np.linalg.norm(g.ravel(), ord=norm_type) if g.size else 0.0
                      for g in grads], dtype=np.float64)
    total = float(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise ValueError(f"the total norm of the gradients is {total}; "
                         "cannot clip non-finite gradients")
    coef = max_norm / (total + 1e-6)
    # `not coef >= 1` also scales when the norm is NaN, as torch does.
    if not coef >= 1.0:
        for p in with_grad:
            p.grad = _scaled(p.grad, coef)
    return total


clip_grad_norm_ = clip_grad_norm
"""PyTorch's name for `clip_grad_norm`: the same function."""
