"""A VJP is handed read-only arrays (the output's gradient, the output and
the inputs), so a user's VJP that edits `g` in place (the habit from
`torch.autograd.Function` without `.clone()`) raises at once instead of
corrupting the gradient of a node that shares it."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value, op, registry

from op_table import ROWS


def _relu_editing_g(g, out, a):
    g[a < 0] = 0  # writes into the gradient it was handed
    return g


def _relu_vjp(g, out, a):
    return g * (a >= 0)


@op(_relu_editing_g)
def careless_relu(a):
    """max(a, 0);  d/da = 1 where a >= 0, else 0 (its VJP edits g in place)."""
    return np.maximum(a, 0)


@op(_relu_vjp)
def careful_relu(a):
    """max(a, 0);  d/da = 1 where a >= 0, else 0."""
    return np.maximum(a, 0)


def _shared(relu):
    x = Value([-1.0, 2.0, -3.0])
    h = x * 2  # h's gradient comes from two consumers
    (relu(h).sum() + h.sum()).backward()
    return x


def test_a_vjp_that_writes_into_g_raises_naming_the_op() -> None:
    with pytest.raises(ValueError, match="careless_relu: the VJP of input 0 wrote into an array"):
        _shared(careless_relu)


def test_a_vjp_that_makes_a_new_array_is_right() -> None:
    np.testing.assert_array_equal(_shared(careful_relu).grad, [2.0, 4.0, 2.0])


@pytest.mark.parametrize("target", ["out", "input"])
def test_out_and_inputs_are_read_only_too(target) -> None:
    def vjp(g, out, a):
        (out if target == "out" else a)[...] = 0.0
        return g

    @op(vjp, name=f"writes_{target}")
    def ident(a):
        """a;  d/da = 1."""
        return a * 1.0

    x = Value([1.0, 2.0])
    y = ident(x)
    with pytest.raises(ValueError, match=f"writes_{target}"):
        y.sum().backward()
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    np.testing.assert_array_equal(y.data, [1.0, 2.0])


def test_vjp_all_is_handed_read_only_arrays() -> None:
    def both(g, out, a, b):
        g *= 2
        return g, g

    @op(vjp_all=both)
    def add_all(a, b):
        """a + b;  d/da = d/db = 1."""
        return a + b

    with pytest.raises(ValueError, match="add_all: vjp_all wrote"):
        add_all(Value([1.0]), Value([2.0])).sum().backward()


def test_the_library_runs_its_own_vjps_unwrapped() -> None:
    for name, o in ag.OPS.items():
        for v in (o.vjps or ()) + ((o.vjp_all,) if o.vjp_all else ()):
            assert not hasattr(v, "unguarded"), name


def test_a_users_vjp_still_differentiates_twice() -> None:
    @op(lambda g, out, a: g * 3 * a * a)
    def cube(a):
        """a**3;  d/da = 3 a**2."""
        return a ** 3

    assert float(ag.grad(ag.grad(lambda x: cube(x)))(2.0)) == 12.0


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_librarys_vjps_never_write_into_what_they_are_handed(name, monkeypatch) -> None:
    for key, o in ag.OPS.items():
        if o.vjps is not None:
            monkeypatch.setattr(o, "vjps", tuple(registry._read_only(v, key, "vjp")
                                                 for v in o.vjps))
        if o.vjp_all is not None:
            monkeypatch.setattr(o, "vjp_all", registry._read_only(o.vjp_all, key, "vjp_all"))
    row = ROWS[name]
    rng = np.random.default_rng(0)
    for shapes in row.shapes:
        vs = [Value(x) for x in row.inputs(rng, shapes)]
        out = row.fn(*vs)
        out.backward(np.ones(out.shape))
        assert all(v.grad is not None for v in vs)
