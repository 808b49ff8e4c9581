"""The ops of a recorded graph replayed without the engine (for benchmarks/anatomy.py).

`Replay(loss)` keeps, for each node of `loss`'s graph that requires grad, its op,
parameters and where each input comes from: an earlier op's output, a leaf that
requires grad (whose `.data` is read at each replay), or a constant. `forward()`
calls each op's forward in the order the nodes were made; `vjps()` calls each VJP,
newest op first, sums a broadcast gradient to its input's shape with the walk's own
`_unbroadcast`, and adds the gradients up in the walk's order, so that they equal the
walk's bit for bit. No Value or node is made and nothing is checked.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value
from autograd_core.backward import _unbroadcast, walk_order
from autograd_core.inputs import args as node_args, parents as node_parents
from autograd_core.registry import passthrough

__all__ = ["Replay"]


class Replay:
    """The ops of one recorded graph, in the order they ran, without the engine."""

    def __init__(self, loss: Value) -> None:
        made = [n for n in walk_order(loss) if n._op is not None][::-1]  # oldest first
        index = {id(n): k for k, n in enumerate(made)}
        self.leaves: list[Value] = []  # the Values that require grad and were made by no op
        self.tape = []  # per op: (op, params, sources, input shapes, which inputs get a grad)
        for n in made:
            sources, wants = [], []
            for p, a in zip(node_parents(n), node_args(n)):
                if p is None or not p.requires_grad:
                    sources.append(("const", a))  # a constant, or data that needs no grad
                    wants.append(False)
                elif id(p) in index:
                    sources.append(("node", index[id(p)]))
                    wants.append(True)
                else:
                    if all(p is not q for q in self.leaves):
                        self.leaves.append(p)
                    sources.append(("leaf", p))
                    wants.append(True)
            self.tape.append((n._op, n._params, sources, [np.shape(a) for a in node_args(n)],
                              wants))
        self.outs: list[Any] = []
        self.ins: list[list] = []

    def forward(self) -> Any:
        """Run every op's forward on the current data; return the loss."""
        outs, ins = [], []
        for op, params, sources, _, _ in self.tape:
            args = [outs[x] if kind == "node" else x._data if kind == "leaf" else x
                    for kind, x in sources]
            out = op.forward(*args, **params)
            if type(out) is np.ndarray and not out.ndim:
                out = out[()]  # as the engine holds a 0-d result
            outs.append(out)
            ins.append(args)
        self.outs, self.ins = outs, ins
        return outs[-1]

    def vjps(self) -> list:
        """Run every VJP of the last forward, newest op first; return the leaves' gradients."""
        outs = self.outs
        grads: list[Any] = [None] * len(outs)
        grads[-1] = outs[-1].dtype.type(1)
        leaf_grads: dict[int, Any] = {}
        for k in range(len(self.tape) - 1, -1, -1):
            op, params, sources, shapes, wants = self.tape[k]
            g, out, args = grads[k], outs[k], self.ins[k]
            given = op.vjp_all(g, out, *args, **params) if op.vjps is None else None
            for i, (kind, x) in enumerate(sources):
                if not wants[i]:
                    continue
                if given is not None:
                    gi = given[i]
                else:
                    vjp = op.vjps[i]
                    gi = g if vjp is passthrough else vjp(g, out, *args, **params)
                if np.shape(gi) != shapes[i]:
                    gi = _unbroadcast(gi, shapes[i], op, i)
                if kind == "node":
                    grads[x] = gi if grads[x] is None else grads[x] + gi
                else:
                    q = leaf_grads.get(id(x))
                    leaf_grads[id(x)] = gi if q is None else q + gi
        return [leaf_grads[id(p)] for p in self.leaves]
