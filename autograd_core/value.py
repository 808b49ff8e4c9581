"""`Value`: one node of the computational graph."""
from __future__ import annotations

import numbers
from typing import Any, Union

import numpy as np

from . import engine
from .engine import _to_array, enable_grad

Operand = Union["Value", float, int, np.ndarray]


def _axes(axis: Any, ndim: int, name: str) -> tuple | None:
    """Normalize an axis argument (None, int or tuple) to a sorted tuple of non-negative ints."""
    if axis is None:
        return None
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in items:
        if not isinstance(ax, (numbers.Integral)) or isinstance(ax, bool):
            raise TypeError(f"{name}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= ax < ndim and not (ndim == 0 and ax in (0, -1)):
            raise ValueError(f"{name}: axis {ax} is out of range for a Value with {ndim} dimensions")
        out.append(int(ax) % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(out)) if ndim else None


def _shape_arg(shape: tuple, name: str) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"{name}: expected ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def _index(idx: Any) -> tuple:
    """Normalize an index; returns (index, whether repeated positions are possible)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    out, accumulate = [], False
    for i in items:
        if isinstance(i, Value):
            raise TypeError("index with ints, slices, None, or arrays of ints or bools, not a Value")
        if isinstance(i, list):
            i = np.asarray(i)
            if i.size == 0:
                i = i.astype(np.intp)
        if isinstance(i, np.ndarray):
            if i.dtype.kind in "iu":
                accumulate = True
            elif i.dtype.kind != "b":
                raise IndexError(f"arrays used as indices must be of integer or boolean type, not {i.dtype}")
        elif not (i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral))):
            raise IndexError(f"unsupported index {i!r}: use ints, slices, None, ... or int/bool arrays")
        out.append(i)
    return (tuple(out) if isinstance(idx, tuple) else out[0]), accumulate


def _cmp_operand(x: Any) -> Any:
    if isinstance(x, Value):
        return x._data
    if isinstance(x, (numbers.Real, np.ndarray, np.generic)):
        return x
    raise TypeError(f"cannot compare a Value with {type(x).__name__}")


class Value:
    """A scalar or an ndarray together with the operation that produced it."""

    # _data: an ndarray, or a NumPy scalar for 0-d results (see engine.apply);
    # _parents: a list of the input Values, None where a constant entered
    # (made a Value on first access of .parents); _args: the inputs' data, as
    # the op saw it.
    __slots__ = ("_data", "_grad", "requires_grad", "label", "_parents", "_args", "_op",
                 "_params", "_scope", "_pending", "__weakref__")
    __array_ufunc__ = None  # NumPy defers to Value's reflected operators
    __hash__ = object.__hash__

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None,
                 label: str = "") -> None:
        arr = _to_array(data, dtype)
        self._data = arr[()] if arr.ndim == 0 else arr
        self._grad = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        self._parents = ()
        self._args = None
        self._op = None
        self._params = None
        self._scope = ()
        self._pending = None

    # ------------------------------------------------------------ properties
    @property
    def data(self) -> np.ndarray:
        """The value as an ndarray (0-d for a scalar)."""
        d = self._data
        if type(d) is not np.ndarray:
            d = self._data = np.asarray(d)
        return d

    @data.setter
    def data(self, value: np.ndarray) -> None:
        self._data = value

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
        self._grad = value

    @property
    def parents(self) -> tuple:
        """The op's input Values (constants appear as leaves that require no grad)."""
        ps = self._parents
        if any(p is None for p in ps):
            dtype = self._data.dtype
            ps = self._parents = [engine._leaf(engine._const(a, dtype)) if p is None else p
                                  for p, a in zip(ps, self._args)]
        return tuple(ps)

    @property
    def op(self) -> str:
        """Name of the op that produced this Value ("" for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def T(self) -> "Value":
        """The transpose (all axes reversed)."""
        return self.transpose()

    def item(self) -> float:
        """The single element as a Python float."""
        if self._data.size != 1:
            raise ValueError(f"item: only a single-element Value converts, this one has shape {self.shape}")
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shares memory, like torch's `.numpy()`)."""
        return self.data

    def detach(self) -> "Value":
        """A new leaf sharing this data, cut from the graph."""
        return engine._leaf(self._data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        extra = f", op={self.op!r}" if self._op is not None else ""
        extra += f", label={self.label!r}" if self.label else ""
        extra += "" if self.requires_grad else ", requires_grad=False"
        return f"Value({body}{extra})"

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d Value")
        return len(self.data)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __float__(self) -> float:
        return float(self.item())

    def __bool__(self) -> bool:
        return bool(self.data)

    # ---------------------------------------------------------- arithmetic
    def __add__(self, other: Operand) -> "Value":
        return _apply(_add, (self, other), _P)

    def __radd__(self, other: Operand) -> "Value":
        return _apply(_add, (other, self), _P)

    def __sub__(self, other: Operand) -> "Value":
        return _apply(_sub, (self, other), _P)

    def __rsub__(self, other: Operand) -> "Value":
        return _apply(_sub, (other, self), _P)

    def __mul__(self, other: Operand) -> "Value":
        return _apply(_mul, (self, other), _P)

    def __rmul__(self, other: Operand) -> "Value":
        return _apply(_mul, (other, self), _P)

    def __truediv__(self, other: Operand) -> "Value":
        return _apply(_div, (self, other), _P)

    def __rtruediv__(self, other: Operand) -> "Value":
        return _apply(_div, (other, self), _P)

    def __pow__(self, other: Operand) -> "Value":
        return _apply(_pow, (self, other), _P)

    def __rpow__(self, other: Operand) -> "Value":
        return _apply(_pow, (other, self), _P)

    def __matmul__(self, other: Operand) -> "Value":
        return _apply(_matmul, (self, other), _P)

    def __rmatmul__(self, other: Operand) -> "Value":
        return _apply(_matmul, (other, self), _P)

    def __neg__(self) -> "Value":
        return _apply(_neg, (self,), _P)

    def __pos__(self) -> "Value":
        return self

    # Comparisons give plain boolean arrays and record nothing.
    def __lt__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data < _cmp_operand(other))

    def __le__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data <= _cmp_operand(other))

    def __gt__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data > _cmp_operand(other))

    def __ge__(self, other: Operand) -> np.ndarray:
        return np.asarray(self._data >= _cmp_operand(other))

    def __eq__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return np.asarray(self._data == _cmp_operand(other))

    def __ne__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return np.asarray(self._data != _cmp_operand(other))

    # ---------------------------------------------------------- elementwise
    def exp(self) -> "Value":
        return _apply(ops.exp, (self,), _P)

    def log(self) -> "Value":
        return _apply(ops.log, (self,), _P)

    def sqrt(self) -> "Value":
        return _apply(ops.sqrt, (self,), _P)

    def tanh(self) -> "Value":
        return _apply(ops.tanh, (self,), _P)

    def sigmoid(self) -> "Value":
        return _apply(ops.sigmoid, (self,), _P)

    def relu(self) -> "Value":
        return _apply(ops.relu, (self,), _P)

    def abs(self) -> "Value":
        return _apply(ops.abs, (self,), _P)

    def clip(self, lo: float | None, hi: float | None) -> "Value":
        """Limit to [lo, hi]; either bound may be None."""
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lo={lo} is greater than hi={hi}")
        return ops.clip(self, lo=-np.inf if lo is None else lo, hi=np.inf if hi is None else hi)

    # ----------------------------------------------------------- reductions
    def sum(self, axis: Any = None, keepdims: bool = False) -> "Value":
        return ops.sum(self, axis=_axes(axis, self._data.ndim, "sum"), keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> "Value":
        return ops.mean(self, axis=_axes(axis, self._data.ndim, "mean"), keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> "Value":
        return ops.max(self, axis=_axes(axis, self._data.ndim, "max"), keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> "Value":
        return ops.min(self, axis=_axes(axis, self._data.ndim, "min"), keepdims=keepdims)

    def softmax(self, axis: int = -1) -> "Value":
        return ops.softmax(self, axis=_axes(axis, self._data.ndim, "softmax"))

    def log_softmax(self, axis: int = -1) -> "Value":
        return ops.log_softmax(self, axis=_axes(axis, self._data.ndim, "log_softmax"))

    # ---------------------------------------------------------------- shape
    def reshape(self, *shape: Any) -> "Value":
        return ops.reshape(self, shape=_shape_arg(shape, "reshape"))

    def transpose(self, *axes: Any) -> "Value":
        n = self._data.ndim
        axes = _shape_arg(axes, "transpose") if axes else tuple(range(n - 1, -1, -1))
        if sorted(a % n if n else a for a in axes) != list(range(n)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {n} axes")
        return ops.transpose(self, axes=tuple(a % n for a in axes))

    def __getitem__(self, idx: Any) -> "Value":
        index, accumulate = _index(idx)
        return ops.getitem(self, index=index, accumulate=accumulate)

    # ------------------------------------------------------------- backward
    def backward(self, grad: Any = None, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(node) into `.grad` of every node that requires grad.

        `grad` defaults to ones for a single-element Value. With `create_graph`,
        the pass is recorded and each `.grad` is a Value that can be
        differentiated again."""
        seed = backward._seed(self, grad, create_graph)
        if create_graph:
            with enable_grad():
                backward._walk(self, seed, True, True)
        else:
            backward._walk(self, seed, False, True)


from . import backward, ops  # noqa: E402  (both need Value)

_add, _sub, _mul, _div, _pow = ops.add, ops.sub, ops.mul, ops.div, ops.pow
_matmul, _neg = ops.matmul, ops.neg
_apply, _P = engine.apply, engine.NO_PARAMS
