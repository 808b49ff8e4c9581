"""nn.init against torch.nn.init: gains, fans (Linear's (in, out) weight gives
PyTorch's numbers for its (out, in) one), distributions, and changes in place."""
import math

import numpy as np
import pytest

import nn
from autograd_core import Value

torch = pytest.importorskip("torch", reason="nn.init is compared with torch.nn.init")


@pytest.mark.parametrize("name,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                        ("tanh", None), ("relu", None), ("leaky_relu", None),
                                        ("leaky_relu", 0.2), ("selu", None), ("conv1d", None)])
def test_calculate_gain_matches_torch(name, param):
    assert nn.init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param), rel=1e-15)


def test_calculate_gain_refuses_unknown():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


@pytest.mark.parametrize("shape", [(3, 5), (6, 4, 3, 3), (8, 2, 5), (4, 3, 2, 2, 2)])
def test_fans_match_torch_for_its_layouts(shape):
    ours = nn.init.calculate_fan_in_and_fan_out(Value(np.zeros(shape)))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


def test_linear_weight_fans_are_those_of_torch_linear():
    ours = nn.Linear(7, 3, rng=0).weight  # (in, out)
    theirs = torch.nn.Linear(7, 3).weight  # (out, in)
    assert nn.init.calculate_fan_in_and_fan_out(ours) == \
        torch.nn.init._calculate_fan_in_and_fan_out(theirs) == (7, 3)
    square = nn.Linear(4, 4, rng=0).weight
    assert nn.init.calculate_fan_in_and_fan_out(square) == (4, 4)


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(Value(np.zeros(5)))


def _torch_std_and_bound(fn, shape, **kwargs):
    """What PyTorch's function draws, measured on a big sample of its own."""
    t = torch.empty(shape, dtype=torch.float64)
    torch.manual_seed(0)
    fn(t, **kwargs)
    return t.std().item(), t.abs().max().item()


CASES = [
    ("xavier_uniform_", {}), ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {}), ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {"nonlinearity": "tanh"}),
]


@pytest.mark.parametrize("name,kwargs", CASES)
@pytest.mark.parametrize("layer", ["linear", "conv"])
def test_init_distributions_match_torch(name, kwargs, layer):
    if layer == "linear":  # ours (in, out) = (300, 200), PyTorch's (out, in) = (200, 300)
        ours = nn.Linear(300, 200, rng=0).weight
        torch_shape = (200, 300)
    else:
        ours = Value(np.zeros((64, 32, 3, 3)))
        torch_shape = (64, 32, 3, 3)
    arr = ours.data
    assert getattr(nn.init, name)(ours, rng=1, **kwargs) is ours
    assert ours.data is arr  # in place
    std, bound = _torch_std_and_bound(getattr(torch.nn.init, name), torch_shape, **kwargs)
    assert ours.data.std() == pytest.approx(std, rel=0.02)
    assert abs(ours.data.mean()) < 0.05 * std
    if "uniform" in name:  # same bound: the largest draw is within 0.1% of it for both
        assert ours.data.max() <= bound * 1.001 and ours.data.max() > bound * 0.99


def test_uniform_normal_constant_eye():
    v = Value(np.zeros((100, 100)))
    nn.init.uniform_(v, -2, 3, rng=0)
    assert v.data.min() >= -2 and v.data.max() <= 3 and v.data.mean() == pytest.approx(0.5, abs=0.05)
    nn.init.normal_(v, 1.0, 0.5, rng=0)
    assert v.data.mean() == pytest.approx(1.0, abs=0.01) and v.data.std() == pytest.approx(0.5, rel=0.02)
    assert (nn.init.constant_(v, 0.25).data == 0.25).all()
    assert (nn.init.zeros_(v).data == 0).all() and (nn.init.ones_(v).data == 1).all()
    r = Value(np.zeros((3, 5)))
    np.testing.assert_array_equal(nn.init.eye_(r).data, torch.nn.init.eye_(torch.empty(3, 5)).numpy())
    with pytest.raises(ValueError, match="eye_: only 2-D"):
        nn.init.eye_(Value(np.zeros(3)))


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3)])
def test_orthogonal(shape):
    v = Value(np.zeros(shape))
    nn.init.orthogonal_(v, gain=2.0, rng=0)
    flat = v.data.reshape(shape[0], -1)
    small = min(flat.shape)
    gram = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
    np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-12)
    t = torch.empty(shape, dtype=torch.float64)
    torch.nn.init.orthogonal_(t, gain=2.0)
    tf = t.reshape(shape[0], -1)
    tgram = tf @ tf.T if tf.shape[0] == small else tf.T @ tf
    np.testing.assert_allclose(tgram.numpy(), gram, atol=1e-12)


def test_orthogonal_linear_weight_is_orthogonal_as_pytorch_sees_it():
    w = nn.Linear(6, 3, rng=0).weight  # PyTorch's (3, 6): orthonormal rows, our columns
    nn.init.orthogonal_(w, rng=0)
    np.testing.assert_allclose(w.data.T @ w.data, np.eye(3), atol=1e-12)


def test_init_bumps_the_version():
    w = Value(np.ones((2, 2)))
    y = (w * w).sum()
    nn.init.kaiming_normal_(w, rng=0)
    with pytest.raises(RuntimeError, match="changed in place|modified|version"):
        y.backward()


def test_init_keeps_the_dtype():
    w = nn.Linear(3, 4, rng=0, dtype=np.float32).weight
    nn.init.xavier_normal_(w, rng=0)
    assert w.dtype == np.float32


def test_init_rng_reproducible():
    a, b = Value(np.zeros((4, 4))), Value(np.zeros((4, 4)))
    nn.init.kaiming_uniform_(a, rng=3)
    nn.init.kaiming_uniform_(b, rng=3)
    np.testing.assert_array_equal(a.data, b.data)


def test_bad_mode():
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        nn.init.kaiming_normal_(Value(np.zeros((2, 2))), mode="fan")
