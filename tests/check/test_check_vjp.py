"""`check.vjp` and `check.layer`: a learner's backward pass against finite
differences and the library's own op; every failure reported, never a crash."""
from __future__ import annotations

import numpy as np
import pytest

from autograd_core import check, op

RNG = np.random.default_rng(3)
X = RNG.standard_normal((4, 3))


def _rows(out: str) -> dict[str, str]:
    """The printed table: row name -> the rest of the line."""
    rows = {}
    for line in out.splitlines()[2:]:
        name, sep, rest = line.partition(")")
        rows[name + sep] = rest
    return rows


def tanh(x):
    return np.tanh(x)


def test_a_right_vjp_passes_both_references(capsys):
    assert check.vjp(tanh, lambda g, out, x: g * (1 - out ** 2), X)
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "check.vjp: tanh"
    rows = _rows(out)
    assert set(rows) == {"forward (vs library op 'tanh')", "dx (vs finite differences)",
                         "dx (vs library op 'tanh')"}
    assert all(r.split()[1] == "True" for r in rows.values())


def test_a_wrong_vjp_is_named_with_its_input(capsys):
    assert not check.vjp(tanh, lambda g, out, x: -g * (1 - out ** 2), X)
    rows = _rows(capsys.readouterr().out)
    assert "the wrong sign" in rows["dx (vs finite differences)"]
    assert "the wrong sign" in rows["dx (vs library op 'tanh')"]


def test_without_a_library_op_finite_differences_only(capsys):
    def cube(x):
        return x ** 3

    assert check.vjp(cube, lambda g, out, x: 3 * g * x ** 2, X)
    assert set(_rows(capsys.readouterr().out)) == {"dx (vs finite differences)"}
    assert not check.vjp(cube, lambda g, out, x: g * x ** 2, X)
    assert "off by a constant factor: /3" in capsys.readouterr().out
    assert not check.vjp(cube, lambda g, out, x: g * x ** 2 * 6, X)
    assert "off by a constant factor: x2" in capsys.readouterr().out


def test_two_inputs_each_named_and_broadcast_gradients_summed(capsys):
    def mul(a, b):
        return a * b

    a, b = RNG.standard_normal((4, 1)), RNG.standard_normal((1, 3))
    # As an op's VJPs: gradients of the output's shape, summed to each input's.
    assert check.vjp(mul, lambda g, out, a, b: (g * b, g * a), a, b)
    rows = _rows(capsys.readouterr().out)
    assert {"da (vs finite differences)", "db (vs library op 'mul')"} <= set(rows)
    # One VJP per input, as @op takes them.
    assert check.vjp(mul, (lambda g, out, a, b: g * b, lambda g, out, a, b: g * a), a, b)
    capsys.readouterr()
    # One gradient wrong: only its rows fail.
    assert not check.vjp(mul, lambda g, out, a, b: (g * b, g * a.T.sum()), a, b)
    rows = _rows(capsys.readouterr().out)
    assert rows["da (vs finite differences)"].split()[1] == "True"
    assert rows["db (vs finite differences)"].split()[1] == "False"


@pytest.mark.parametrize("vjp, says", [
    (lambda g, out, x: g[:2], "the wrong shape: (2, 3) vs (4, 3)"),
    (lambda g, out, x: None, "not computed yet: it is None"),
    (lambda g, out, x: (g, g), "the backward returned 2 gradient(s) for 1 input(s) (x)"),
    (lambda g, out, x: "g", "not an array of numbers: got str"),
])
def test_wrong_results_are_reported_not_crashed(vjp, says, capsys):
    assert not check.vjp(tanh, vjp, X)
    assert says in capsys.readouterr().out


def test_raising_code_is_reported(capsys):
    def unwritten(g, out, x):
        raise NotImplementedError("your code here")

    def in_place(g, out, x):
        g *= 1 - out ** 2
        return g

    assert not check.vjp(tanh, unwritten, X)
    assert "the backward is not written yet" in capsys.readouterr().out
    assert not check.vjp(tanh, in_place, X)
    assert "read-only" in capsys.readouterr().out

    def forward(x):
        raise NotImplementedError

    assert not check.vjp(forward, unwritten, X)
    assert "the forward is not written yet" in capsys.readouterr().out


def test_a_wrong_forward_is_caught_by_the_library_op(capsys):
    def exp(x):
        return np.exp(x) + 1

    assert not check.vjp(exp, lambda g, out, x: g * (out - 1), X)
    rows = _rows(capsys.readouterr().out)
    assert rows["forward (vs library op 'exp')"].split()[1] == "False"
    assert rows["dx (vs finite differences)"].split()[1] == "True"


def test_an_op_and_keyword_parameters(capsys):
    def lse_vjp(g, out, x, axis=-1):
        return np.expand_dims(g, axis) * np.exp(x - np.expand_dims(out, axis))

    @op(lse_vjp)
    def logsumexp(x, axis=-1):
        return np.log(np.exp(x).sum(axis=axis))

    for axis in (0, 1):
        assert check.vjp(logsumexp, lse_vjp, X, axis=axis)
    assert capsys.readouterr().out.startswith("check.vjp: logsumexp")


def test_strict(capsys):
    with pytest.raises(check.Mismatch, match=r"dx \(vs finite differences\)"):
        check.vjp(tanh, lambda g, out, x: g, X, strict=True)
    with check.strict(), pytest.raises(check.Mismatch, match="not written yet"):
        check.vjp(tanh, lambda g, out, x: (_ for _ in ()).throw(NotImplementedError()), X)


# -- CS231n's style: forward -> (out, cache), backward(dout, cache) -> grads ----------
def affine_forward(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.sum(0)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def batchnorm_forward(x, gamma, beta, bn_param):
    mu, var = x.mean(0), x.var(0)
    xhat = (x - mu) / np.sqrt(var + bn_param.get("eps", 1e-5))
    return gamma * xhat + beta, (xhat, gamma, var + bn_param.get("eps", 1e-5))


def batchnorm_backward(dout, cache):
    xhat, gamma, v = cache
    n = dout.shape[0]
    dxhat = dout * gamma
    dx = (n * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0)) / (n * np.sqrt(v))
    return dx, (dout * xhat).sum(0), dout.sum(0)


def test_cs231n_layers_pass(capsys):
    x, w, b = RNG.standard_normal((5, 2, 3)), RNG.standard_normal((6, 4)), RNG.standard_normal(4)
    assert check.layer(affine_forward, affine_backward, x, w, b)
    assert check.layer(relu_forward, relu_backward, X + 0.01)
    assert "library op 'relu'" in capsys.readouterr().out
    gamma, beta = RNG.standard_normal(3), RNG.standard_normal(3)
    assert check.layer(batchnorm_forward, batchnorm_backward, X, gamma, beta, {"eps": 1e-5})
    rows = _rows(capsys.readouterr().out)
    assert set(rows) == {"dx (vs finite differences)", "dgamma (vs finite differences)",
                         "dbeta (vs finite differences)"}


def test_cs231n_mistakes_are_named(capsys):
    x, w, b = RNG.standard_normal((5, 6)), RNG.standard_normal((6, 4)), RNG.standard_normal(4)

    def unsummed(dout, cache):
        dx, dw, db = affine_backward(dout, cache)
        return dx, dw, dout  # the bias gradient not summed over the batch

    assert not check.layer(affine_forward, unsummed, x, w, b)
    assert "(5, 4) vs (4,): sum over axis 0" in _rows(capsys.readouterr().out)[
        "db (vs finite differences)"]

    def transposed(dout, cache):
        dx, dw, db = affine_backward(dout, cache)
        return dx, dw.T, db

    assert not check.layer(affine_forward, transposed, x, w, b)
    assert "transposed: (4, 6) vs (6, 4)" in capsys.readouterr().out

    assert not check.layer(lambda x: np.tanh(x), relu_backward, x)
    assert "should return (out, cache)" in capsys.readouterr().out
