"""A leaf's `.grad` is an array of its own: updating it in place (as gradient
clipping does) changes no other node's gradient and no user array."""
from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Value, concat, op, stack
from autograd_core.backward import toposort


@op(lambda g, out, a: g)  # passes its consumer's gradient through unchanged
def identity(a):
    """a;  d/da = 1."""
    return a.copy()


CASES = {
    "add": lambda a, b: (a + b) * 2,
    "sub": lambda a, b: a - b,
    "reshape": lambda a, b: (a.reshape(6) * b.reshape(6)).reshape(2, 3),
    "slices": lambda a, b: a[0:1] + b[1:2],
    "transpose": lambda a, b: a.T.T + b,
    "concat": lambda a, b: concat([a, b], axis=0)[:2] * 1.0,
    "stack": lambda a, b: stack([a, b])[0] + 0.0,
    "user identity": lambda a, b: identity(a) + identity(b),
    "broadcast": lambda a, b: a + b[0],
}


def _grads(root: Value) -> list[np.ndarray]:
    return [n.grad for n in toposort(root) if n.grad is not None]


@pytest.mark.parametrize("name", CASES)
def test_leaf_grads_share_no_memory(name: str) -> None:
    a = Value(np.arange(6.0).reshape(2, 3))
    b = Value(np.ones((2, 3)))
    out = CASES[name](a, b)
    seed = np.ones(out.shape)
    out.backward(seed.copy())
    grads = _grads(out)
    for leaf in (a, b):
        for other in grads:
            if other is not leaf.grad:
                assert not np.shares_memory(leaf.grad, other), name
    assert not np.shares_memory(a.grad, b.grad)


def test_root_leaf_gets_a_copy_of_a_value_seed() -> None:
    x = Value(np.zeros(3))
    seed = Value(np.ones(3))
    x.backward(seed)
    assert not np.shares_memory(x.grad, seed.data)
    x.grad *= 5
    np.testing.assert_array_equal(seed.data, np.ones(3))


def test_in_place_update_of_a_leaf_grad_changes_nothing_else() -> None:
    for name, fn in CASES.items():
        a = Value(np.arange(6.0).reshape(2, 3))
        b = Value(np.ones((2, 3)))
        out = fn(a, b)
        out.backward(np.ones(out.shape))
        before = [g.copy() for g in _grads(out)]
        ids = [id(g) for g in _grads(out)]
        a.grad *= 0.5
        b.grad *= 0.5
        for g0, g, i in zip(before, _grads(out), ids):
            if g is not a.grad and g is not b.grad:
                np.testing.assert_array_equal(g, g0, err_msg=name)
