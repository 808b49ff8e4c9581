"""Recording the graph: the modes, and how an op is applied to Values.

Ops themselves live in `ops.py` as a table of forward functions with their
vector-Jacobian products (VJPs); the way back is in `backward.py`. This module
knows nothing about particular ops: it lifts operands to raw data, runs an
op's forward and records the node.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

_ndarray = np.ndarray
_FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

# Global modes. Plain module globals: read once per op on the hot path.
_grad_enabled = True
_anomaly = False
_scope: tuple = ()
_default_dtype = np.dtype(np.float64)


# ----------------------------------------------------------------- dtypes
def set_default_dtype(dtype: Any) -> None:
    """Set the float dtype that Python numbers and int/bool arrays become."""
    global _default_dtype
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"set_default_dtype: {dtype!r} is not a dtype") from None
    if d not in _FLOAT_DTYPES:
        raise ValueError(f"set_default_dtype: expected float16, float32 or float64, got {d}")
    _default_dtype = d


def get_default_dtype() -> np.dtype:
    """The float dtype that Python numbers and int/bool arrays become."""
    return _default_dtype


def _to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert user data to a float ndarray, following the dtype rules of API.md."""
    if isinstance(data, Value):
        arr = data.data
    elif isinstance(data, (_ndarray, np.generic)):
        arr = np.asarray(data)
    elif isinstance(data, (bool, int, float, list, tuple)):
        try:
            arr = np.asarray(data, dtype=_default_dtype if dtype is None else dtype)
        except (ValueError, TypeError) as e:
            raise TypeError(f"Value: cannot make a float array from {type(data).__name__}: {e}") from None
    else:
        raise TypeError(f"Value: unsupported data type {type(data).__name__}")
    if dtype is not None:
        d = np.dtype(dtype)
        if d not in _FLOAT_DTYPES:
            raise ValueError(f"Value: dtype must be float16, float32 or float64, got {d}")
    elif arr.dtype.kind in "biu":
        d = _default_dtype
    elif arr.dtype in _FLOAT_DTYPES:
        d = arr.dtype
    else:
        raise TypeError(f"Value: unsupported array dtype {arr.dtype}")
    return np.array(arr, dtype=d, copy=True)


# --------------------------------------------------------------- modes
class _GradMode:
    """Sets whether ops record the graph, as a context manager or a decorator
    (`@no_grad()` or bare `@no_grad`)."""

    enabled = True

    def __new__(cls, fn: Callable | None = None) -> Any:
        self = super().__new__(cls)
        return self if fn is None else self(fn)

    def __enter__(self) -> None:
        global _grad_enabled
        self._prev = _grad_enabled
        _grad_enabled = self.enabled

    def __exit__(self, *exc: Any) -> None:
        global _grad_enabled
        _grad_enabled = self._prev

    def __call__(self, fn: Callable) -> Callable:
        import functools
        mode = type(self)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mode():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator: ops inside record no graph."""

    enabled = False


class enable_grad(_GradMode):
    """Context manager and decorator: ops record the graph (also inside `no_grad`)."""

    enabled = True


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph."""
    return _grad_enabled


class detect_anomaly:
    """Context manager: the first NaN/inf in a forward output or a backward
    gradient raises `FloatingPointError` naming the op and the shapes."""

    def __enter__(self) -> "detect_anomaly":
        global _anomaly
        self._prev = _anomaly
        _anomaly = True
        return self

    def __exit__(self, *exc: Any) -> None:
        global _anomaly
        _anomaly = self._prev


def enter_module(module: Any) -> tuple:
    """Push `module` on the scope recorded by new nodes; returns a token for `exit_module`."""
    global _scope
    token = _scope
    _scope = token + (module,)
    return token


def exit_module(token: tuple) -> None:
    """Restore the module scope saved by `enter_module`."""
    global _scope
    _scope = token


# ------------------------------------------------------------------ ops
def passthrough(g: Any, out: Any, *inputs: Any, **params: Any) -> Any:
    """The VJP of an input whose derivative is 1: the gradient passes unchanged.
    The backward walk recognises it and skips the call."""
    return g


class Op:
    """One differentiable operation: a forward on ndarrays and its VJPs.

    `vjps[i](g, out, *inputs, **params)` returns the gradient for input i given
    the output gradient `g`. On the first-order path all arguments are
    ndarrays; under `backward(create_graph=True)` they are Values, so the same
    rule records the graph of the backward pass. Ops with a variable number of
    inputs give `vjp_all` instead, which returns one gradient per input.
    """

    __slots__ = ("name", "forward", "vjps", "vjp_all", "doc", "__weakref__")

    def __init__(self, name: str, forward: Callable, vjps: tuple | None = None,
                 vjp_all: Callable | None = None, doc: str = ""):
        self.name = name
        self.forward = forward
        self.vjps = vjps
        self.vjp_all = vjp_all
        self.doc = doc

    def __call__(self, *inputs: Any, **params: Any) -> "Value":
        return apply(self, inputs, params)

    def __repr__(self) -> str:
        return f"<op {self.name}>"


NO_PARAMS: dict = {}  # shared by the operators' calls; never mutated


def _const(x: Any, dtype: np.dtype, weak: bool = False) -> Any:
    """A non-Value operand as raw data: numbers and int/bool arrays take the
    float dtype of the op; with `weak`, Python numbers are left as they are."""
    t = type(x)
    if t is float or t is int:
        # NumPy treats Python numbers as "weak": they take the other operand's
        # dtype, so they can stay as they are next to a Value's data.
        return x if weak else dtype.type(x)
    if isinstance(x, _ndarray):
        kind = x.dtype.kind
        if kind == "f" and x.dtype.itemsize <= 8:
            return x
        if kind in "biu":
            return x.astype(dtype)
        raise TypeError(f"unsupported operand: array of dtype {x.dtype}")
    if isinstance(x, np.floating):
        return x
    if isinstance(x, (bool, np.integer, np.bool_)):
        return dtype.type(x)
    raise TypeError(f"unsupported operand type {t.__name__!r}")


def _leaf(data: Any) -> "Value":
    """A Value that requires no grad, holding `data` as it is."""
    v = _new(Value)
    v._data = data
    v._grad = None
    v.requires_grad = False
    v.label = ""
    v._op = None
    v._parents = ()
    v._args = None
    v._params = None
    v._scope = ()
    v._pending = None
    return v


def _constants(inputs: tuple, datas: list) -> list:
    """Raw data for the non-Value operands, in the dtype of the first Value
    (the default dtype if there is none)."""
    for x in inputs:
        if isinstance(x, Value):
            dtype = x._data.dtype
            return [d if isinstance(y, Value) else _const(y, dtype, True)
                    for y, d in zip(inputs, datas)]
    return [_const(x, _default_dtype) for x in inputs]


_new = object.__new__
_generic = np.generic


def apply(op: Op, inputs: tuple, params: dict) -> "Value":
    """Run `op` on `inputs` (Values, numbers or arrays) and record the node.

    A 0-d result is held as a NumPy scalar (`Value.data` still shows an
    ndarray): arithmetic on NumPy scalars is several times faster than on
    0-d arrays, which is most of the cost of a scalar graph."""
    datas, parents = [], []
    record = convert = values = False
    for x in inputs:
        if type(x) is Value or isinstance(x, Value):
            datas.append(x._data)
            parents.append(x)
            values = True
            if x.requires_grad:
                record = True
        else:
            datas.append(x)
            parents.append(None)
            t = type(x)
            if t is not float and t is not int:
                convert = True
    if convert or not values:
        # Python numbers next to a Value stay as they are (see _const).
        datas = _constants(inputs, datas)
    try:
        out = op.forward(*datas, **params) if params else op.forward(*datas)
    except (ValueError, IndexError, TypeError) as e:
        raise _forward_error(op, datas, e) from None
    if type(out) is _ndarray:
        if not out.ndim:
            out = out[()]
    elif not isinstance(out, _generic):
        out = np.asarray(out)[()]
    if _anomaly and not np.isfinite(out).all():
        raise FloatingPointError(
            f"{op.name}: forward output of shape {np.shape(out)} holds NaN or inf "
            f"(input shapes {[np.shape(d) for d in datas]})")
    v = _new(Value)
    v._data = out
    v._grad = None
    v.label = ""
    v._pending = None
    v._scope = _scope
    if record and _grad_enabled:
        v.requires_grad = True
        v._op = op
        v._parents = parents
        v._args = datas
        v._params = params
    else:
        v.requires_grad = False
        v._op = None
        v._parents = ()
        v._args = None
        v._params = None
    return v


def _forward_error(op: Op, datas: list, e: Exception) -> Exception:
    shapes = " and ".join(str(np.shape(d)) for d in datas)
    cls = (IndexError if isinstance(e, IndexError) and not isinstance(e, ValueError)
           else TypeError if isinstance(e, TypeError) else ValueError)
    return cls(f"{op.name}: invalid operands of shapes {shapes}: {e}")


from .value import Value  # noqa: E402  (Value's methods call back into this module)
from .backward import compute_grads, toposort  # noqa: E402,F401  (part of this module's interface)
