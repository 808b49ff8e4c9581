"""The course's layers through the bridge: each to the torch.nn layer of its name and
back, buffers carried like parameters, traced modules around them, in float64."""

import numpy as np
import pytest

import nn
import optim
from autograd_core import Value

RNG = np.random.default_rng(0)
X2 = RNG.standard_normal((5, 4))
X3 = RNG.standard_normal((4, 3, 6))
X4 = RNG.standard_normal((3, 2, 7, 7))
IDX = RNG.integers(0, 6, size=(4, 3))


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="the bridge carries modules to PyTorch")


def ours_layers():
    """(model, input) for each layer, float64."""
    return {
        "embedding": (nn.Embedding(6, 3, rng=0), IDX),
        "batchnorm1d": (nn.BatchNorm1d(4), X2),
        "batchnorm1d-3d": (nn.BatchNorm1d(3, momentum=0.3), X3),
        "batchnorm2d": (nn.BatchNorm2d(2, affine=False), X4),
        "layernorm": (nn.LayerNorm(6), X3),
        "layernorm-2axes": (nn.LayerNorm((3, 6), eps=1e-3), X3),
        "flatten": (nn.Sequential(nn.Flatten(), nn.Linear(18, 2, rng=0)), X3),
        "activations": (nn.Sequential(nn.LeakyReLU(0.2), nn.ELU(), nn.GELU("tanh"), nn.GELU(),
                                      nn.SiLU(), nn.Softplus(2.0), nn.Hardtanh(-0.5, 0.5),
                                      nn.ReLU6(), nn.Softsign(), nn.LogSigmoid(),
                                      nn.Identity(), nn.Softmax(dim=1), nn.LogSoftmax(dim=-1)),
                        X2),
        "conv1d": (nn.Conv1d(3, 4, 3, stride=2, padding=1, rng=0), X3),
        "conv2d": (nn.Conv2d(2, 4, 3, padding=1, rng=0), X4),
        "conv2d-groups": (nn.Conv2d(2, 4, 3, stride=2, dilation=2, groups=2, bias=False,
                                    rng=0), X4),
        "pools": (nn.Sequential(nn.MaxPool2d(2), nn.AvgPool2d(2, stride=1),
                                nn.AdaptiveAvgPool2d(1)), X4),
        "cnn": (nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, rng=0), nn.BatchNorm2d(4),
                              nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(36, 3, rng=1)), X4),
    }


def _compare(torch, ours, theirs, x, weight=None):
    """Outputs, input gradients (float input), parameter gradients and buffers equal."""
    ours.zero_grad()
    theirs.zero_grad()
    integer = np.issubdtype(np.asarray(x).dtype, np.integer)
    xv = x if integer else Value(x.copy())
    out = ours(xv)
    w = np.random.default_rng(1).standard_normal(out.shape) if weight is None else weight
    (out * w).sum().backward()
    tx = torch.tensor(x) if integer else torch.tensor(x, requires_grad=True)
    tout = theirs(tx)
    (tout * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(tout.detach().numpy(), out.data, rtol=1e-12, atol=1e-12)
    if not integer:
        np.testing.assert_allclose(tx.grad.numpy(), xv.grad, rtol=1e-11, atol=1e-12)
    tparams = dict(theirs.named_parameters())
    linear = {f"{n}.weight" for n, m in ours.named_modules()[1:] if type(m) is nn.Linear}
    for name, p in ours.named_parameters():
        tg = tparams[name].grad.numpy()
        np.testing.assert_allclose(tg.T if name in linear else tg, p.grad, rtol=1e-11,
                                   atol=1e-12, err_msg=name)
    tbuffers = dict(theirs.named_buffers())
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(tbuffers[name].numpy(), b, rtol=1e-13, atol=1e-15,
                                   err_msg=name)


@pytest.mark.parametrize("name", list(ours_layers()))
def test_each_layer_to_torch_and_back(torch, name):
    ours, x = ours_layers()[name]
    for mode in ("train", "eval"):
        getattr(ours, mode)()
        theirs = nn.to_torch(ours)
        assert theirs.training == ours.training
        for _ in range(2):  # twice in training: the running statistics move on both sides
            _compare(torch, ours, theirs, x)
        back = nn.from_torch(theirs)
        assert type(back) is type(ours) or type(ours) is nn.MLP
        assert list(back.state_dict()) == list(ours.state_dict())
        for a, b in zip(back.state_dict().values(), ours.state_dict().values()):
            # The running statistics were updated on each side: equal to rounding.
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
        _compare(torch, back, theirs, x)


def test_buffers_are_carried_both_ways_and_kept_apart(torch):
    bn = nn.BatchNorm1d(4, momentum=0.5)
    for k in range(3):
        bn(X2 + k)
    theirs = nn.to_torch(bn.eval())
    np.testing.assert_array_equal(theirs.running_mean.numpy(), bn.running_mean)
    np.testing.assert_array_equal(theirs.running_var.numpy(), bn.running_var)
    assert int(theirs.num_batches_tracked) == int(bn.num_batches_tracked) == 3
    theirs.running_mean.add_(1.0)  # copies: nothing is shared between the libraries
    assert not np.array_equal(theirs.running_mean.numpy(), bn.running_mean)
    back = nn.from_torch(theirs)
    np.testing.assert_array_equal(back.running_mean, theirs.running_mean.numpy())
    assert back.num_batches_tracked.dtype == np.int64 and int(back.num_batches_tracked) == 3


def test_from_torch_refuses_settings_ours_lack(torch):
    tnn = torch.nn
    for module, named in [(tnn.Embedding(4, 2, padding_idx=0), "padding_idx"),
                          (tnn.Conv2d(1, 1, 3, padding_mode="reflect"), "padding_mode"),
                          (tnn.MaxPool2d(2, ceil_mode=True), "ceil_mode"),
                          (tnn.Sequential(tnn.Linear(2, 2), tnn.GRU(2, 2)), "GRU")]:
        with pytest.raises(TypeError, match=named):
            nn.from_torch(module.double())


class MakemoreMLP(nn.Module):
    """Bengio's MLP as in makemore: Embedding, then Linear, BatchNorm1d, Tanh, Linear."""

    def __init__(self, vocab=6, block=3, emb=2, hidden=8):
        self.C = nn.Embedding(vocab, emb, rng=0)
        self.hidden = nn.Linear(block * emb, hidden, bias=False, rng=1)
        self.bn = nn.BatchNorm1d(hidden)
        self.out = nn.Linear(hidden, vocab, rng=2)

    def forward(self, idx):
        x = self.C(idx)
        x = x.reshape(x.shape[0], -1)
        return self.out(self.bn(self.hidden(x)).tanh())


def test_a_traced_model_keeps_its_layers_and_trains_on_in_torch(torch):
    model = MakemoreMLP()
    opt = optim.Adam(model.parameters(), lr=0.01)
    y = RNG.integers(0, 6, size=len(IDX))
    theirs, topt = nn.to_torch(model, opt, example_input=IDX)
    assert isinstance(theirs.bn, torch.nn.BatchNorm1d)
    assert isinstance(theirs.C, torch.nn.Embedding)
    _compare(torch, model, theirs, IDX)
    for _ in range(3):
        model.zero_grad()
        nn.functional.cross_entropy(model(IDX), y).backward()
        opt.step()
        topt.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(IDX)), torch.tensor(y)).backward()
        topt.step()
    _compare(torch, model.eval(), theirs.eval(), IDX)


class TracedConv(nn.Module):
    def __init__(self):
        self.w = Value(np.random.default_rng(3).standard_normal((4, 2, 3, 3)))

    def forward(self, x):
        y = nn.functional.conv2d(x, self.w, None, stride=2, padding=1)
        return nn.functional.avg_pool2d(y.tanh(), 2)


@pytest.mark.slow  # seconds each: the exporter
@pytest.mark.parametrize("name", ["cnn", "conv1d", "conv2d-groups", "pools", "traced"])
def test_float64_convolutions_and_pools_are_exported_to_onnx(torch, tmp_path, name):
    ort = pytest.importorskip("onnxruntime", reason="checks the file in ONNX Runtime")
    pytest.importorskip("onnxscript", reason="PyTorch's ONNX exporter needs it")
    model, x = (TracedConv(), X4) if name == "traced" else ours_layers()[name]
    model(x)  # running statistics that are not the initial ones
    path = nn.export_onnx(model, x, tmp_path / "m.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": x})[0]
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, model.eval()(x).data, rtol=1e-12, atol=1e-12)
    more = np.concatenate([x, x[:1] * 2])  # the batch axis is free
    np.testing.assert_allclose(session.run(None, {"input": more})[0], model(more).data,
                               rtol=1e-12, atol=1e-12)


@pytest.mark.slow  # seconds: the exporter
def test_float64_gelu_export_says_what_onnx_runtime_lacks(torch, tmp_path):
    pytest.importorskip("onnxruntime", reason="checks the file in ONNX Runtime")
    pytest.importorskip("onnxscript", reason="PyTorch's ONNX exporter needs it")
    with pytest.raises(RuntimeError, match="cannot run it in float64"):
        nn.export_onnx(nn.GELU(), X2, tmp_path / "gelu.onnx")
