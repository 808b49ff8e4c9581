"""`astype`: a Value in another float dtype, the gradient coming back in the
input's dtype; integer, boolean and complex dtypes are refused (a Value holds
real floats)."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .dtypes import FLOAT_DTYPES

__all__ = ["astype"]


def astype(v: Any, dtype: Any) -> Value:
    """`v` in another float dtype (float16, float32, float64); the gradient comes back in `v`'s dtype.

    Args:
        v: a Value.
        dtype: the float dtype (a NumPy dtype, type or name, or PyTorch's
            `torch.float32` and the like).

    Returns:
        A new Value, recorded by the `cast` op.

    Raises:
        TypeError: an integer, boolean or complex dtype (a Value holds real
            floats), or something that is not a dtype.
    """
    d = _float_dtype("astype", dtype)
    return ops.cast(v, dtype=d)


def _float_dtype(name: str, dtype: Any) -> np.dtype:
    if type(dtype).__module__ == "torch":  # torch.float32 and the like, by name
        dtype = str(dtype).rpartition(".")[2]
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name}: {dtype!r} is not a dtype") from None
    if d not in FLOAT_DTYPES:
        raise TypeError(f"{name}: a Value holds float16, float32 or float64, not {d} "
                        f"(np.asarray(v).astype(...) gives the data as {d})")
    return d
