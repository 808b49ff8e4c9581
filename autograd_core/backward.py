"""The way back: the one topological sort, and the backward walk that calls
each op's VJPs, reduces broadcast gradients to their input's shape (here, in
one place, followed by a shape check) and accumulates them.

This module sits below `value.py`: it works on any node with the fields a
Value has, and never imports it.
"""
from __future__ import annotations

import operator
import threading
from typing import Any, Iterable

import numpy as np

from . import inputs, ops, vjp_tools
from .modes import current as _current_modes
from .registry import Op, passthrough
from .versions import check_node, clock as _clock

__all__ = ["toposort", "walk_order", "walk", "edge_grad"]

_lock = threading.RLock()  # one backward pass at a time (re-entrant: a VJP may differentiate)

_ndarray = np.ndarray
_F16 = np.dtype(np.float16)  # summed through sum_to, which accumulates it in float32
_born = operator.attrgetter("_born")


def toposort(root: Any, include_constants: bool = False) -> list:
    """Nodes reachable from `root` in backward order: root first, every node
    before its parents, depth first. Graph drawings number the backward steps
    in this order (the walk itself follows `walk_order`). Iterative, so graphs
    of any depth work. Without `include_constants`, only nodes that require
    grad are visited."""
    order = []
    seen = set()
    stack = [root]
    push, pop, add = stack.append, stack.pop, seen.add
    while stack:
        node = pop()
        if node is None:  # every parent of the node beneath this marker is done
            order.append(pop())
            continue
        if node in seen:
            continue
        add(node)
        push(node)
        push(None)
        # Parents are pushed last-first so the first is explored first: a
        # node is then numbered soon after its last consumer (reads well
        # when a drawing numbers the backward steps).
        if include_constants:
            for p in reversed(node.parents):
                if p not in seen:
                    push(p)
        else:
            for p in reversed(inputs.parents(node)):
                if p is not None and p.requires_grad and p not in seen:
                    push(p)
    order.reverse()
    return order


def walk_order(root: Any) -> list:
    """The order of the backward walk: the nodes reachable from `root` that
    require grad, those made by ops newest first (every node was made after
    its inputs, so it comes before them), then the leaves. The one place that
    decides the walk's order; PyTorch's engine follows the same.

    Cheaper than the depth-first `toposort`: no markers on the stack, and the
    sort by the version clock's ticks runs in C. With the VJP calls spelled out
    in `_propagate`: 17,487 -> 16,725 instructions per node of a scalar graph
    (`benchmarks/instructions.py --only s1`).
    """
    made, leaves = [], []
    seen = {root}
    stack = [root]
    push, pop, add = stack.append, stack.pop, seen.add
    while stack:
        node = pop()
        if node._op is None:
            leaves.append(node)
            continue
        made.append(node)
        # The input Values, from the node's slots (see inputs.py), read inline.
        for p in (node._in0, node._in1) if node._many is None else node._many[0]:
            if p is not None and p.requires_grad and p not in seen:
                add(p)
                push(p)
    made.sort(key=_born, reverse=True)  # the ticks of the version clock (versions.tick)
    return made + leaves


def walk(root: Any, seed: Any, *, create_graph: bool, store: bool,
         targets: Iterable | None = None) -> dict:
    """Propagate `seed` from `root`. With `store`, add every node's gradient to
    its `.grad` and return nothing; else return the gradients of `targets`
    (of every node if None) and touch no `.grad`.

    A leaf's `.grad` is an array of its own, so that updating it in place
    (gradient clipping does) changes nothing else: the gradient is copied
    when it is the seed, a view (a reshape's or a slice's VJP), or its
    consumer's gradient passed on unchanged.

    Backward passes run one at a time (two threads may share parameters,
    whose pending gradients live on the nodes). A pass that stops with an
    exception (KeyboardInterrupt, an anomaly, an error in a VJP or the
    version check) changes no `.grad` and leaves no pending gradient behind.
    """
    with _lock:
        order = walk_order(root)
        try:
            _propagate(order, seed, create_graph=create_graph, store=store)
        except BaseException:
            for node in order:
                node._pending = None
            raise
        # Each node's whole gradient is on it (`_pending`), and only now that the
        # whole pass has succeeded does it go to `.grad` (or to the caller).
        if store:
            for node in order:
                g, node._pending = node._pending, None
                node._grad = g if node._grad is None else node._grad + g
            return {}
        arrived = {}
        for node in order:
            arrived[node], node._pending = node._pending, None
    return arrived if targets is None else {n: arrived[n] for n in targets if n in arrived}


def _propagate(order: list, seed: Any, *, create_graph: bool, store: bool) -> None:
    """The walk itself (see `walk`): `order` is the `walk_order` of the root,
    root first. Leaves on every node of `order` (`_pending`) the whole gradient
    that arrived at it."""
    anomaly, now = _current_modes().anomaly, _clock.now
    # The gradients on their way live on the nodes (`_pending`): keeping them in
    # a dict keyed by node instead costs 7-19% per node (measured).
    order[0]._pending = seed
    for node in order:  # each node has received its whole gradient before it is reached
        # The prologue, inline (as a call per node it costs 2.2% of a scalar graph's
        # forward and backward, callgrind): the pending gradient, which stays on the
        # node; an array (or one of another type than the data) is settled by `_settled`.
        g = node._pending
        if type(g) is _ndarray or type(g) is not type(node._data):
            g = node._pending = _settled(g, node, seed, create_graph=create_graph, own_copy=store)
        if (op := node._op) is None:
            continue
        if node._born < now:  # one comparison per node while nothing changed in place
            check_node(node)
        if (many := node._many) is None:  # the inputs, from the slots (see inputs.py)
            parents = node._in0, node._in1  # _in1 is None after an op of one input
            args = (node._arg0,) if (a1 := node._arg1) is None else (node._arg0, a1)
        else:
            parents, args = many
        out, args = (node, node.parents) if create_graph else (node._data, args)
        vjps = op.vjps if op.vjps is not None else _given(op.vjp_all(g, out, *args, **node._params))
        # Per input: `edge_grad(node, i, g)` written out, then the accumulation,
        # inline: this runs once per edge.
        i = -1
        for p in parents:
            i += 1
            if p is None or not p.requires_grad:
                continue
            if (vjp := vjps[i]) is passthrough:
                gi = g
            elif node._params:
                gi = vjp(g, out, *args, **node._params)
            elif len(args) == 2:  # spelled out, as most ops have two inputs (see walk_order)
                gi = vjp(g, out, args[0], args[1])
            else:
                gi = vjp(g, out, *args)
            # Two NumPy scalars of one type have one shape: no need to read it
            # (-3% of a scalar node's backward, CPU time).
            if anomaly or (type(gi) is not type(d := p._data) or type(d) is _ndarray) \
                    and gi.shape != d.shape:
                gi = _to_input(gi, p._data.shape, node, i, anomaly)
            if (q := p._pending) is not None:
                p._pending = q + gi
            elif gi is not g or p._op is not None or type(g) is not _ndarray:
                p._pending = gi
            else:  # a leaf would get its consumer's gradient array itself: a copy
                p._pending = g.copy()


def _settled(g: Any, node: Any, seed: Any, *, create_graph: bool, own_copy: bool) -> Any:
    """The gradient `g` arrived at `node`, in the node's dtype and, with `own_copy`,
    for a leaf an array of its own (not the seed, not a view of another array)."""
    d = node._data
    if not create_graph and g.dtype is not d.dtype and g.dtype != d.dtype:
        g = g.astype(d.dtype)
    if own_copy and node._op is None and type(g) is _ndarray and (g.base is not None
                                                                  or g is seed):
        g = g.copy()
    return g


def _given(grads: Any) -> tuple:
    """Gradients computed at once (`vjp_all`), as one VJP per input returning its own."""
    return tuple(lambda *_, gi=gi, **__: gi for gi in grads)


def edge_grad(node: Any, i: int, g: Any) -> Any:
    """What `node`, whose gradient is the ndarray `g`, sends back to its input `i`:
    its op's VJP, summed to the input's shape (the backward walk does the same,
    written out in its inner loop)."""
    op, out, args, params = node._op, node._data, inputs.args(node), node._params
    if op.vjps is None:
        gi = op.vjp_all(g, out, *args, **params)[i]
    else:
        gi = g if op.vjps[i] is passthrough else op.vjps[i](g, out, *args, **params)
    shape = np.shape(args[i])
    return gi if np.shape(gi) == shape else _unbroadcast(gi, shape, op, i)


def _to_input(gi: Any, shape: tuple, node: Any, i: int, anomaly: bool) -> Any:
    """`gi`, for input `i` of `node`, summed to the input's `shape` (and, under
    `detect_anomaly()`, checked for NaN and inf)."""
    if gi.shape != shape:
        gi = _unbroadcast(gi, shape, node._op, i)
    if anomaly:
        _check_grad(gi, node._op, i, node)
    return gi


def _unbroadcast(g: Any, shape: tuple, op: Op, i: int) -> Any:
    """Sum a broadcast gradient back to the `shape` of input `i`; one that does
    not sum to it (a user's VJP, or forward, of the wrong shape) is an error
    naming the op and the input."""
    try:
        if vjp_tools.is_value(g):
            g2 = ops.sum_to(g, shape=shape)
        elif g.shape[1:] == shape and g.dtype is not _F16:
            g2 = np.add.reduce(g, axis=0)  # the common case: a bias broadcast over a batch
        else:
            g2 = ops.sum_to.forward(g, shape=shape)
    except ValueError:  # NumPy cannot sum it to that shape
        g2 = None
    if g2 is None or g2.shape != shape:
        raise RuntimeError(f"{op.name}: the gradient for input {i} has shape {np.shape(g)}, "
                           f"which does not sum to that input's shape {shape} (a VJP returns "
                           f"a gradient of its input's shape, or of the output's broadcast shape)")
    return g2


def _check_grad(g: Any, op: Op, i: int, node: Any) -> None:
    """Raise `FloatingPointError` if the gradient for input `i` holds NaN or inf."""
    arr = vjp_tools.data(g)
    if not np.isfinite(arr).all():
        shapes = [np.shape(a) for a in inputs.args(node)]
        raise FloatingPointError(
            f"{op.name}: backward gradient for input {i} (of shape {shapes[i]}) holds NaN "
            f"or inf; input shapes {shapes}, output shape {np.shape(node._data)}")
