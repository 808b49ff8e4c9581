"""An ndarray given as an operand is used as it was when the op ran: refilling
it afterwards (a batch buffer reused across batches) changes no gradient."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core import Value


def test_a_layer_fed_from_one_reused_buffer_accumulates_every_batch() -> None:
    lin = nn.Linear(2, 1, bias=False)
    buf = np.zeros((1, 2))
    losses = []
    for batch in ([[1.0, 2.0]], [[3.0, 4.0]]):
        buf[...] = batch  # the next batch is read into the same buffer
        losses.append(lin(buf).sum())
    buf[...] = 0.0
    for loss in losses:
        loss.backward()
    np.testing.assert_array_equal(lin.weight.grad.ravel(), [4.0, 6.0])


@pytest.mark.parametrize("use", [
    lambda v, a: v * a, lambda v, a: a * v, lambda v, a: np.multiply(v, a),
    lambda v, a: v @ a, lambda v, a: ag.maximum(v * a, a * 0.0) + 0 * v,
    lambda v, a: nn.functional.mse_loss(v, a, reduction="sum") * 0 + (v * a).sum(),
], ids=["mul", "rmul", "np.multiply", "matmul", "maximum", "mse target"])
def test_refilling_an_operand_after_the_op_changes_no_gradient(use) -> None:
    v = Value([1.0, 2.0])
    a = np.array([3.0, 5.0])
    out = use(v, a)
    a[...] = -100.0
    out.sum().backward()
    np.testing.assert_array_equal(v.grad, [3.0, 5.0])


def test_where_keeps_its_condition_as_it_was() -> None:
    mask = np.array([True, False])
    x = Value([1.0, 2.0])
    y = ag.where(mask, x, 0.0)
    mask[:] = [False, True]
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0])


def test_float32_and_float16_buffers_are_kept_too() -> None:
    for dtype in (np.float32, np.float16):
        v = Value(np.ones(2, dtype))
        a = np.array([2.0, 3.0], dtype)
        out = v * a
        a[...] = 0
        out.sum().backward()
        assert v.grad.dtype == dtype
        np.testing.assert_array_equal(v.grad, [2.0, 3.0])
