"""Making nodes: a leaf's set-up, `apply` (running an op on Values and recording
its node) and the gradient a backward pass starts from.

`apply` is the engine's hot path: every op of every graph passes through it.
It makes Values with `object.__new__` and tells them apart by `type(x) is
Value`, so it needs the class; this module sits below `value.py` and is given
it by `value.py` once `Value` is defined (`node.Value = Value`), beside
`registry.apply = apply`: the hand-offs from the lower modules to the higher
one, assignments at import, never imports.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import const, default_consts, is_float_array, to_array
from .inputs import LEAF, data as _input_data
from .modes import _DEFAULTS, _changed, _local
from .registry import Op
from .versions import tick as _tick

__all__ = ["apply"]

Value: Any = None
"""The class `value.Value`, set by value.py when it is imported (see above)."""
_ndarray = np.ndarray
_generic = np.generic
_new = object.__new__


def _init_leaf(v: Value, data: Any, requires_grad: bool, label: str) -> None:
    """Set up `v` as a leaf node. `apply` sets the same fields inline, on the
    hot path, where a call per node would cost about a tenth of its time."""
    v._data = data
    v._grad = None
    v.requires_grad = requires_grad
    v.label = label
    v._op = None
    v._many = LEAF
    v._params = None
    v._scope = ()
    v._pending = None


def _leaf(data: Any) -> Value:
    """A Value that requires no grad, holding `data` as it is (no copy)."""
    v = _new(Value)
    _init_leaf(v, data, False, "")
    return v


def _constants(inputs: tuple, datas: list) -> tuple:
    """Raw data for the non-Value operands, in the dtype of the first Value
    (the default dtype if there is none)."""
    for x in inputs:
        if isinstance(x, Value):
            dtype = x._data.dtype
            return tuple([d if isinstance(y, Value) else const(y, dtype, True)
                          for y, d in zip(inputs, datas)])
    return tuple(default_consts(inputs))


def _operands(inputs: tuple) -> tuple:
    """For `apply`: the operands' data (constants converted), the parents (None
    for a constant) and whether any input requires grad."""
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
            parents.append(None)
            t = type(x)
            if t is _ndarray and is_float_array(x):
                # What `const` makes of it whatever the op's dtype (a copy), here:
                # no second pass over the operands (`F.mse_loss` on XOR's (4, 1)
                # batch and target array, 42.9k -> 37.5k instructions a call; callgrind).
                datas.append(x.copy())
                continue
            datas.append(x)
            if t is not float and t is not int:
                convert = True
    if convert or not values:
        # Python numbers next to a Value stay as they are (see dtypes.const).
        return _constants(inputs, datas), tuple(parents), record
    return tuple(datas), tuple(parents), record


def apply(op: Op, inputs: tuple, params: dict) -> Value:
    """Run `op` on `inputs` (Values, numbers or arrays) and record the node.

    Calling an `Op` comes here. Non-Value operands take the dtype of the
    first Value (the default dtype if there is none). The node is recorded
    when grad mode is on and an input requires grad; otherwise the result is
    a leaf that requires no grad. A 0-d result is held as a NumPy scalar
    (`Value.data` still shows an ndarray): arithmetic on NumPy scalars is
    several times faster than on 0-d arrays, which is most of the cost of a
    scalar graph.

    Args:
        op: the op to run.
        inputs: its operands, in order.
        params: its keyword parameters (`registry.NO_PARAMS` for none).

    Returns:
        The result, a new Value.

    Raises:
        ValueError: the forward refused the operands' shapes (naming the op
            and the shapes).
        IndexError: an index out of range (`getitem`).
        TypeError: an operand of an unsupported type, or not real numbers.
        FloatingPointError: under `detect_anomaly()`, the output holds NaN or inf.
    """
    # The operators' fast path: a Value and a Python number, or two Values
    # (what a scalar graph is made of), gathered without the general loop and
    # passed to the forward spelled out: the same operands and the same forward
    # as the loop below, so the same results: -9% CPU time on a scalar graph's forward.
    # The inputs go to the node's slots (see inputs.py): p0, p1 the Values, d0, d1 the data.
    n = len(inputs) if not params else 0
    p0 = p1 = d0 = d1 = many = None
    if n == 2:
        a, b = inputs
        ta, tb = type(a), type(b)
        if ta is Value and (tb is Value or tb is float or tb is int):
            if tb is Value:
                d0, d1, p0, p1 = a._data, b._data, a, b
                record = a.requires_grad or b.requires_grad
            else:
                d0, d1, p0, record = a._data, b, a, a.requires_grad
        elif tb is Value and (ta is float or ta is int):
            d0, d1, p0, p1, record = a, b._data, None, b, b.requires_grad
        else:
            n = 0
        if n:
            try:
                out = op.forward(d0, d1)
            except (ValueError, IndexError, TypeError) as e:
                raise _forward_error(op, (d0, d1), e) from None
    elif n == 1 and type(inputs[0]) is Value:
        p0 = inputs[0]
        d0, record = p0._data, p0.requires_grad
        try:
            out = op.forward(d0)
        except (ValueError, IndexError, TypeError) as e:
            raise _forward_error(op, (d0,), e) from None
    else:
        n = 0
    if not n:
        datas, parents, record = _operands(inputs)
        try:
            out = op.forward(*datas, **params) if params else op.forward(*datas)
        except (ValueError, IndexError, TypeError) as e:
            raise _forward_error(op, datas, e) from None
        if len(datas) == 2:
            (d0, d1), (p0, p1) = datas, parents
        elif len(datas) == 1:
            d0, p0 = datas[0], parents[0]
        else:
            many = (parents, datas)
    if type(out) is _ndarray:
        if not out.ndim:
            out = out[()]
    elif not isinstance(out, _generic):
        out = np.asarray(out)[()]
    # The calling thread's modes, looked up only while some thread has a mode set
    # (see modes._changed): 17,830 -> 17,487 instructions per node of a scalar graph
    # (`benchmarks/instructions.py --only s1`).
    modes = _local.modes if _changed else _DEFAULTS
    if modes.anomaly and not np.isfinite(out).all():
        raise FloatingPointError(
            f"{op.name}: forward output of shape {np.shape(out)} holds NaN or inf "
            f"(input shapes {[np.shape(d) for d in _input_data(many, d0, d1)]})")
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
        v._params = params
        v._born = _tick()
        v._many = many
        if many is None:
            v._in0 = p0
            v._in1 = p1
            v._arg0 = d0
            v._arg1 = d1
    else:
        v.requires_grad = False
        v._op = None
        v._params = None
        v._many = LEAF
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
