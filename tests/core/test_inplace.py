"""In-place updates as PyTorch users write them, and the version check that
keeps a backward pass from using data changed after the forward pass."""
from __future__ import annotations

import numpy as np
import pytest

import nn
import optim
from autograd_core import Value, no_grad


def _stale(change) -> None:
    """Build y = sum(w * w), apply `change(w)`, and expect backward to refuse."""
    w = Value(np.array([1.0, 2.0]), label="w")
    y = (w * w).sum()
    change(w)
    with pytest.raises(RuntimeError, match=r"backward through mul: 'w' .*changed in place"):
        y.backward()


def _under_no_grad(fn):
    def run(w):
        with no_grad():
            fn(w)
    return run


@pytest.mark.parametrize("change", [
    _under_no_grad(lambda w: w.__iadd__(1.0)),
    _under_no_grad(lambda w: w.__isub__(np.array([0.5, 0.5]))),
    _under_no_grad(lambda w: w.__imul__(Value(2.0))),
    _under_no_grad(lambda w: w.__itruediv__(4)),
    _under_no_grad(lambda w: w.__ipow__(2)),
    _under_no_grad(lambda w: w.__setitem__(0, 7.0)),
    lambda w: setattr(w, "data", np.array([3.0, 4.0])),
    lambda w: setattr(w, "data", w.data + 1),
], ids=["+=", "-=", "*=", "/=", "**=", "v[idx] = x", ".data =", ".data = .data + 1"])
def test_every_change_in_place_makes_an_earlier_graph_refuse_backward(change) -> None:
    _stale(change)


def test_augmented_assignment_of_data_is_tracked() -> None:
    w = Value(np.array([1.0, 2.0]), label="w")
    y = (w * w).sum()
    w.data += 1  # the getter's array changed in place, then handed to the setter
    with pytest.raises(RuntimeError, match="'w'"):
        y.backward()


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), lambda ps: optim.Adam(ps),
    lambda ps: optim.AdamW(ps), lambda ps: optim.RMSProp(ps)])
def test_an_optimizer_step_makes_an_earlier_graph_refuse_backward(make) -> None:
    w = Value(np.array([1.0, 2.0]), label="w")
    y = (w * w).sum()
    opt = make([w])
    w.grad = np.array([2.0, 4.0])
    opt.step()
    w.grad = None
    with pytest.raises(RuntimeError, match="'w'"):
        y.backward()
    assert w.grad is None  # the refused pass changed nothing


def test_a_scalar_value_held_as_a_numpy_scalar_is_changed_and_tracked() -> None:
    a = Value(0.5, label="a")
    y = a * a
    with no_grad():
        a -= 0.25
    assert a.item() == 0.25 and a.requires_grad and a.op == ""
    with pytest.raises(RuntimeError, match="'a'"):
        y.backward()


def test_a_changed_intermediate_result_is_caught_through_its_own_output() -> None:
    x = Value(np.array([0.1, 0.2]))
    h = x.exp()  # exp's gradient uses its output
    y = h + 1.0  # add's does not
    with no_grad():
        h *= 2
    with pytest.raises(RuntimeError, match="backward through exp: its output"):
        y.backward(np.ones(2))


def test_changes_to_inputs_an_op_does_not_need_are_allowed() -> None:
    w = Value(np.array([1.0, 2.0]))
    y = (w + 1).sum()  # add's gradient does not read its inputs
    with no_grad():
        w += 1
    y.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_a_graph_built_after_the_change_backwards_normally() -> None:
    w = Value(np.array([1.0, 2.0]))
    with no_grad():
        w *= 3
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad, [6.0, 12.0])


def test_in_place_keeps_identity_shape_dtype_and_leaf() -> None:
    w = Value(np.ones(3, dtype=np.float32))
    arr = w.data
    with no_grad():
        w -= np.array([0.5, 1.0, 1.5])  # a float64 operand: the result is written as float32
        w[1] = 9
    assert w.data is arr and w.dtype == np.float32 and w.shape == (3,)
    assert w.requires_grad and w.op == "" and w.parents == ()
    np.testing.assert_array_equal(w.data, np.array([0.5, 9.0, -0.5], dtype=np.float32))


def test_in_place_result_of_another_shape_is_refused() -> None:
    w = Value(np.ones(3))
    with no_grad(), pytest.raises(ValueError, match=r"shape \(2, 3\).*shape \(3,\)"):
        w += np.ones((2, 3))
    np.testing.assert_array_equal(w.data, np.ones(3))


def test_recording_on_a_leaf_that_requires_grad_refuses_and_points_to_no_grad() -> None:
    w = Value(np.ones(2))
    with pytest.raises(RuntimeError, match=r"no_grad"):
        w -= 0.1
    with pytest.raises(RuntimeError, match=r"no_grad"):
        w[0] = 3.0
    np.testing.assert_array_equal(w.data, np.ones(2))


def test_recording_on_an_op_result_builds_a_new_node_as_in_micrograd() -> None:
    a = Value(2.0)
    c = a * 1.0
    c0 = c
    c += c + 1  # c = c + (c + 1)
    assert c is not c0 and c.op == "add"
    c.backward()
    assert a.grad.item() == 2.0


def test_pytorch_habit_trains_to_the_same_weights_as_sgd() -> None:
    X, y = nn.datasets.moons(64, noise=0.1, rng=0)
    loss_fn = nn.CrossEntropyLoss()
    by_hand, with_sgd = nn.MLP(2, [8, 2], rng=3), nn.MLP(2, [8, 2], rng=3)
    opt = optim.SGD(with_sgd.parameters(), lr=0.1)
    for _ in range(20):
        by_hand.zero_grad()
        loss_fn(by_hand(X), y).backward()
        with no_grad():
            for w in by_hand.parameters():
                w -= 0.1 * w.grad
        opt.zero_grad()
        loss_fn(with_sgd(X), y).backward()
        opt.step()
    for (n, a), (_, b) in zip(by_hand.named_parameters(), with_sgd.named_parameters()):
        assert a.requires_grad and a.op == ""
        np.testing.assert_allclose(a.data, b.data, rtol=0, atol=1e-15, err_msg=n)


def test_load_state_dict_and_nn_load_make_an_earlier_graph_refuse_backward(tmp_path) -> None:
    model = nn.Linear(2, 2, rng=0)
    x = np.ones((1, 2))
    saved = model.state_dict()
    nn.save(model, tmp_path / "m.npz")
    for load in (lambda: model.load_state_dict(saved), lambda: nn.load(model, tmp_path / "m.npz")):
        y = model(x).sum()
        load()
        with pytest.raises(RuntimeError, match="backward through linear"):
            y.backward()
        model(x).sum().backward()  # a graph built after the load is fine
