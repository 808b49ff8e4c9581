"""The way back: the one topological sort, and the backward walk that calls
each op's VJPs, reduces broadcast gradients to their input's shape (here, in
one place, followed by a shape check) and accumulates them.

This module sits below `value.py`: it works on any node with the fields a
Value has, and never imports it.
"""
from __future__ import annotations

import threading
from typing import Any, Iterable

import numpy as np

from . import dual, ops
from .modes import current as _current_modes
from .registry import Op, passthrough
from .versions import check_node, clock as _clock

__all__ = ["toposort", "walk"]

_lock = threading.RLock()  # one backward pass at a time (re-entrant: a VJP may differentiate)

_ndarray = np.ndarray
_F16 = np.dtype(np.float16)  # summed through sum_to, which accumulates it in float32


def toposort(root: Any, include_constants: bool = False) -> list:
    """Nodes reachable from `root` in backward order: root first, every node
    before its parents. Iterative, so graphs of any depth work. Without
    `include_constants`, only nodes that require grad are visited."""
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
            for p in reversed(node._parents):
                if p is not None and p.requires_grad and p not in seen:
                    push(p)
    order.reverse()
    return order


def walk(root: Any, seed: Any, create_graph: bool, store: bool,
         targets: Iterable | None = None) -> dict:
    """Propagate `seed` from `root`. With `store`, accumulate into every
    node's `.grad`; return the gradients of `targets` (all nodes if None).

    A leaf's `.grad` is an array of its own, so that updating it in place
    (gradient clipping does) changes nothing else: the gradient is copied
    when it is the seed, a view (a reshape's or a slice's VJP), or its
    consumer's gradient passed on unchanged (see `_pass`).

    Backward passes run one at a time (two threads may share parameters,
    whose pending gradients live on the nodes). A pass that stops with an
    exception (KeyboardInterrupt, an anomaly, an error in a VJP or the
    version check) changes no `.grad` and leaves no pending gradient behind.
    """
    with _lock:
        order = toposort(root)
        try:
            return _propagate(order, root, seed, create_graph, store, targets)
        except BaseException:
            for node in order:
                node._pending = None
            raise


def _propagate(order: list, root: Any, seed: Any, create_graph: bool, store: bool,
               targets: Iterable | None) -> dict:
    """The walk itself (see `walk`): `order` is the toposort of `root`."""
    keep = None if targets is None else set(targets)
    result = {}
    stored = []  # (node, gradient), written to .grad once the whole pass has succeeded
    anomaly = _current_modes().anomaly
    now = _clock.now
    root._pending = seed
    # Every node in `order` receives its whole gradient before it is reached.
    for node in order:
        g = node._pending
        node._pending = None
        d = node._data
        if (type(g) is _ndarray or type(g) is not type(d)) and not create_graph:
            gd = g.dtype
            if gd is not d.dtype and gd != d.dtype:
                g = g.astype(d.dtype)
        if store:
            if node._op is None and type(g) is _ndarray and (g.base is not None or g is seed):
                g = g.copy()
            stored.append((node, g))
        if keep is None:
            if not store:
                result[node] = g
        elif node in keep:
            result[node] = g
        op = node._op
        if op is None:
            continue
        if node._born < now:  # something changed in place since this node was recorded
            check_node(node)
        params = node._params
        if create_graph:
            out, args = node, node.parents
        else:
            out = d
            args = node._args
        vjps = op.vjps
        if vjps is None:
            grads = op.vjp_all(g, out, *args, **params)
            for i, p in enumerate(node._parents):
                if p is not None and p.requires_grad:
                    _send(p, grads[i], op, node, anomaly, i, g)
            continue
        # The backward hot path: each input's VJP, then accumulate.
        i = -1
        for p in node._parents:
            i += 1
            if p is None or not p.requires_grad:
                continue
            vjp = vjps[i]
            if vjp is passthrough:
                gi = g
            else:
                gi = vjp(g, out, *args, **params) if params else vjp(g, out, *args)
            if anomaly or gi.shape != p._data.shape:
                _send(p, gi, op, node, anomaly, i, g)
            else:
                # _pass inline: this runs once per edge of the graph.
                q = p._pending
                if q is not None:
                    p._pending = q + gi
                elif gi is not g or p._op is not None or type(g) is not _ndarray:
                    p._pending = gi
                else:
                    p._pending = g.copy()
    for node, g in stored:
        node._grad = g if node._grad is None else node._grad + g
    return result


def _send(p: Any, gi: Any, op: Op, node: Any, anomaly: bool, i: int, g: Any) -> None:
    """Accumulate `gi` into input `p` (input `i` of `node`, whose gradient is
    `g`), reducing it to p's shape first."""
    if gi.shape != p._data.shape:
        gi = _unbroadcast(gi, p._data.shape, op)
    if anomaly:
        _check_grad(gi, op, i, node)
    _pass(p, gi, g)


def _pass(p: Any, gi: Any, g: Any) -> None:
    """Add `gi` to the gradient pending for `p`. A leaf that would receive its
    consumer's gradient array `g` itself (a VJP that passes it through)
    gets a copy, so that no two nodes' `.grad` share memory."""
    q = p._pending
    if q is not None:
        p._pending = q + gi
    elif gi is not g or p._op is not None or type(g) is not _ndarray:
        p._pending = gi
    else:
        p._pending = g.copy()


def _unbroadcast(g: Any, shape: tuple, op: Op) -> Any:
    """Sum a broadcast gradient back to the input's `shape`; then check it."""
    if dual.is_value(g):
        g2 = ops.sum_to(g, shape=shape)
    elif g.shape[1:] == shape and g.dtype is not _F16:
        g2 = np.add.reduce(g, axis=0)  # the common case: a bias broadcast over a batch
    else:
        g2 = ops.sum_to.forward(g, shape=shape)
    if g2.shape != shape:
        raise RuntimeError(f"{op.name}: backward produced a gradient of shape {g.shape} "
                           f"for an input of shape {shape}")
    return g2


def _check_grad(g: Any, op: Op, i: int, node: Any) -> None:
    """Raise `FloatingPointError` if the gradient for input `i` holds NaN or inf."""
    arr = dual.data(g)
    if not np.isfinite(arr).all():
        shapes = [np.shape(a) for a in node._args]
        raise FloatingPointError(
            f"{op.name}: backward gradient for input {i} (of shape {shapes[i]}) holds NaN "
            f"or inf; input shapes {shapes}, output shape {np.shape(node._data)}")
