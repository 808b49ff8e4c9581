"""`Value`, one node of the computational graph, and `apply`, which runs an op
on Values and records the node.

This module sits above the op table and the backward walk: it imports both,
and neither imports it (`registry` calls `apply` through the one hand-off
installed at the bottom of this file).
"""
from __future__ import annotations

from typing import Any, Union

import numpy as np

from . import numpy_api, ops, registry
from .backward import walk
from .dtypes import const, default_consts, to_array
from .inplace import InPlaceMethods
from .methods import ValueMethods
from .modes import _local, enable_grad
from .registry import NO_PARAMS as _P, Op
from .versions import clock as _clock

__all__ = ["Value", "apply"]

Operand = Union["Value", float, int, np.ndarray]
_ndarray = np.ndarray
_generic = np.generic
_new = object.__new__


class Value(InPlaceMethods, ValueMethods):
    """A scalar or an ndarray together with the operation that produced it."""

    # _data: an ndarray, or a NumPy scalar for 0-d results (see apply);
    # _parents: a list of the input Values, None where a constant entered
    # (made a Value on first access of .parents); _args: the inputs' data, as
    # the op saw it; _born: the version clock's reading when the node was
    # recorded; _written: its reading at the last change in place (set then).
    __slots__ = ("_data", "_grad", "requires_grad", "label", "_parents", "_args", "_op",
                 "_params", "_scope", "_pending", "_born", "_written", "__weakref__")
    # NumPy's functions on Values map onto the ops (numpy_api.py); the operators
    # below never pass through them.
    __array_ufunc__ = numpy_api.array_ufunc
    __array_function__ = numpy_api.array_function
    __array__ = numpy_api.array
    __hash__ = object.__hash__

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None,
                 label: str = "") -> None:
        if isinstance(data, Value):
            data = data._data
        arr = to_array(data, dtype)
        _init_leaf(self, arr[()] if arr.ndim == 0 else arr, bool(requires_grad), label)

    # ------------------------------------------------------------ properties
    @property
    def data(self) -> np.ndarray:
        """The value as an ndarray (0-d for a scalar)."""
        d = self._data
        if type(d) is not np.ndarray:
            d = self._data = np.asarray(d)
        return d

    @data.setter
    def data(self, value: Any) -> None:
        self._set_data(value)  # real numbers only, in this Value's dtype; bumps the version

    @property
    def grad(self) -> Any:
        """None until a backward pass reaches this node; then an ndarray like
        `.data` (a Value after `backward(create_graph=True)`)."""
        g = self._grad
        if g is not None and type(g) is not np.ndarray and not isinstance(g, Value):
            g = self._grad = np.asarray(g)
        return g

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is None:  # zero_grad's case, without a call
            self._grad = None
        else:
            self._set_grad(value)  # real numbers of this Value's shape and dtype

    @property
    def parents(self) -> tuple:
        """The op's input Values (constants appear as leaves that require no grad)."""
        ps = self._parents
        if any(p is None for p in ps):
            dtype = self._data.dtype
            ps = self._parents = [_leaf(const(a, dtype)) if p is None else p
                                  for p, a in zip(ps, self._args)]
        return tuple(ps)

    @property
    def op(self) -> str:
        """Name of the op that produced this Value ("" for a leaf)."""
        return self._op.name if self._op is not None else ""

    def detach(self) -> "Value":
        """A new leaf sharing this data, cut from the graph."""
        return _leaf(self._data)

    # ---------------------------------------------------------- arithmetic
    def __add__(self, other: Operand) -> "Value":
        return apply(_add, (self, other), _P)

    def __radd__(self, other: Operand) -> "Value":
        return apply(_add, (other, self), _P)

    def __sub__(self, other: Operand) -> "Value":
        return apply(_sub, (self, other), _P)

    def __rsub__(self, other: Operand) -> "Value":
        return apply(_sub, (other, self), _P)

    def __mul__(self, other: Operand) -> "Value":
        return apply(_mul, (self, other), _P)

    def __rmul__(self, other: Operand) -> "Value":
        return apply(_mul, (other, self), _P)

    def __truediv__(self, other: Operand) -> "Value":
        return apply(_div, (self, other), _P)

    def __rtruediv__(self, other: Operand) -> "Value":
        return apply(_div, (other, self), _P)

    def __pow__(self, other: Operand) -> "Value":
        return apply(_pow, (self, other), _P)

    def __rpow__(self, other: Operand) -> "Value":
        return apply(_pow, (other, self), _P)

    def __matmul__(self, other: Operand) -> "Value":
        return apply(_matmul, (self, other), _P)

    def __rmatmul__(self, other: Operand) -> "Value":
        return apply(_matmul, (other, self), _P)

    def __neg__(self) -> "Value":
        return apply(_neg, (self,), _P)

    def __pos__(self) -> "Value":
        return self

    # ---------------------------------------------------------- elementwise
    def exp(self) -> "Value":
        """exp(v); its derivative is exp(v)."""
        return apply(ops.exp, (self,), _P)

    def log(self) -> "Value":
        """The natural log; its derivative is 1/v."""
        return apply(ops.log, (self,), _P)

    def sqrt(self) -> "Value":
        """The square root; its derivative is 1/(2 sqrt(v))."""
        return apply(ops.sqrt, (self,), _P)

    def tanh(self) -> "Value":
        """tanh(v); its derivative is 1 - tanh(v)**2."""
        return apply(ops.tanh, (self,), _P)

    def sigmoid(self) -> "Value":
        """1/(1 + exp(-v)), computed without overflow; its derivative is s(1 - s)."""
        return apply(ops.sigmoid, (self,), _P)

    def relu(self) -> "Value":
        """max(v, 0); its derivative is 1 where v > 0, else 0."""
        return apply(ops.relu, (self,), _P)

    def abs(self) -> "Value":
        """|v|; its derivative is sign(v) (0 at 0)."""
        return apply(ops.abs, (self,), _P)

    # ------------------------------------------------------------- backward
    def backward(self, grad: Any = None, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(node) into `.grad` of every node that requires grad.

        `grad` defaults to ones for a single-element Value. With `create_graph`,
        the pass is recorded and each `.grad` is a Value that can be
        differentiated again."""
        seed = _seed(self, grad, create_graph)
        if create_graph:
            with enable_grad():
                walk(self, seed, True, True)
        else:
            walk(self, seed, False, True)


def _init_leaf(v: Value, data: Any, requires_grad: bool, label: str) -> None:
    """Set up `v` as a leaf node. `apply` sets the same fields inline, on the
    hot path, where a call per node would cost about a tenth of its time."""
    v._data = data
    v._grad = None
    v.requires_grad = requires_grad
    v.label = label
    v._op = None
    v._parents = ()
    v._args = None
    v._params = None
    v._scope = ()
    v._pending = None


def _leaf(data: Any) -> Value:
    """A Value that requires no grad, holding `data` as it is (no copy)."""
    v = _new(Value)
    _init_leaf(v, data, False, "")
    return v


def _constants(inputs: tuple, datas: list) -> list:
    """Raw data for the non-Value operands, in the dtype of the first Value
    (the default dtype if there is none)."""
    for x in inputs:
        if isinstance(x, Value):
            dtype = x._data.dtype
            return [d if isinstance(y, Value) else const(y, dtype, True)
                    for y, d in zip(inputs, datas)]
    return default_consts(inputs)


def apply(op: Op, inputs: tuple, params: dict) -> Value:
    """Run `op` on `inputs` (Values, numbers or arrays) and record the node.

    A 0-d result is held as a NumPy scalar (`Value.data` still shows an
    ndarray): arithmetic on NumPy scalars is several times faster than on
    0-d arrays, which is most of the cost of a scalar graph."""
    datas, parents = [], []
    record = convert = values = False
    for x in inputs:
        if type(x) is Value or isinstance(x, Value):  # the exact type first: cheaper
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
        # Python numbers next to a Value stay as they are (see dtypes.const).
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
    modes = _local.modes  # one thread-local lookup per op (see modes.current)
    if modes.anomaly and not np.isfinite(out).all():
        raise FloatingPointError(
            f"{op.name}: forward output of shape {np.shape(out)} holds NaN or inf "
            f"(input shapes {[np.shape(d) for d in datas]})")
    # The node set-up of _init_leaf, inline: this runs once per op.
    v = _new(Value)
    v._data = out
    v._grad = None
    v.label = ""
    v._pending = None
    v._scope = modes.scope
    if record and modes.grad_enabled:
        v.requires_grad = True
        v._op = op
        v._parents = parents
        v._args = datas
        v._params = params
        v._born = _clock.now
    else:
        v.requires_grad = False
        v._op = None
        v._parents = ()
        v._args = None
        v._params = None
    return v


def _forward_error(op: Op, datas: list, e: Exception) -> Exception:
    """The error a failing forward raises: the op's name and the operands' shapes."""
    shapes = " and ".join(str(np.shape(d)) for d in datas)
    cls = (IndexError if isinstance(e, IndexError) and not isinstance(e, ValueError)
           else TypeError if isinstance(e, TypeError) else ValueError)
    return cls(f"{op.name}: invalid operands of shapes {shapes}: {e}")


def _seed(root: Value, grad: Any, create_graph: bool) -> Any:
    """The gradient a backward pass starts from, checked against `root`."""
    if not root.requires_grad:
        raise RuntimeError("backward: this Value does not require grad "
                           "(it was created with requires_grad=False or under no_grad)")
    data = root._data
    if grad is None:
        if data.size != 1:
            raise ValueError(f"backward: grad must be given for a Value of shape "
                             f"{data.shape} (only single-element Values default to ones)")
        seed = data.dtype.type(1) if data.ndim == 0 else np.ones(data.shape, data.dtype)
    else:
        if isinstance(grad, Value):
            seed = grad if create_graph else grad._data
        else:
            seed = to_array(grad, data.dtype, "backward: grad")  # a copy
        if np.shape(seed) != data.shape:
            raise ValueError(f"backward: grad has shape {np.shape(seed)} but the Value has "
                             f"shape {data.shape}")
    if create_graph and not isinstance(seed, Value):
        seed = _leaf(seed)
    return seed


_add, _sub, _mul, _div, _pow = ops.add, ops.sub, ops.mul, ops.div, ops.pow
_matmul, _neg = ops.matmul, ops.neg

# The hand-off: calling an Op (registry, below this module) applies it here.
registry._apply = apply
