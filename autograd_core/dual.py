"""Functions that run on ndarrays and on Values alike, for writing VJPs.

A VJP receives ndarrays in a plain backward pass and Values under
`backward(create_graph=True)`. Written with operators and these functions,
one rule serves both: on arrays each function is NumPy's, on a Value it is the
op that records the graph, so the gradient can be differentiated again.

Examples:
    >>> import numpy as np
    >>> from autograd_core import Value, dual
    >>> float(dual.exp(np.float64(0.0)))
    1.0
    >>> dual.exp(Value(0.0)).op
    'exp'
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["is_value", "data", "exp", "log", "sqrt", "tanh", "sigmoid", "sign", "sin", "cos"]

# What a VJP can receive besides Values: arrays, NumPy scalars, and the Python
# numbers that stand next to a Value's data unconverted.
_RAW = (np.ndarray, np.generic, float, int)


def is_value(x: Any) -> bool:
    """Whether `x` is a Value (a recorded backward pass) rather than raw data.

    Args:
        x: what a VJP received.

    Returns:
        False for ndarrays, NumPy scalars and Python numbers; True otherwise.
    """
    return not isinstance(x, _RAW)


def data(x: Any) -> Any:
    """The raw data of `x`: a Value's `.data`, or `x` itself.

    Args:
        x: raw data or a Value.

    Returns:
        The data, never recorded.
    """
    return x if isinstance(x, _RAW) else x.data


def exp(x: Any) -> Any:
    """exp(x): `np.exp` on arrays, the recorded op on a Value.

    Args:
        x: an ndarray, a NumPy scalar, a Python number, or a Value.

    Returns:
        `np.exp(x)` for raw data; for a Value, a new Value
        recorded by the `exp` op.
    """
    return np.exp(x) if isinstance(x, _RAW) else x.exp()


def log(x: Any) -> Any:
    """log(x): `np.log` on arrays, the recorded op on a Value.

    Args:
        x: an ndarray, a NumPy scalar, a Python number, or a Value.

    Returns:
        `np.log(x)` for raw data; for a Value, a new Value
        recorded by the `log` op.
    """
    return np.log(x) if isinstance(x, _RAW) else x.log()


def sqrt(x: Any) -> Any:
    """sqrt(x): `np.sqrt` on arrays, the recorded op on a Value.

    Args:
        x: an ndarray, a NumPy scalar, a Python number, or a Value.

    Returns:
        `np.sqrt(x)` for raw data; for a Value, a new Value
        recorded by the `sqrt` op.
    """
    return np.sqrt(x) if isinstance(x, _RAW) else x.sqrt()


def tanh(x: Any) -> Any:
    """tanh(x): `np.tanh` on arrays, the recorded op on a Value.

    Args:
        x: an ndarray, a NumPy scalar, a Python number, or a Value.

    Returns:
        `np.tanh(x)` for raw data; for a Value, a new Value
        recorded by the `tanh` op.
    """
    return np.tanh(x) if isinstance(x, _RAW) else x.tanh()


def sigmoid(x: Any) -> Any:
    """The logistic function 1/(1 + exp(-x)): computed on arrays, the recorded op on a Value.

    Args:
        x: an ndarray, a NumPy scalar, a Python number, or a Value.

    Returns:
        `1 / (1 + np.exp(-x))` for raw data; for a Value, a new Value recorded
        by the `sigmoid` op.
    """
    return 1 / (1 + np.exp(-x)) if isinstance(x, _RAW) else x.sigmoid()


def sign(x: Any) -> np.ndarray:
    """sign(x) of the data, a constant in either case (its derivative is 0).

    Args:
        x: raw data or a Value.

    Returns:
        `np.sign` of the data, never recorded.
    """
    return np.sign(data(x))


def sin(x: Any) -> Any:
    """sin(x): `np.sin` on arrays, the recorded op on a Value.

    Args:
        x: an ndarray, a NumPy scalar, a Python number, or a Value.

    Returns:
        `np.sin(x)` for raw data; for a Value, a new Value
        recorded by the `sin` op.
    """
    return np.sin(x) if isinstance(x, _RAW) else x.sin()


def cos(x: Any) -> Any:
    """cos(x): `np.cos` on arrays, the recorded op on a Value.

    Args:
        x: an ndarray, a NumPy scalar, a Python number, or a Value.

    Returns:
        `np.cos(x)` for raw data; for a Value, a new Value
        recorded by the `cos` op.
    """
    return np.cos(x) if isinstance(x, _RAW) else x.cos()
