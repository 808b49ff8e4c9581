"""gradcheck and gradgradcheck with fast=True: one random direction, a handful of
evaluations whatever the size, and a clear failure pointing to fast=False."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import GradcheckError, Value, gradcheck, gradgradcheck, op


@op(lambda g, out, x: g * x * x)  # wrong on purpose: the derivative of x**3 is 3 x**2
def cube_wrong(x):
    """x ** 3, with a wrong derivative."""
    return x ** 3


def _detached_square_vjp(g, out, x):
    return g * 2 * (x.data if isinstance(x, Value) else x)  # x's data: a constant


@op(_detached_square_vjp)
def detached_square(x):
    """x * x, whose derivative 2x is right but is not itself differentiated."""
    return x * x


class Counted:
    """`fn`, counting its calls."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *args):
        self.calls += 1
        return self.fn(*args)


SIZES = [(2, 46), (46, 52), (52, 2)]  # an MLP of 2,688 weights and biases


def _mlp_inputs(rng):
    params = []
    for fan_in, fan_out in SIZES:
        params += [Value(rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)),
                   Value(0.1 * rng.standard_normal(fan_out))]
    return params


def _mlp_loss(X, y):
    def loss(*params):
        h = X
        for i in range(0, len(params) - 2, 2):
            h = (h @ params[i] + params[i + 1]).tanh()
        out = h @ params[-2] + params[-1]
        return ((out - y) ** 2).mean()
    return loss


def test_fast_gradcheck_of_an_mlp_takes_a_handful_of_evaluations():
    rng = np.random.default_rng(0)
    params = _mlp_inputs(rng)
    assert sum(p.size for p in params) == 2688
    X, y = rng.standard_normal((16, 2)), rng.standard_normal((16, 2))
    fn = Counted(_mlp_loss(X, y))
    assert gradcheck(fn, *params, fast=True)
    assert fn.calls <= 5  # against 2 * 2,688 + 1 for the element-by-element check


def test_fast_gradcheck_leaves_the_inputs_as_they_were():
    a = Value(np.array([0.5, -1.0, 2.0], dtype=np.float32))
    before = a.data.copy()
    assert gradcheck(lambda v: (v.tanh() * v).sum(), a, fast=True)
    assert a.data.dtype == np.float32 and np.array_equal(a.data, before) and a.grad is None


def test_fast_gradcheck_on_non_scalar_outputs_and_several_inputs():
    rng = np.random.default_rng(1)
    a, b = Value(rng.standard_normal((3, 4))), Value(rng.standard_normal((4, 2)))
    assert gradcheck(lambda u, v: (u @ v).sigmoid(), a, b, fast=True)
    assert gradcheck(lambda u, v: u.exp() * 2.0 + v, a, rng.standard_normal((3, 4)), fast=True)


def test_fast_gradcheck_rejects_a_wrong_user_op_and_points_to_the_table():
    x = Value(np.array([[1.0, 2.0], [3.0, 0.5]]))
    with pytest.raises(GradcheckError, match=r"gradcheck \(fast=True\).*fast=False") as info:
        gradcheck(lambda v: cube_wrong(v).sum(), x, fast=True)
    assert "one random direction" in str(info.value)
    with pytest.raises(GradcheckError, match=r"\(1, 0\)"):  # the table, as promised
        gradcheck(lambda v: cube_wrong(v).sum(), x)


def test_fast_gradgradcheck_on_a_smooth_op():
    rng = np.random.default_rng(2)
    a, b = Value(rng.standard_normal((3, 2))), Value(rng.standard_normal((2, 2)))
    fn = Counted(lambda u, v: ((u @ v).tanh() * u.sum()).sum())
    assert gradgradcheck(fn, a, b, fast=True)
    assert fn.calls <= 5


def test_fast_gradgradcheck_rejects_a_wrong_second_derivative():
    x = Value(np.array([0.5, -1.5, 2.0]))
    assert gradcheck(lambda v: detached_square(v).sum(), x, fast=True)  # first order is right
    with pytest.raises(GradcheckError, match=r"gradgradcheck \(fast=True\).*fast=False"):
        gradgradcheck(lambda v: detached_square(v).sum(), x, fast=True)
