"""Errors that name what is wrong, and results that match PyTorch at the edges
that other projects' test suites reach."""
from __future__ import annotations

import re

import numpy as np
import pytest

import nn
from autograd_core import Value, gradcheck, gradgradcheck
from autograd_core.cli.app import main


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
@pytest.mark.parametrize("kw", [{"eps": 0}, {"eps": -1e-6}, {"eps": float("nan")},
                                {"atol": -1.0}, {"rtol": float("inf")}])
@pytest.mark.parametrize("fast", [False, True])
def test_gradcheck_refuses_a_step_or_tolerance_it_cannot_use(check, kw, fast) -> None:
    name = next(iter(kw))
    with pytest.raises(ValueError, match=f"{check.__name__}: {name}"):
        check(lambda x: (x * x).sum(), Value([1.0, 2.0]), fast=fast, **kw)


@pytest.mark.parametrize("dtype, bad", [(np.uint64, 2 ** 64 - 1), (np.uint64, 2 ** 63 + 5),
                                        (np.uint8, 3), (np.float64, 1e30)])
def test_a_class_index_out_of_range_is_named_as_given(dtype, bad) -> None:
    target = np.array([1, bad], dtype=dtype)
    with pytest.raises(ValueError, match=re.escape(f"class index {bad!r} is out of range")):
        nn.functional.cross_entropy(Value(np.zeros((2, 3))), target)


@pytest.mark.parametrize("a, b", [(Value(3.14), Value(3.14)), (Value([1.0, 2.0]), Value(2.0)),
                                  (Value(2.0), np.ones(2)), (Value([1.0]), 2.0)])
def test_matmul_with_a_0d_operand_is_a_value_error_naming_the_op_and_shapes(a, b) -> None:
    with pytest.raises(ValueError, match=r"matmul: .*shapes \(.*\) and \(.*\).*at least one dim"):
        a @ b


def test_dropout_with_p_one_zeroes_everything_in_training() -> None:
    drop = nn.Dropout(1.0, rng=0)
    x = Value(np.arange(1.0, 7.0).reshape(2, 3))
    y = drop(x)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, np.zeros((2, 3)))
    np.testing.assert_array_equal(x.grad, np.zeros((2, 3)))
    assert drop.eval()(x) is x
    with pytest.raises(ValueError, match="Dropout"):
        nn.Dropout(1.0000001)


def test_the_cli_reports_running_out_of_memory_in_one_line(tmp_path, capsys) -> None:
    argv = ["train", "--dataset", "xor", "--hidden", "100000000,100000000", "--epochs", "1",
            "--out", str(tmp_path)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "out of memory" in err and "--hidden" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("cond", ["False", None, b"0", ["a", "b"]])
def test_where_refuses_a_condition_that_is_not_real_numbers(cond) -> None:
    import autograd_core as ag
    with pytest.raises(TypeError, match="where: cond"):
        ag.where(cond, Value([1.0, 2.0]), Value([3.0, 4.0]))


@pytest.mark.parametrize("argnums, error", [(0.0, TypeError), ("0", TypeError), ((0, 1.0), TypeError),
                                            ((), ValueError), (True, TypeError)])
def test_grad_refuses_argnums_that_are_not_positions(argnums, error) -> None:
    import autograd_core as ag
    with pytest.raises(error, match="grad: argnums"):
        ag.grad(lambda x: (x * x).sum(), argnums=argnums)(np.array([1.0]))


def test_grad_with_a_repeated_argnum_gives_arrays_for_arrays() -> None:
    import autograd_core as ag
    f = lambda x, y: (x * x * y).sum()  # noqa: E731
    g0, g1, g2 = ag.grad(f, argnums=(0, 0, -2))(np.array([1.0, 2.0]), np.array([3.0, 1.0]))
    for g in (g0, g1, g2):
        assert type(g) is np.ndarray
        np.testing.assert_array_equal(g, [6.0, 4.0])


def test_a_users_op_with_a_gradient_of_the_wrong_shape_is_named() -> None:
    from autograd_core import op

    @op(lambda g, out, x: np.ones(5))
    def five(x):
        """x * 2;  d/dx = 2 (its VJP returns the wrong shape)."""
        return x * 2

    @op(lambda g, out, x: g)
    def one_number(x):
        """a Python float;  d/dx = 1 (its forward drops the shape)."""
        return 1.5

    for fn in (five, one_number):
        with pytest.raises(RuntimeError, match=rf"{fn.name}: .*input 0.* shape \(2,\)"):
            fn(Value([1.0, 2.0])).sum().backward()


@pytest.mark.parametrize("bad", [1j, "1", None, np.array([1 + 1j])])
def test_value_names_its_data_argument(bad) -> None:
    with pytest.raises(TypeError, match="Value: expected real numbers for data"):
        Value(bad)


def test_clip_with_lo_above_hi_gives_hi_and_no_gradient_as_pytorch() -> None:
    x = Value([0.5, 1.5, 2.5])
    y = x.clip(2.0, 1.0)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


def test_clip_with_array_bounds_is_elementwise() -> None:
    x = Value([0.5, 1.5, 2.5])
    lo, hi = np.array([1.0, 0.0, 0.0]), np.array([2.0, 1.0, 3.0])
    y = x.clip(lo, hi)
    lo[...], hi[...] = 9.0, 9.0  # the bounds as they were when clip ran
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [1.0, 1.0, 2.5])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])
    with pytest.raises(TypeError, match="clip"):
        x.clip(Value(0.0), 1.0)


def test_second_derivative_of_x_to_the_zero_at_zero_is_zero() -> None:
    import autograd_core as ag
    for e in (0.0, 0):
        assert float(ag.grad(ag.grad(lambda x: x ** e))(0.0)) == 0.0
        assert float(ag.grad(ag.grad(lambda x: x ** e))(2.0)) == 0.0


def test_an_index_array_refilled_after_indexing_changes_no_gradient() -> None:
    x = Value([1.0, 2.0, 3.0])
    idx = np.array([0, 0, 2])
    y = x[idx]
    idx[...] = 1
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad, [4.0, 0.0, 6.0])
