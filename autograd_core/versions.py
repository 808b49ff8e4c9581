"""The version check: a backward pass never uses data changed in place after
the forward pass that recorded it.

One process-wide clock ticks at every in-place change of a Value (an in-place
operator under `no_grad`, `v[idx] = x`, assigning `.data`, an optimizer's
step, loading a state dict), and stamps the changed Value and the memory it
wrote into; `clock.now` is the tick of the last change. It also ticks at
every node recorded, and stamps the node (`_born`): so the stamps give the
order in which nodes were made, the order the backward walk follows (newest
first), and whether something changed after a node was made. The backward
walk compares a node's stamp with `clock.now`: newer, nothing changed since
(one comparison per node, the whole cost on the hot path); older, it looks
at the node's output and inputs and raises if one of them was changed after
the node was made.

Values that share memory share the check, as PyTorch's views share their
base's version counter: a write stamps the array that owns the memory
written (the end of the `.base` chain), and the check looks at the owner of
each array the node's VJPs read. So a view (basic indexing, `reshape`,
`transpose`, `detach()`, and any op whose forward returns a NumPy view, a
user's included) and its base are versioned together, with nothing to
declare and no cost when nothing was written.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Any

import numpy as np

from . import inputs

__all__ = ["clock", "tick", "bump_version", "bump_versions", "check_node"]


class _Clock:
    """The tick of the last change in place (`now`), read once per backward pass."""

    __slots__ = ("now",)

    def __init__(self) -> None:
        self.now = 0


clock = _Clock()
"""The process-wide version clock; `clock.now` is the tick of the last change in place."""
_ticks = itertools.count(1)  # next() on it is atomic under the GIL
tick = _ticks.__next__
"""The clock's next tick (an int larger than every tick before): `node.apply`
stamps each node it records with one."""


# id(the array that owns some memory) -> the clock's reading at the last write
# into that memory. An id reused by a later array carries an older reading
# than any node that array can be saved by, so a stale entry never makes the
# check raise; `_watched` holds a weak reference per entry that removes it
# when its array dies.
_memory: dict[int, int] = {}
_watched: dict[int, Any] = {}
_ndarray = np.ndarray


def _owner(a: Any) -> Any:
    """The object that owns `a`'s memory: the end of its `.base` chain."""
    base = getattr(a, "base", None)
    while base is not None:
        a, base = base, getattr(base, "base", None)
    return a


def _forget(key: int) -> Any:
    def forget(ref: Any) -> None:
        _memory.pop(key, None)
        _watched.pop(key, None)
    return forget


def _watch(key: int, owner: Any) -> None:
    """Remove `key`'s entry when `owner` dies (an owner without weak references,
    such as bytes, keeps it, harmlessly)."""
    try:
        _watched[key] = weakref.ref(owner, _forget(key))
    except TypeError:
        _watched[key] = None


def _memory_written(data: Any) -> int:
    """The clock's reading at the last write into the memory of `data` (0: never)."""
    return _memory.get(id(_owner(data)), 0)


def bump_version(v: Any, memory: bool = True) -> None:
    """Record that `v`'s data was changed in place.

    Every change in place calls it: the in-place operators, `v[idx] = x`,
    assigning `.data`, an optimizer's step, `load_state_dict` (and so
    `nn.load`). Backward passes through ops recorded before now that need
    `v`, or another Value sharing the memory written, will raise `RuntimeError`.

    Args:
        v: the Value changed.
        memory: whether its data was written into (every Value sharing that
            memory is changed too); False when `v` was given a new array
            (assigning `.data`), which changes no other Value.
    """
    t = next(_ticks)
    v._written = t
    if memory:
        _stamp([v], t)
    clock.now = t


def bump_versions(values: list) -> None:
    """`bump_version` for each of `values` (whose data were written into), with
    one tick of the clock for all (an optimizer's step changes its parameters at once).

    Args:
        values: the Values changed.
    """
    if values:
        t = next(_ticks)
        _stamp(values, t)
        clock.now = t


def _stamp(values: list, t: int) -> None:
    """Stamp each Value, and the memory its data lives in, as written at `t`.
    A NumPy scalar (a 0-d Value's data) is replaced, never written into."""
    memory, watched = _memory, _watched
    for v in values:
        v._written = t
        d = v._data
        if type(d) is _ndarray:
            base = d.base  # the owner for most: an optimizer's parameters own their data
            owner = d if base is None else _owner(base)
            key = id(owner)
            memory[key] = t
            if key not in watched:
                _watch(key, owner)


def _describe(v: Any, k: int | None) -> str:
    name = f"{v.label!r}" if getattr(v, "label", "") else (
        "its output" if k is None else f"input {k}")
    return f"{name} (a Value of shape {v._data.shape})"


def check_node(node: Any) -> None:
    """Check that nothing `node`'s backward needs was changed in place after it was recorded.

    The backward walk calls it only for a node recorded before the clock's
    last tick. It looks at the node itself and, if its op's VJPs read them
    (`Op.needs_inputs`), at its inputs: at each Value, and at the memory of
    the array that the VJPs read (written through another Value that shares
    it, a view or the base of one).

    Args:
        node: a Value produced by an op.

    Raises:
        RuntimeError: the node, or an input its op needs, was changed in place
            after the node was made; the message names the op and the Value
            (its label, else its position among the inputs) and its shape.
    """
    born = node._born
    op = node._op
    suspects = [(node, None, node._data)]
    if op.needs_inputs:  # an input entered as a constant array is a suspect too (a view)
        suspects += [(p, k, a) for k, (p, a) in enumerate(zip(inputs.parents(node),
                                                                inputs.args(node)))]
    for v, k, data in suspects:
        itself = v is not None and getattr(v, "_written", 0) > born
        if itself or _memory_written(data) > born:
            v = node.parents[k] if v is None else v
            how = "" if itself else (" through a Value that shares its memory (a view such as "
                                     "v[0:2], reshape, .T or detach())")
            raise RuntimeError(
                f"backward through {op.name}: {_describe(v, k)} was changed in place{how} after "
                f"the forward pass (an in-place operator, v[idx] = ..., assigning .data, an "
                f"optimizer step or a load), so the gradient would be computed from the new "
                f"data; run the forward pass again after changing it")
