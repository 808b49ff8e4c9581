"""NumPy's functions on Values: the protocols `__array_ufunc__`,
`__array_function__` and `__array__`, each mapped onto the op table.

A NumPy function that the op set covers records the graph (`np.exp(v)`,
`np.maximum(v, 0)`, `np.sum(v, axis=0)`, `np.concatenate([v, w])`, ...): it
is the same op that the Value's method or operator records, so the
gradient-check table covers it. Functions whose results carry no gradient
(shapes, comparisons, `np.isfinite`, `np.argmax`, ...) run on the data.
Anything else, keywords the ops do not take (`out=`, `where=`, `dtype=`) and
ufunc methods other than a call (`np.add.reduce`, `np.add.at`) raise
`TypeError` naming what is not supported. `np.asarray(v)` gives the data, and
a list or tuple that holds Values, given to a function that dispatches here
(`np.add(v, [w0, w1])`, `np.concatenate([v, [w0, w1]])`), is stacked, so
every Value in it is recorded.

`value.py`, above this module, installs these functions as `Value`'s
protocol methods. The Value operators (`v + w`, and `w + v` for a number `w`)
never pass through them; an ndarray or a NumPy scalar on the left (`a + v`)
reaches the op through `array_ufunc`.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from . import numpy_functions, ops
from .args import axes
from .combine import concat, operand, stack, where
from .mixins import ElementwiseMixin, ValueMixin

__all__ = ["array_ufunc", "array_function", "array"]

# NumPy's ufuncs -> what they are on Values. Each is an op of the table, or a
# Value method that applies one.
_UFUNCS: dict[np.ufunc, Callable] = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.divide: ops.div,
    np.power: ops.pow_, np.negative: ops.neg, np.positive: lambda a: a, np.square: ElementwiseMixin.square,
    np.exp: ops.exp, np.log: ops.log, np.sqrt: ops.sqrt, np.tanh: ops.tanh, np.sin: ops.sin,
    np.cos: ops.cos, np.absolute: ops.abs_, np.maximum: ops.maximum, np.minimum: ops.minimum,
    np.matmul: ops.matmul,
    np.tan: ops.tan, np.arcsin: ops.asin, np.arccos: ops.acos, np.arctan: ops.atan,
    np.arctan2: ops.atan2, np.sinh: ops.sinh, np.cosh: ops.cosh, np.arcsinh: ops.asinh,
    np.arccosh: ops.acosh, np.arctanh: ops.atanh, np.log2: ops.log2, np.log10: ops.log10,
    np.log1p: ops.log1p, np.exp2: ops.exp2, np.expm1: ops.expm1, np.reciprocal: ops.reciprocal,
    np.sign: ops.sign, np.floor: ops.floor, np.ceil: ops.ceil, np.trunc: ops.trunc,
    np.logaddexp: ops.logaddexp, np.hypot: ops.hypot, np.fmod: ops.fmod,
    np.remainder: ops.remainder, np.floor_divide: ops.floor_divide,
}

# Ufuncs and functions whose results carry no gradient (booleans, indices,
# shapes): they run on the data, as the comparison operators do.
_ON_DATA = {
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.isfinite, np.isinf, np.isnan, np.signbit,
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.nonzero,
    np.count_nonzero, np.isclose, np.allclose, np.array_equal, np.any, np.all,
}

# For `np.add.reduce` and the like: the method that does it.
_REDUCE_HINT = {np.add: "v.sum(axis=...)", np.maximum: "v.max(axis=...)",
                np.minimum: "v.min(axis=...)"}


def _data(x: Any) -> Any:
    return x.data if isinstance(x, ValueMixin) else x


def _refused(name: str, keywords: Any, hint: str = "") -> TypeError:
    keys = [f"{k}=" for k in keywords]
    return TypeError(f"{name}: {', '.join(keys)} {'is' if len(keys) == 1 else 'are'} not "
                     f"supported on Values (their ops make new Values){hint}")


def _not_differentiable(name: str) -> TypeError:
    return TypeError(f"{name} is not supported on Values: the op set cannot differentiate it "
                     f"(np.asarray(v) gives the data, without a graph)")


def array_ufunc(self: Any, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """`Value.__array_ufunc__`: a ufunc called with a Value among its inputs.

    Args:
        self: the Value whose protocol method NumPy called.
        ufunc: the ufunc, e.g. `np.exp`.
        method: how it was called: "__call__" is supported, "reduce", "at", ... are not.
        *inputs: its operands (Values, numbers, arrays, lists).
        **kwargs: its keyword arguments (`out=`, `where=`, ...); none is supported.

    Returns:
        A Value recorded by the op, or an ndarray for the ufuncs without a gradient.

    Raises:
        TypeError: the ufunc, the method or a keyword is not supported on Values.
    """
    fn = _UFUNCS.get(ufunc)
    if fn is None or method != "__call__" or kwargs:
        return _other_ufunc_call(ufunc, method, inputs, kwargs)
    return fn(*[operand(x) for x in inputs])


def _other_ufunc_call(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """A ufunc call that no op records: run on the data if it has no gradient, else refused."""
    name = f"np.{ufunc.__name__}"
    if method != "__call__":
        hint = f"; use {_REDUCE_HINT[ufunc]}" if method == "reduce" and ufunc in _REDUCE_HINT else ""
        raise TypeError(f"{name}.{method} is not supported on Values (only calls {name}(...) "
                        f"record the graph){hint}")
    if kwargs:
        inplace = len(inputs) == 2 and kwargs.get("out", (None,))[0] is inputs[0]
        raise _refused(name, kwargs, " (for `array += value`, write `array = array + value`)"
                       if inplace else "")
    if ufunc in _ON_DATA:
        return ufunc(*[_data(x) for x in inputs])
    raise _not_differentiable(name)


def array_function(self: Any, func: Callable, types: tuple, args: tuple, kwargs: dict) -> Any:
    """`Value.__array_function__`: a NumPy function called with a Value among its arguments.

    Args:
        self: the Value whose protocol method NumPy called.
        func: the NumPy function, e.g. `np.sum`.
        types: the types of its arguments that implement the protocol.
        args: its positional arguments.
        kwargs: its keyword arguments; those the op set does not take raise.

    Returns:
        A Value recorded by the ops (ndarrays for the functions without a
        gradient), or NotImplemented if an argument of another array type is given.

    Raises:
        TypeError: the function, or one of its arguments, is not supported on Values.
    """
    if not all(issubclass(t, (np.ndarray, ValueMixin)) for t in types):
        return NotImplemented
    module = getattr(func, "__module__", None) or "numpy"
    name = f"np{module[5:]}.{func.__name__}" if module.startswith("numpy") else func.__name__
    entry = _FUNCTIONS.get(func)
    if entry is None:
        if func in _ON_DATA:
            return func(*[_data(a) for a in args], **{k: _data(a) for k, a in kwargs.items()})
        raise _not_differentiable(name)
    impl, supported = entry
    return impl(**_bind(func, name, args, kwargs, supported))


def array(self: Any, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
    """`Value.__array__`: the data, for `np.asarray(v)` (so matplotlib plots Values).

    Args:
        self: the Value.
        dtype: the dtype wanted (None: the Value's).
        copy: True for a copy, False to refuse one, None for a copy only where needed.

    Returns:
        The Value's data (itself, without a copy, where possible).

    Raises:
        ValueError: `copy=False` with a `dtype` that needs a copy.
    """
    data = self.data
    if dtype is not None and np.dtype(dtype) != data.dtype:
        if copy is False:
            raise ValueError(f"np.asarray: a Value of dtype {data.dtype} becomes {np.dtype(dtype)} "
                             f"only by a copy, and copy=False")
        return data.astype(dtype)
    return data.copy() if copy else data


_SIGNATURES: dict[Callable, inspect.Signature] = {}


def _bind(func: Callable, name: str, args: tuple, kwargs: dict, supported: tuple) -> dict:
    """The arguments of a call of `func`, by name; those outside `supported`
    are refused unless they were given their default."""
    sig = _SIGNATURES.get(func)
    if sig is None:
        sig = _SIGNATURES[func] = inspect.signature(func)
    bound = sig.bind(*args, **kwargs).arguments  # NumPy's dispatcher has checked the call
    refused = []
    for key, value in bound.items():
        param = sig.parameters[key]
        if param.kind is param.VAR_KEYWORD:
            refused += [k for k in value if k not in _KEYWORDS.get(func, ())]
        elif key not in supported and not (
                value is param.default or (isinstance(value, str) and value == param.default)):
            refused.append(key)
    if refused:
        raise _refused(name, refused)
    return {key: value for key, value in bound.items() if key in supported}


# --------------------------------------------------------------- functions
def _reduction(method: str) -> Callable:
    def reduce(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
        return getattr(a, method)(axis=axis, keepdims=bool(keepdims))
    return reduce


def _transpose(a: Any, axes: Any = None) -> Any:
    return a.transpose() if axes is None else a.transpose(*axes)


def _concatenate(arrays: Any, axis: Any = 0) -> Any:
    if axis is None:
        arrays, axis = [x.reshape(-1) if isinstance(x, ValueMixin) else np.ravel(x)
                        for x in arrays], 0
    return concat(list(arrays), axis=axis)


def _stack(arrays: Any, axis: int = 0) -> Any:
    return stack(list(arrays), axis=axis)


def _where(condition: Any, x: Any = None, y: Any = None) -> Any:
    if x is None and y is None:
        return np.nonzero(_data(condition))
    if x is None or y is None:
        raise ValueError("np.where: give both x and y, or neither")
    return where(condition, x, y)


def _dot(a: Any, b: Any) -> Any:
    """np.dot as the ops: a product for a 0-d operand, matmul up to 2-D, and for
    N-D the sum over a's last axis and b's second-to-last, by reshapes."""
    sa, sb = (x.shape if isinstance(x, ValueMixin) else np.shape(x) for x in (a, b))
    if not sa or not sb:
        return ops.mul(a, b)
    if len(sb) == 1 or len(sa) <= 2 and len(sb) <= 2:
        return ops.matmul(a, b)
    if sa[-1] != sb[-2]:
        raise ValueError(f"np.dot: shapes {sa} and {sb} are not aligned ({sa[-1]} != {sb[-2]})")
    nb = len(sb)
    b2 = ops.transpose(b, axes=(nb - 2,) + tuple(range(nb - 2)) + (nb - 1,))
    out = ops.matmul(ops.reshape(a, shape=(-1, sa[-1])),
                     ops.reshape(b2, shape=(sb[-2], int(np.prod(sb[:-2])) * sb[-1])))
    return ops.reshape(out, shape=sa[:-1] + sb[:-2] + sb[-1:])


def _clip(a: Any, a_min: Any = np._NoValue, a_max: Any = np._NoValue, min: Any = np._NoValue,
          max: Any = np._NoValue) -> Any:  # noqa: A002 (NumPy's names)
    bounds = []
    for name, first, second in (("min", a_min, min), ("max", a_max, max)):
        if first is not np._NoValue and second is not np._NoValue:
            raise TypeError(f"np.clip: give a_{name} or {name}, not both")
        bound = second if first is np._NoValue else first
        if isinstance(bound, ValueMixin):
            raise _not_differentiable(f"np.clip with a Value as its {name} bound")
        bounds.append(None if bound is np._NoValue else bound)
    if not isinstance(a, ValueMixin):
        raise _not_differentiable("np.clip of an array between Values")
    return a.clip(*bounds)


def _squeeze(a: Any, axis: Any = None) -> Any:
    if axis is not None:
        for ax in axes(axis, a.ndim, "np.squeeze") or ():
            if a.shape[ax] != 1:
                raise ValueError(f"np.squeeze: axis {ax} has size {a.shape[ax]}, not 1")
    return a.squeeze(axis)


def _expand_dims(a: Any, axis: Any) -> Any:
    n = a.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1)
    new = axes(axis, n, "np.expand_dims")
    sizes = iter(a.shape)
    return a.reshape(tuple(1 if i in new else next(sizes) for i in range(n)))


def _swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    i, j = (axes(ax, a.ndim, "np.swapaxes", single=True) for ax in (axis1, axis2))
    perm = list(range(a.ndim))
    perm[i], perm[j] = j, i
    return a.transpose(*perm)


# NumPy's functions -> (what they are on Values, the parameters it takes).
_FUNCTIONS: dict[Callable, tuple[Callable, tuple]] = {
    np.sum: (_reduction("sum"), ("a", "axis", "keepdims")),
    np.mean: (_reduction("mean"), ("a", "axis", "keepdims")),
    np.max: (_reduction("max"), ("a", "axis", "keepdims")),
    np.amax: (_reduction("max"), ("a", "axis", "keepdims")),
    np.min: (_reduction("min"), ("a", "axis", "keepdims")),
    np.amin: (_reduction("min"), ("a", "axis", "keepdims")),
    np.reshape: (lambda a, shape: a.reshape(shape), ("a", "shape")),
    np.transpose: (_transpose, ("a", "axes")),
    np.concatenate: (_concatenate, ("arrays", "axis")),
    np.stack: (_stack, ("arrays", "axis")),
    np.where: (_where, ("condition", "x", "y")),
    np.dot: (_dot, ("a", "b")),
    np.clip: (_clip, ("a", "a_min", "a_max", "min", "max")),
    np.squeeze: (_squeeze, ("a", "axis")),
    np.expand_dims: (_expand_dims, ("a", "axis")),
    np.ravel: (lambda a: a.reshape(-1), ("a",)),
    np.swapaxes: (_swapaxes, ("a", "axis1", "axis2")),
    np.broadcast_to: (lambda array, shape: ops.broadcast_to(
        array, shape=tuple(shape) if np.iterable(shape) else (shape,)), ("array", "shape")),
}

_FUNCTIONS.update(numpy_functions.FUNCTIONS)

# The keywords a function with `**kwargs` takes on Values (passed on as `kwargs`).
_KEYWORDS: dict[Callable, tuple] = {np.pad: ("constant_values",)}
