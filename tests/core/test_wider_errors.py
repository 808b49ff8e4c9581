"""Bad input to the wider op set: a clear error naming the function and the
argument, never a raw NumPy traceback."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value

X = Value(np.arange(12.0).reshape(3, 4))


@pytest.mark.parametrize("call,error,match", [
    (lambda: ag.var(X, 2), ValueError, r"^var: axis 2 is out of range"),
    (lambda: ag.cumsum(X, dim=-3), ValueError, r"^cumsum: axis -3 is out of range"),
    (lambda: ag.sort(X, 5), ValueError, r"^sort: axis 5"),
    (lambda: ag.flip(X, 3), ValueError, r"^flip: axis 3"),
    (lambda: ag.var(X, axis=0, dim=0), TypeError, r"^var: give axis= or dim="),
    (lambda: ag.prod(X, keepdims=True, keepdim=True), TypeError, r"^prod: give keepdims= or keepdim="),
    (lambda: ag.std(X, ddof=1, correction=1), TypeError, r"^std: give ddof= or correction="),
    (lambda: ag.einsum("ij,jk->ik", X), ValueError, r"^einsum: .*2 operands, 1 given"),
    (lambda: ag.einsum("ij,jk->ik", X, X), ValueError, r"^einsum: index 'j' has sizes 4 and 3"),
    (lambda: ag.einsum("i!->i", X), ValueError, r"^einsum: .*do not parse"),
    (lambda: ag.einsum("ijk->i", X), ValueError, r"^einsum: term 'ijk' has 3 letters"),
    (lambda: ag.einsum("ij->q", X), ValueError, r"^einsum: output 'q'"),
    (lambda: ag.einsum(3, X), TypeError, r"^einsum: subscripts must be a string"),
    (lambda: ag.tensordot(X, X, 1), ValueError, r"^tensordot: axis 1 of shape \(3, 4\) and axis 0"),
    (lambda: ag.tensordot(X, X, ((0,), (5,))), ValueError, r"^tensordot: axis 5 is out of range"),
    (lambda: ag.split(X, [1, 1], dim=0), ValueError, r"^split: sizes \[1, 1\] do not add up to 3"),
    (lambda: np.split(X, 3, axis=1), ValueError, r"^split: 3 sections do not divide axis 1 of length 4"),
    (lambda: ag.chunk(X, 0), ValueError, r"^chunk: chunks must be positive"),
    (lambda: ag.topk(X, 5), ValueError, r"^topk: k=5 is out of range for axis 1 of size 4"),
    (lambda: ag.topk(X, 1.5), TypeError, r"^topk: k must be an int"),
    (lambda: ag.astype(X, np.int64), TypeError, r"^astype: a Value holds float16, float32 or float64, not int64"),
    (lambda: ag.astype(X, np.complex128), TypeError, r"^astype: .* not complex128"),
    (lambda: ag.astype(X, "bogus"), TypeError, r"^astype: 'bogus' is not a dtype"),
    (lambda: ag.gather(X, 1, np.array([[4]])), IndexError, r"^gather: index out of range for axis 1 of size 4"),
    (lambda: ag.gather(X, 1, np.array([0])), ValueError, r"^gather: index of shape \(1,\) needs as many dimensions"),
    (lambda: ag.gather(X, 0, np.array([[0.5]])), TypeError, r"^gather: index must hold integers"),
    (lambda: ag.index_select(X, 0, np.array([3])), IndexError, r"^index_select: index out of range"),
    (lambda: ag.masked_fill(X, np.ones(4), 0.0), TypeError, r"^masked_fill: mask must be boolean"),
    (lambda: ag.masked_fill(X, np.ones(3, bool), 0.0), ValueError, r"^masked_fill: mask of shape \(3,\)"),
    (lambda: ag.pad(X, (1,)), ValueError, r"^pad: 1 widths for a Value of shape \(3, 4\)"),
    (lambda: ag.pad(X, (-3, -2)), ValueError, r"^pad: widths \(-3, -2\) crop 5 elements from axis 1 of shape \(3, 4\)"),
    (lambda: ag.pad(X, (0, 0, 2, -4)), ValueError, r"^pad: widths .* crop 4 elements from axis 0"),
    (lambda: np.pad(X, ((0, 0), (1, -1))), ValueError, r"^np.pad: pad_width must be non-negative"),
    (lambda: ag.einsum("...ij,...jk", np.ones((2, 3, 4)), np.ones((5, 4, 6))), ValueError,
     r"^einsum: axes under '...' that do not broadcast have sizes 2 and 5"),
    (lambda: ag.repeat(X, 2), ValueError, r"^repeat: 1 sizes for a Value of shape \(3, 4\)"),
    (lambda: ag.repeat_interleave(X, np.array([1, 2]), dim=0), ValueError, r"^repeat_interleave: 2 repeats for 3"),
    (lambda: ag.expand(X, 2, 4), ValueError, r"^expand: shape \(3, 4\) does not broadcast to \(2, 4\)"),
    (lambda: ag.roll(X, (1, 2), 0), ValueError, r"^roll: 2 shifts for 1 axes"),
    (lambda: ag.diagonal(Value([1.0, 2.0])), ValueError, r"^diagonal: needs at least 2 dimensions"),
    (lambda: ag.diagonal(X, 0, 1, 1), ValueError, r"^diagonal: axes 1 and 1"),
    (lambda: ag.tril(Value([1.0])), ValueError, r"^tril: needs at least 2 dimensions"),
    (lambda: ag.norm(X, "fro"), TypeError, r"^norm: p must be a number"),
    (lambda: np.linalg.norm(X, 2), TypeError, r"^np.linalg.norm: ord=2 on a matrix"),
    (lambda: np.pad(X, 1, mode="reflect"), TypeError, r"^np.pad: mode='reflect' is not supported"),
    (lambda: ag.randn(2, rng="seed"), TypeError, r"^rng must be an int seed or a numpy.random.Generator"),
    (lambda: ag.arange(0, 3, 0), ValueError, r"^arange: step must not be 0"),
    (lambda: ag.linspace(0, 1, -1), ValueError, r"^linspace: steps must be a non-negative int"),
])
def test_bad_input_names_the_function_and_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
