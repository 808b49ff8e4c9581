"""nn.onnx_float64: convolutions and average pooling as unfold and matmul, equal to
PyTorch's own in float64 (what export_onnx writes for ONNX Runtime)."""

import copy

import numpy as np
import pytest

from nn.onnx_float64 import double_safe


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="compares with torch.nn's layers")


def _layers(torch):
    tnn = torch.nn
    torch.manual_seed(0)
    return [
        (tnn.Conv2d(2, 4, 3).double(), (3, 2, 7, 7)),
        (tnn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False).double(),
         (3, 2, 9, 8)),
        (tnn.Conv2d(2, 2, (3, 2), padding="same").double(), (2, 2, 6, 5)),
        (tnn.Conv2d(2, 3, 3, padding="valid").double(), (2, 2, 5, 5)),
        (tnn.Conv1d(3, 4, 3, stride=2, padding=1).double(), (2, 3, 9)),
        (tnn.Conv1d(4, 4, 2, dilation=2, groups=4).double(), (2, 4, 7)),
        (tnn.AvgPool2d(2).double(), (2, 3, 6, 7)),
        (tnn.AvgPool2d(3, stride=2, padding=1).double(), (2, 3, 7, 7)),
        (tnn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False).double(), (2, 1, 5, 4)),
    ]


def test_each_layer_equals_torchs(torch):
    for layer, shape in _layers(torch):
        x = torch.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
        safe = double_safe(torch, copy.deepcopy(layer))
        assert type(safe) is not type(layer)
        expected, got = layer(x), safe(x)
        assert got.shape == expected.shape, layer
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(),
                                   rtol=1e-12, atol=1e-13, err_msg=str(layer))


def test_layers_inside_containers_are_replaced(torch):
    tnn = torch.nn
    model = tnn.Sequential(tnn.Conv2d(1, 2, 3).double(), tnn.ReLU(),
                           tnn.Sequential(tnn.AvgPool2d(2).double()))
    x = torch.tensor(np.random.default_rng(1).standard_normal((2, 1, 8, 8)))
    expected = model(x)
    safe = double_safe(torch, copy.deepcopy(model))
    assert not any(isinstance(m, (tnn.Conv2d, tnn.AvgPool2d)) for m in safe.children())
    assert isinstance(safe[0].conv, tnn.Conv2d)  # wrapped, its weights kept
    np.testing.assert_allclose(safe(x).detach().numpy(), expected.detach().numpy(),
                               rtol=1e-12, atol=1e-13)
