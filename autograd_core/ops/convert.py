"""The cast between float dtypes, whose gradient comes back in the input's dtype, and clone."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op, passthrough


def _cast_back(g: Any, out: Any, a: Any, dtype: np.dtype) -> Any:
    d = np.result_type(vjp_tools.data(a))
    return cast(g, dtype=d) if vjp_tools.is_value(g) else g.astype(d)


@op(_cast_back)
def cast(a, dtype):
    """a converted to another float dtype;  d/da = g converted back to a's dtype."""
    return a.astype(dtype)


@op(passthrough)
def clone(a):
    """a copy of a, recorded (as PyTorch's clone);  d/da = 1."""
    return a.copy()
