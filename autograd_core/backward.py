"""The way back: the one topological sort, and the backward walk that calls
each op's VJPs, reduces broadcast gradients to their input's shape (here, in
one place, followed by a shape check) and accumulates them."""
from __future__ import annotations

from sys import getrefcount
from typing import Any, Iterable

import numpy as np

from . import engine, ops
from .engine import Op, enable_grad, passthrough
from .value import Value

_ndarray = np.ndarray


def toposort(root: "Value", include_constants: bool = False) -> list:
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


def _walk(root: "Value", seed: Any, create_graph: bool, store: bool,
          targets: Iterable | None = None) -> dict:
    """Propagate `seed` from `root`. With `store`, accumulate into every
    node's `.grad`; return the gradients of `targets` (all nodes if None)."""
    order = toposort(root)
    keep = None if targets is None else set(targets)
    result = {}
    anomaly = engine._anomaly
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
            if node._grad is None:
                # A leaf gets an array of its own: VJPs may pass the same array
                # (or a view of it) to several inputs. Here g is referenced by
                # this frame and getrefcount's argument; any other reference
                # (another node's grad or pending gradient) means it is shared.
                if node._op is None and type(g) is _ndarray and (
                        g.base is not None or getrefcount(g) > 2):
                    g = g.copy()
                node._grad = g
            else:
                node._grad = node._grad + g
        if keep is None:
            if not store:
                result[node] = g
        elif node in keep:
            result[node] = g
        op = node._op
        if op is None:
            continue
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
                    _send(p, grads[i], op, node, anomaly, i)
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
                _send(p, gi, op, node, anomaly, i)
            else:
                q = p._pending
                p._pending = gi if q is None else q + gi
    return result


def _send(p: "Value", gi: Any, op: Op, node: "Value", anomaly: bool, i: int) -> None:
    """Accumulate `gi` into input `p` (input `i` of `node`), reducing it to p's shape first."""
    if gi.shape != p._data.shape:
        gi = _unbroadcast(gi, p._data.shape, op)
    if anomaly:
        _check_grad(gi, op, i, node)
    q = p._pending
    p._pending = gi if q is None else q + gi


def _unbroadcast(g: Any, shape: tuple, op: Op) -> Any:
    """Sum a broadcast gradient back to the input's `shape`; then check it."""
    if isinstance(g, Value):
        g2 = ops.sum_to(g, shape=shape)
    elif g.shape[1:] == shape:
        g2 = np.add.reduce(g, axis=0)  # the common case: a bias broadcast over a batch
    else:
        g2 = ops.sum_to.forward(g, shape=shape)
    if g2.shape != shape:
        raise RuntimeError(f"{op.name}: backward produced a gradient of shape {g.shape} "
                           f"for an input of shape {shape}")
    return g2


def _check_grad(g: Any, op: Op, i: int, node: "Value") -> None:
    arr = g._data if isinstance(g, Value) else g
    if not np.isfinite(arr).all():
        shapes = [np.shape(a) for a in node._args]
        raise FloatingPointError(
            f"{op.name}: backward gradient for input {i} (of shape {shapes[i]}) holds NaN "
            f"or inf; input shapes {shapes}, output shape {np.shape(node._data)}")


def _seed(root: "Value", grad: Any, create_graph: bool) -> Any:
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
            try:
                seed = np.array(grad, dtype=data.dtype)  # a copy
            except (TypeError, ValueError):
                raise TypeError(f"backward: grad of type {type(grad).__name__} "
                                "is not an array") from None
        if np.shape(seed) != data.shape:
            raise ValueError(f"backward: grad has shape {np.shape(seed)} but the Value has "
                             f"shape {data.shape}")
    if create_graph and not isinstance(seed, Value):
        seed = Value(seed, requires_grad=False)
    return seed


def compute_grads(root: "Value", grad: Any = None, targets: Iterable | None = None,
                  create_graph: bool = False) -> dict:
    """Gradients of `root` with respect to `targets` (every node if None),
    as a dict Value -> gradient, without touching any `.grad`."""
    seed = _seed(root, grad, create_graph)
    if create_graph:
        with enable_grad():
            return _walk(root, seed, True, False, targets)
    found = _walk(root, seed, False, False, targets)
    return {v: g if type(g) is _ndarray else np.asarray(g) for v, g in found.items()}

