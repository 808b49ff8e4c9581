"""Losses in nn.functional and their classes, against PyTorch and by hand."""

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd_core import Value

REDUCTIONS = ["mean", "sum", "none"]


def torch_or_skip():
    return pytest.importorskip("torch")


def _data(seed=0):
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=(6, 3))


def _run_ours(fn, x_np, target, reduction, g_np):
    x = Value(x_np)
    out = fn(x, target, reduction=reduction)
    out.backward(None if reduction != "none" else g_np)
    return out.data, x.grad


def _run_torch(torch, fn, x_np, target, reduction, g_np):
    tx = torch.tensor(x_np, requires_grad=True)
    out = fn(tx, target, reduction=reduction)
    out.backward(None if reduction != "none" else torch.from_numpy(g_np))
    return out.detach().numpy(), tx.grad.numpy()


def _compare(ours, theirs):
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "binary_cross_entropy_with_logits"])
def test_elementwise_losses_match_torch(name, reduction):
    torch = torch_or_skip()
    rng, x = _data()
    y = rng.uniform(size=x.shape) if "entropy" in name else rng.normal(size=x.shape)
    if "entropy" in name:
        x = x * 30  # large logits too
    g = rng.normal(size=x.shape)
    ours = _run_ours(getattr(F, name), x, y, reduction, g)
    theirs = _run_torch(torch, getattr(torch.nn.functional, name), x, torch.from_numpy(y),
                        reduction, g)
    _compare(ours, theirs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_matches_torch(reduction):
    torch = torch_or_skip()
    rng = np.random.default_rng(1)
    p = rng.uniform(0.01, 0.99, size=(5, 2))
    y = rng.uniform(size=(5, 2))
    g = rng.normal(size=p.shape)
    ours = _run_ours(F.binary_cross_entropy, p, y, reduction, g)
    theirs = _run_torch(torch, torch.nn.functional.binary_cross_entropy, p,
                        torch.from_numpy(y), reduction, g)
    _compare(ours, theirs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", ["indices", "probabilities"])
def test_cross_entropy_matches_torch(kind, reduction):
    torch = torch_or_skip()
    rng = np.random.default_rng(2)
    x = rng.normal(size=(7, 4)) * 5
    x[0] += 800.0  # stability: softmax must not overflow
    if kind == "indices":
        y = rng.integers(0, 4, size=7)
        ty = torch.from_numpy(y)
    else:
        y = rng.dirichlet(np.ones(4), size=7)
        ty = torch.from_numpy(y)
    g = rng.normal(size=7)
    ours = _run_ours(F.cross_entropy, x, y, reduction, g)
    theirs = _run_torch(torch, torch.nn.functional.cross_entropy, x, ty, reduction, g)
    _compare(ours, theirs)


def test_values_by_hand():
    x = Value(np.array([[1.0, 2.0], [3.0, 5.0]]))
    y = np.array([[0.0, 2.0], [1.0, 1.0]])
    assert F.mse_loss(x, y).item() == pytest.approx((1 + 0 + 4 + 16) / 4)
    assert F.l1_loss(x, y, reduction="sum").item() == pytest.approx(1 + 0 + 2 + 4)
    logits = Value(np.array([[0.0, np.log(3.0)]]))
    assert F.cross_entropy(logits, [1]).item() == pytest.approx(-np.log(0.75))
    assert F.cross_entropy(logits, [[0.5, 0.5]]).item() == pytest.approx(
        -(0.5 * np.log(0.25) + 0.5 * np.log(0.75)))
    p = Value(np.array([0.8, 0.3]))
    assert F.binary_cross_entropy(p, [1.0, 0.0]).item() == pytest.approx(
        -(np.log(0.8) + np.log(0.7)) / 2)


def test_targets_as_lists_and_values():
    x_np = np.array([[0.2, -0.4], [1.5, 0.1]])
    y = [[0.0, 1.0], [1.0, 0.0]]
    for name in ["mse_loss", "l1_loss", "binary_cross_entropy_with_logits"]:
        fn = getattr(F, name)
        base = fn(Value(x_np), np.array(y)).item()
        assert fn(Value(x_np), y).item() == base
        assert fn(Value(x_np), Value(y, requires_grad=False)).item() == base
    assert F.cross_entropy(Value(x_np), Value([1, 0], requires_grad=False)).item() == \
        F.cross_entropy(Value(x_np), np.array([1, 0])).item()
    # a target that requires grad gets its gradient: d/dy mean((x-y)^2) = -2(x-y)/n
    yv = Value(y)
    F.mse_loss(Value(x_np), yv).backward()
    np.testing.assert_allclose(yv.grad, -2 * (x_np - np.array(y)) / 4)


def test_bce_log_is_clamped_like_torch_and_gradient_finite():
    p = Value(np.array([0.0, 1.0, 0.0, 1.0]))
    loss = F.binary_cross_entropy(p, np.array([1.0, 0.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [100.0, 100.0, 0.0, 0.0], rtol=1e-12)
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad))


def test_bce_rejects_values_outside_unit_interval():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(Value(np.array([0.5, 1.2])), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], got values in \[nan, nan\]"):
        F.binary_cross_entropy(Value(np.array([np.nan])), np.array([1.0]))


def test_bce_with_logits_gradient_at_zero_and_extremes():
    x = Value(np.array([0.0, 0.0, 1000.0, -1000.0]))
    y = np.array([0.0, 1.0, 1.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="sum")
    assert np.isfinite(loss.item())
    assert loss.item() == pytest.approx(2 * np.log(2) + 0.0 + 1000.0)
    loss.backward()
    # d/dx = sigmoid(x) - y
    np.testing.assert_allclose(x.grad, [0.5, -0.5, 0.0, -1.0], atol=1e-15)


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.binary_cross_entropy,
                                F.binary_cross_entropy_with_logits])
def test_wrong_target_shape_names_both_shapes(fn):
    x = Value(np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match=r"\(4,\).*\(4, 1\)"):
        fn(x, np.zeros(4))


def test_cross_entropy_target_errors():
    x = Value(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="class index 4"):
        F.cross_entropy(x, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="class index -1"):
        F.cross_entropy(x, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match="whole numbers"):
        F.cross_entropy(x, np.array([0.0, 1.5, 1.0]))
    with pytest.raises(ValueError, match=r"\(2,\).*\(3, 4\)"):
        F.cross_entropy(x, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"\(3, 3\)"):
        F.cross_entropy(x, np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        F.cross_entropy(Value(np.zeros(4)), np.array([1]))
    # whole-number floats are accepted as class indices
    assert F.cross_entropy(x, np.array([0.0, 3.0, 1.0])).item() == pytest.approx(np.log(4))


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.binary_cross_entropy,
                                F.binary_cross_entropy_with_logits, F.cross_entropy])
def test_bad_reduction_and_non_value_input(fn):
    x = Value(np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="reduction"):
        fn(x, np.zeros((2, 2)), reduction="average")
    with pytest.raises(TypeError, match="Value"):
        fn(np.full((2, 2), 0.5), np.zeros((2, 2)))


@pytest.mark.parametrize("cls, fn", [
    (nn.MSELoss, F.mse_loss), (nn.L1Loss, F.l1_loss), (nn.BCELoss, F.binary_cross_entropy),
    (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits),
])
def test_loss_classes_wrap_functions(cls, fn):
    x_np = np.array([[0.2, 0.9], [0.4, 0.6]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    for reduction in REDUCTIONS:
        ours = cls(reduction=reduction)(Value(x_np), y)
        np.testing.assert_array_equal(ours.data, fn(Value(x_np), y, reduction=reduction).data)
    with pytest.raises(ValueError, match="reduction"):
        cls(reduction="avg")
    assert repr(cls()) == f"{cls.__name__}()"


def test_cross_entropy_loss_class():
    x = Value(np.array([[1.0, 2.0, 0.5]]))
    assert nn.CrossEntropyLoss()(x, [2]).item() == F.cross_entropy(x, [2]).item()
    assert nn.CrossEntropyLoss(reduction="none")(x, [2]).shape == (1,)
    assert repr(nn.CrossEntropyLoss(reduction="sum")) == "CrossEntropyLoss(reduction='sum')"


def test_float32_losses_stay_float32():
    x = Value(np.array([[0.1, 0.7]], dtype=np.float32))
    assert F.mse_loss(x, [[0.0, 1.0]]).dtype == np.float32
    assert F.cross_entropy(x, [1]).dtype == np.float32
    assert F.binary_cross_entropy_with_logits(x, [[0.0, 1.0]]).dtype == np.float32
