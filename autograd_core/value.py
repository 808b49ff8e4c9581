"""`Value`, one node of the computational graph: its construction, properties and
`backward`; and `apply`, which runs an op on Values and records the node.

The rest of `Value` is in `mixins/`, one module per kind of method (operators,
elementwise math, reductions, shape and indexing, conversions). This module sits
above them, the op table and the backward walk; nothing in the engine imports
it but the public functions above it. `registry.apply`, through which calling
an op (and the mixins) reach `apply`, is set at the bottom of this file: the
one hand-off from a lower module to a higher one.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping, Union

import numpy as np

from . import numpy_api, registry
from .backward import walk
from .dtypes import const, default_consts, to_array
from .mixins import ValueMixin
from .mixins.convert import Size
from .modes import _DEFAULTS, _changed, _local, enable_grad
from .registry import Op
from .versions import bump_version, tick as _tick

__all__ = ["Value", "apply"]

Operand = Union["Value", float, int, np.ndarray]
"""What the operators take beside a Value: a Value, a Python number or an ndarray."""
_ndarray = np.ndarray
_generic = np.generic
_new = object.__new__


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
    # _parents: a tuple of the input Values, None where a constant entered
    # (made a Value on first access of .parents); _args: a tuple of the inputs'
    # data, as the op saw it (tuples, not lists: a tuple of arrays and NumPy
    # scalars leaves the garbage collector's tracking at its first collection,
    # so the collector follows two objects per node instead of three: the
    # collector's share of the long chain, GC on minus GC off, 3.55 -> 3.14 us
    # per node, benchmarks/run.py --only chain [--no-gc]); _born: the version clock's tick when the node was
    # recorded (later nodes have larger ones); _written: the tick of its last
    # change in place (set then).
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
        ps = self._parents
        if any(p is None for p in ps):
            dtype = self._data.dtype
            ps = self._parents = tuple([_leaf(const(a, dtype)) if p is None else p
                                        for p, a in zip(ps, self._args)])
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
            datas.append(x)
            parents.append(None)
            t = type(x)
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
    datas = None
    if not params:
        n = len(inputs)
        if n == 2:
            a, b = inputs
            ta, tb = type(a), type(b)
            if ta is Value and (tb is Value or tb is float or tb is int):
                if tb is Value:
                    datas, parents = (a._data, b._data), (a, b)
                    record = a.requires_grad or b.requires_grad
                else:
                    datas, parents, record = (a._data, b), (a, None), a.requires_grad
            elif tb is Value and (ta is float or ta is int):
                datas, parents, record = (a, b._data), (None, b), b.requires_grad
            if datas is not None:
                try:
                    out = op.forward(datas[0], datas[1])
                except (ValueError, IndexError, TypeError) as e:
                    raise _forward_error(op, datas, e) from None
        elif n == 1 and type(inputs[0]) is Value:
            a = inputs[0]
            datas, parents, record = (a._data,), (a,), a.requires_grad
            try:
                out = op.forward(datas[0])
            except (ValueError, IndexError, TypeError) as e:
                raise _forward_error(op, datas, e) from None
    if datas is None:
        datas, parents, record = _operands(inputs)
        try:
            out = op.forward(*datas, **params) if params else op.forward(*datas)
        except (ValueError, IndexError, TypeError) as e:
            raise _forward_error(op, datas, e) from None
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
        v._born = _tick()
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


# The hand-off: calling an Op, and Value's operators (both below this module),
# apply it here.
registry.apply = apply
