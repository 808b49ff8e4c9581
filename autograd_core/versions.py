"""The version check: a backward pass never uses data changed in place after
the forward pass that recorded it.

One process-wide clock ticks at every in-place change of a Value (an in-place
operator under `no_grad`, `v[idx] = x`, assigning `.data`, an optimizer's
step, loading a state dict) and stamps the changed Value. Each recorded node
is stamped with the clock's reading when it was made. The backward walk
compares a node's stamp with the clock: equal, nothing changed since (one
comparison per node, the whole cost on the hot path); older, it looks at the
node's inputs and raises if one of them was changed after the node was made.
"""
from __future__ import annotations

import itertools
from typing import Any

__all__ = ["clock", "bump_version", "bump_versions", "check_node"]


class _Clock:
    """The clock's reading (`now`), read by `value.apply` for every node."""

    __slots__ = ("now",)

    def __init__(self) -> None:
        self.now = 0


clock = _Clock()
"""The process-wide version clock; `clock.now` is its reading."""
_ticks = itertools.count(1)  # next() on it is atomic under the GIL


def bump_version(v: Any) -> None:
    """Record that `v`'s data was changed in place.

    Every change in place calls it: the in-place operators, `v[idx] = x`,
    assigning `.data`, an optimizer's step, `load_state_dict` (and so
    `nn.load`). Backward passes through ops recorded before now that need
    `v` will raise `RuntimeError`.

    Args:
        v: the Value changed.
    """
    t = next(_ticks)
    v._written = t
    clock.now = t


def bump_versions(values: list) -> None:
    """`bump_version` for each of `values`, with one tick of the clock for all
    (an optimizer's step changes its parameters at once).

    Args:
        values: the Values changed.
    """
    if values:
        t = next(_ticks)
        for v in values:
            v._written = t
        clock.now = t


def _describe(v: Any, k: int | None) -> str:
    name = f"{v.label!r}" if getattr(v, "label", "") else (
        "its output" if k is None else f"input {k}")
    return f"{name} (a Value of shape {v._data.shape})"


def check_node(node: Any) -> None:
    """Check that nothing `node`'s backward needs was changed in place after it was recorded.

    The backward walk calls it only for a node recorded before the clock's
    last tick. It looks at the node itself and, if its op's VJPs read them
    (`Op.needs_inputs`), at its inputs.

    Args:
        node: a Value produced by an op.

    Raises:
        RuntimeError: the node, or an input its op needs, was changed in place
            after the node was made; the message names the op and the Value
            (its label, else its position among the inputs) and its shape.
    """
    born = node._born
    op = node._op
    suspects = [(node, None)]
    if op.needs_inputs:
        suspects += [(p, k) for k, p in enumerate(node._parents) if p is not None]
    for v, k in suspects:
        if getattr(v, "_written", 0) > born:
            raise RuntimeError(
                f"backward through {op.name}: {_describe(v, k)} was changed in place after "
                f"the forward pass (an in-place operator, v[idx] = ..., assigning .data, an "
                f"optimizer step or a load), so the gradient would be computed from the new "
                f"data; run the forward pass again after changing it")
