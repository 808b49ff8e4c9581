"""A node's inputs, as its slots hold them, and the two ways to read them.

A node made by an op of one or two inputs (most nodes: `+`, `*`, `relu`, ...)
keeps them in four slots of its own: `_in0` and `_in1`, the input Values (None
where a constant entered, and `_in1` None after an op of one input), and
`_arg0` and `_arg1`, their data as the op saw it (`_arg1` None after an op of
one input: an input is never None). Any other node keeps them in `_many`, a
pair `(parents, args)` of tuples (`((), ())` for a leaf); `_many` is None when
the four slots are used.

Slots rather than two tuples per node: a Value is then the one object per node
that the garbage collector follows, instead of three (the tuples of parents and
of data). The collector's share of a long chain, GC on minus GC off, fell from
2.8 to 1.2 us per node (`benchmarks/run.py --only chain [--no-gc]`, a loaded
machine); the walk pays for it with two small tuples per node built as it goes.

The backward walk reads the slots inline, on its hot path; everything else
reads them through `parents` and `args`.
"""
from __future__ import annotations

from typing import Any

__all__ = ["LEAF", "parents", "args", "data"]

LEAF = ((), ())
"""The `_many` of a leaf: no parents, no data."""


def parents(node: Any) -> tuple:
    """The node's input Values in order, None where a constant entered; `()` for a leaf."""
    many = node._many
    if many is not None:
        return many[0]
    return (node._in0,) if node._arg1 is None else (node._in0, node._in1)


def args(node: Any) -> tuple:
    """The data of the node's inputs in order, as its op saw them; `()` for a leaf."""
    many = node._many
    return many[1] if many is not None else data(None, node._arg0, node._arg1)


def data(many: tuple | None, arg0: Any, arg1: Any) -> tuple:
    """The inputs' data from what the slots hold (`_many`, `_arg0`, `_arg1`), for
    `apply`, which has them before the node is made."""
    if many is not None:
        return many[1]
    return (arg0,) if arg1 is None else (arg0, arg1)
