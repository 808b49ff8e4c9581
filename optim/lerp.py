"""`lerp_`: the linear interpolation of Adam's and RMSProp's moving averages,
rounded as torch rounds it."""

from __future__ import annotations

import numpy as np

__all__ = ["lerp_"]


def lerp_(a: np.ndarray, b: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    """`a += weight * (b - a)`, in place, rounded as `torch.lerp_` rounds it.

    Args:
        a: the array updated in place.
        b: the array moved toward.
        weight: the fraction of the way to go.
        tmp: a scratch array shaped like `a`, overwritten.
    """
    np.subtract(b, a, out=tmp)
    if weight < 0.5:
        tmp *= weight
        a += tmp
    else:
        tmp *= 1.0 - weight
        np.subtract(b, tmp, out=a)
