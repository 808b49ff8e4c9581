"""What a VJP needs beside NumPy: telling a Value from raw data, and a stable sigmoid.

A VJP receives ndarrays in a plain backward pass and Values under
`backward(create_graph=True)`. NumPy's functions already serve both: on a
Value, `np.exp(out)` records the `exp` op (see `numpy_api`). So a VJP is
written with operators and NumPy's functions, and with these three where it
must look at the data itself.

Examples:
    >>> import numpy as np
    >>> from autograd_core import Value, vjp_tools
    >>> vjp_tools.is_value(np.float64(0.0)), vjp_tools.is_value(Value(0.0))
    (False, True)
    >>> float(vjp_tools.sigmoid(np.float64(0.0)))
    0.5
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["is_value", "data", "sigmoid"]

# What a VJP can receive besides Values: arrays, NumPy scalars, and the Python
# numbers that stand next to a Value's data unconverted.
_RAW = (np.ndarray, np.generic, float, int)


def is_value(x: Any) -> bool:
    """Whether `x` is a Value (a recorded backward pass) rather than raw data."""
    return not isinstance(x, _RAW)


def data(x: Any) -> Any:
    """The raw data of `x`: a Value's `.data`, or `x` itself (never recorded)."""
    return x if isinstance(x, _RAW) else x.data


def sigmoid(x: Any) -> Any:
    """The logistic function 1/(1 + exp(-x)), without overflow for large |x|: the
    recorded op on a Value, computed on raw data."""
    if isinstance(x, _RAW):
        return np.exp(-np.logaddexp(0.0, -np.asarray(x)))[()]
    return x.sigmoid()
