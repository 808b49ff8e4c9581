"""`Value`, one node of the computational graph: its construction, properties,
`detach` and `backward`.

The rest of `Value` is in `mixins/`, one module per kind of method (operators,
elementwise math, reductions, shape and indexing, conversions); making nodes
(a leaf's set-up, `apply`, which runs an op and records the node, and the seed
of a backward pass) is in `node.py`. This module sits above them, the op table
and the backward walk; nothing in the engine imports it but the public
functions above it. At the bottom of this file it gives `node.py` the class
and sets `registry.apply`, through which calling an op (and the mixins) reach
`node.apply`: the hand-offs from the lower modules to this one.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping, Union

import numpy as np

from . import inputs, node, numpy_api, registry
from .backward import walk
from .dtypes import const, to_array
from .mixins import ValueMixin
from .mixins.convert import Size
from .modes import enable_grad
from .node import _init_leaf, _leaf, _seed, apply
from .versions import bump_version

__all__ = ["Value"]

Operand = Union["Value", float, int, np.ndarray]
"""What the operators take beside a Value: a Value, a Python number or an ndarray."""


class Value(ValueMixin):
    """One node of the computational graph: an ndarray and the op that produced it.

    `.data` is always an ndarray (0-d for a scalar). Python numbers, ints and
    bools become the default float dtype (float64 unless `set_default_dtype`
    changed it), and so do integer and boolean arrays; float arrays keep
    their dtype. The data is copied: a Value never shares memory with the
    array it was made from. A Value given as `data` gives its data, with no
    link to its graph.

    Operators `+ - * / ** @` and unary `-` take Values, Python numbers and
    ndarrays on either side, with NumPy's broadcasting (the gradient of a
    broadcast input is summed back to its shape). Comparisons
    `< <= > >= == !=` give plain boolean ndarrays and record nothing.
    Indexing takes ints, slices, `None`, `...`, boolean masks and integer
    arrays (repeated indices add up their gradients). Under `no_grad()`,
    `v += x` (and `-= *= /= **= @=`) and `v[idx] = x` change the Value
    itself (see `mixins.operators`); NumPy's functions record the graph where
    the op set covers them (`np.exp(v)`, `np.sum(v)`, ...).

    Args:
        data: a Python number, a nested list, an ndarray of real numbers, or
            a Value (its data is copied, with no graph link).
        requires_grad: whether backward passes compute this Value's gradient.
        dtype: float16, float32 or float64; None follows the rules above.
        label: a name shown by `repr` and in graph drawings (settable).

    Raises:
        TypeError: `data` is not real numbers (complex, strings, bytes, dates
            and times, object arrays, None, ragged lists); it is never converted.
        ValueError: `dtype` is not float16, float32 or float64.

    Examples:
        >>> from autograd_core import Value
        >>> x = Value([1.0, 2.0, 3.0], label="x")
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        array([2., 4., 6.])
        >>> Value(3).dtype
        dtype('float64')
    """

    # _data: an ndarray, or a NumPy scalar for 0-d results (see apply);
    # _in0, _in1, _arg0, _arg1, _many: the op's inputs, Values and data (see
    # inputs.py: in slots, so that the collector follows one object per node);
    # _born: the version clock's tick when the node was recorded (later nodes
    # have larger ones); _written: the tick of its last change in place (set then).
    __slots__ = ("_data", "_grad", "requires_grad", "label", "_in0", "_in1", "_arg0", "_arg1",
                 "_many", "_op", "_params", "_scope", "_pending", "_born", "_written",
                 "__weakref__")
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
        arr = to_array(data, dtype, arg="data")
        _init_leaf(self, arr[()] if arr.ndim == 0 else arr, bool(requires_grad), label)

    # ------------------------------------------------------------ properties
    @property
    def data(self) -> np.ndarray:
        """The value as an ndarray (0-d for a scalar).

        Assigning `.data` replaces it with real numbers converted to this
        Value's dtype (a Value gives its data) and bumps the version, so a
        backward pass through a graph recorded before raises `RuntimeError`.
        Assigning anything else (complex, strings, None, ...) raises
        `TypeError` at once. Writes through an array taken earlier
        (`a = v.data; a[0] = 1`) are not tracked.
        """
        d = self._data
        if type(d) is not np.ndarray:
            d = self._data = np.asarray(d)
        return d

    @data.setter
    def data(self, value: Any) -> None:
        if isinstance(value, Value):
            value = value.data
        arr = to_array(value, self._data.dtype, ".data", copy=False)
        # A 0-d Value stays a NumPy scalar, as apply makes it: `p.data -= lr * p.grad`
        # would otherwise leave every later op on `p` on NumPy's array path
        # (-19% CPU time on a step of micrograd's demo).
        self._data = arr[()] if arr.ndim == 0 else arr
        bump_version(self, memory=False)  # a new array: no other Value's data changed

    @property
    def grad(self) -> Any:
        """The gradient: None until a backward pass reaches this node.

        Then an ndarray of the shape and dtype of `.data` (a Value that can be
        differentiated again after `backward(create_graph=True)`); further
        passes add to it. A leaf's gradient is an array of its own, shared
        with no other node, so changing it in place (as clipping does)
        changes nothing else. Assigning `None` resets it; assigning real
        numbers of this Value's shape sets it (converted to its dtype);
        anything else raises `TypeError`, and another shape `ValueError`.
        """
        g = self._grad
        if g is not None and type(g) is not np.ndarray and not isinstance(g, Value):
            g = self._grad = np.asarray(g)
        return g

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, Value):  # a Value (create_graph) is kept as it is
                value = to_array(value, self._data.dtype, ".grad", copy=False)
            if value.shape != self._data.shape:
                raise ValueError(f".grad: a gradient of shape {value.shape} for a Value "
                                 f"of shape {self._data.shape}")
        self._grad = value

    @property
    def parents(self) -> tuple:
        """The op's input Values, in order; `()` for a leaf.

        Numbers and arrays that entered the op as constants appear as leaves
        that require no grad.
        """
        ps = inputs.parents(self)
        if any(p is None for p in ps):  # made Values once, kept in the slots
            dtype = self._data.dtype
            ps = tuple([_leaf(const(a, dtype)) if p is None else p
                        for p, a in zip(ps, inputs.args(self))])
            if self._many is None:
                self._in0, self._in1 = ps if len(ps) == 2 else (ps[0], None)
            else:
                self._many = (ps, self._many[1])
        return ps

    @property
    def op(self) -> str:
        """The name of the op that produced this Value (`""` for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def params(self) -> Mapping:
        """The op's keyword parameters (`axis`, `shape`, ...), read-only; empty for a leaf."""
        return MappingProxyType(self._params or {})

    @property
    def scope(self) -> tuple:
        """The modules whose `forward` was running when this Value was made, outermost first."""
        return self._scope

    @property
    def shape(self) -> tuple:
        """The shape of the data, as a tuple (`()` for a scalar)."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions of the data."""
        return self._data.ndim

    @property
    def size(self) -> Size:
        """The number of elements (NumPy's `.size`): an int that can also be called,
        `v.size()` giving the shape and `v.size(d)` the length of axis `d`, as in PyTorch."""
        return Size(self._data.shape)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the data (float16, float32 or float64)."""
        return self._data.dtype

    def requires_grad_(self, requires_grad: bool = True) -> "Value":
        """Set `requires_grad` in place and return this Value, as in PyTorch.

        Raises:
            TypeError: `requires_grad` is not a bool.
            RuntimeError: turning it off on a Value produced by an op (only a
                leaf's flag changes; `.detach()` gives a Value cut from the graph).
        """
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad_: expected True or False, got {requires_grad!r}")
        if self._op is not None and not requires_grad:
            raise RuntimeError(f"requires_grad_: only a leaf's requires_grad can be changed; this "
                               f"Value was produced by the op {self.op!r} (use .detach())")
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> "Value":
        """A new leaf holding this Value's data (shared, not copied), cut from the graph."""
        return _leaf(self._data)

    # ------------------------------------------------------------- backward
    def backward(self, grad: Any = None, retain_graph: Any = None, create_graph: bool = False) -> None:
        """Add d(self)/d(node) to the `.grad` of every node that requires grad.

        The pass visits the graph in topological order, iteratively (a chain
        of a million nodes works). Gradients accumulate across calls until
        reset (`zero_grad()`, or `.grad = None`); the graph is kept, so a
        second call adds the same contributions again. Every node that
        requires grad keeps its gradient, intermediate nodes included. A pass
        that stops with an exception changes no `.grad` and leaves nothing
        behind for a later pass.

        Args:
            grad: the gradient of the final result with respect to this
                Value, of its shape (real numbers, or a Value); defaults to
                ones for a single-element Value, and must be given otherwise.
            retain_graph: accepted for PyTorch's code; the graph is always
                kept, whatever it says.
            create_graph: record the backward pass itself, so that each
                `.grad` is a Value that can be differentiated again (second
                derivatives, Hessian-vector products).

        Raises:
            RuntimeError: this Value does not require grad; or a Value that an
                op's gradient needs was changed in place after the op ran (an
                in-place operator, `v[idx] = ...`, `.data` assignment, an
                optimizer step, `load_state_dict`, `nn.load`), naming the op
                and the Value.
            ValueError: `grad` is missing for a Value of more than one
                element, or has another shape than this Value.
            TypeError: `grad` is not real numbers.
            FloatingPointError: under `detect_anomaly()`, a gradient holds NaN
                or inf (naming the op and the shapes).

        Examples:
            >>> from autograd_core import Value
            >>> x = Value(3.0)
            >>> (x ** 3).backward(create_graph=True)
            >>> dx = x.grad  # 3 x**2, a Value with a graph of its own
            >>> float(dx)
            27.0
            >>> x.grad = None
            >>> dx.backward()  # 6 x
            >>> float(x.grad)
            18.0
        """
        seed = _seed(self, grad, create_graph)
        if create_graph:
            with enable_grad():
                walk(self, seed, create_graph=True, store=True)
        else:
            walk(self, seed, create_graph=False, store=True)


# The hand-offs, the one place where lower modules use a higher one (by
# assignment, never by import): node.py makes Values, and calling an Op, and
# Value's operators, apply through registry.apply.
node.Value = Value
registry.apply = apply
