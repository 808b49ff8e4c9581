"""The bridge by tracing (a Module with its own forward), and shared parameters kept
shared both ways with their optimizer state; checked against PyTorch in float64."""

import numpy as np
import pytest

import nn
import optim
from autograd_core import Value, concat, stack, where

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 3))
TARGET = RNG.standard_normal((6, 2))


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="the bridge carries modules to PyTorch")


class Everything(nn.Module):
    """A forward over most of the op set, with a mapped layer inside."""

    def __init__(self):
        gen = np.random.default_rng(1)
        self.lin = nn.Linear(3, 4, rng=2)
        self.w = Value(gen.standard_normal((4, 4)))
        self.scales = [Value(gen.uniform(0.5, 1.5, 4)), Value(gen.uniform(0.5, 1.5, 2))]

    def forward(self, x):
        h = self.lin(x).tanh()                                   # a mapped layer, then tanh
        h = h @ self.w.T + np.abs(h) ** 1.5 - h.sigmoid() / self.scales[0]
        h = np.maximum(h, -0.5).clip(-2.0, 2.0) * np.exp(-h * h) + np.sin(h) - np.cos(h)
        s = h.softmax(axis=-1) + h.log_softmax(axis=1) * 0.1
        s = s + (np.sqrt(h * h + 1.0) + np.log(h * h + 2.0)).mean(axis=0, keepdims=True)
        both = concat([s[:, :2], -s[:, 2:]], axis=1)             # getitem, neg, concat
        pair = stack([both[:, 0], both[:, 3]], axis=1)           # stack (N, 2)
        top = both.max(axis=1, keepdims=True) - both.sum(axis=1, keepdims=True) / 4
        # A mask that does not come from the data (one that does is fixed by the trace).
        return where(np.array([True, False]), pair, pair * 0.1) * self.scales[1] + top


def _grads_by_name(model):
    return {n: p.grad for n, p in model.named_parameters()}


def _torch_grads(theirs, model):
    """torch gradients under our names, a Linear's weight transposed back."""
    linear_weights = {f"{n}.weight" for n, m in model.named_modules()[1:] if type(m) is nn.Linear}
    return {n: (p.grad.T if n in linear_weights else p.grad).numpy()
            for n, p in theirs.named_parameters()}


def _same_output_and_grads(torch, model, theirs, x=X, target=TARGET):
    model.zero_grad()
    theirs.zero_grad()
    xv = Value(x.copy())
    out = model(xv)
    (out * target).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    tout = theirs(tx)
    (tout * torch.tensor(target)).sum().backward()
    assert tout.dtype == torch.float64
    np.testing.assert_allclose(tout.detach().numpy(), out.data, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(tx.grad.numpy(), xv.grad, rtol=1e-11, atol=1e-12)
    ours, tg = _grads_by_name(model), _torch_grads(theirs, model)
    assert sorted(ours) == sorted(tg)
    for name, g in ours.items():
        np.testing.assert_allclose(tg[name], g, rtol=1e-11, atol=1e-12, err_msg=name)


def test_a_module_with_its_own_forward_is_carried_by_tracing(torch):
    model = Everything()
    theirs = nn.to_torch(model, example_input=X[:2])
    assert isinstance(theirs, torch.nn.Module)
    assert isinstance(theirs.lin, torch.nn.Linear)  # the mapped layer stays a layer
    _same_output_and_grads(torch, model, theirs)
    # The traced program is not tied to the example's batch size.
    _same_output_and_grads(torch, model, theirs, X[:4], TARGET[:4])
    assert dict(theirs.named_parameters()).keys() == dict(model.named_parameters()).keys()


def test_without_example_input_the_error_names_the_class(torch):
    with pytest.raises(TypeError, match=r"Everything.*example_input"):
        nn.to_torch(Everything())
    with pytest.raises(TypeError, match=r"Everything.*example_input"):
        nn.to_torch(nn.Sequential(nn.Linear(3, 3), Everything()))


def test_a_forward_that_depends_on_the_data_is_carried_as_traced(torch):
    class Branch(nn.Module):
        def __init__(self):
            self.w = Value(np.array([2.0]))

        def forward(self, x):
            return x * self.w if float(x.data.sum()) > 0 else x - self.w

    model = Branch()
    positive, negative = np.ones((2, 1)), -np.ones((2, 1))
    theirs = nn.to_torch(model, example_input=positive)
    # The branch taken on the example is the program, whatever the input.
    np.testing.assert_array_equal(theirs(torch.tensor(negative)).detach().numpy(),
                                  negative * 2.0)
    assert not np.array_equal(model(Value(negative)).data, negative * 2.0)


def test_integer_input_and_a_parameter_indexed_by_it(torch):
    class Bigram(nn.Module):
        def __init__(self):
            self.table = Value(np.random.default_rng(0).standard_normal((5, 5)))

        def forward(self, idx):
            return self.table[idx].log_softmax(axis=-1)

    model = Bigram()
    idx = np.array([0, 3, 3, 1])
    theirs = nn.to_torch(model, example_input=idx)
    other = np.array([4, 2, 2, 0, 1])
    out = model(other)
    out.sum().backward()
    tout = theirs(torch.tensor(other))
    tout.sum().backward()
    np.testing.assert_allclose(tout.detach().numpy(), out.data, rtol=1e-13)
    np.testing.assert_allclose(theirs.table.grad.numpy(), model.table.grad, rtol=1e-13)


def test_tracing_leaves_the_module_as_it_was(torch):
    class Noisy(nn.Module):
        def __init__(self):
            self.drop = nn.Dropout(0.5, rng=0)
            self.w = Value(np.ones(3))

        def forward(self, x):
            return self.drop(x * self.w)

    model = Noisy()
    state = model.drop.rng.bit_generator.state
    theirs = nn.to_torch(model, example_input=X)
    assert model.drop.rng.bit_generator.state == state
    assert isinstance(theirs.drop, torch.nn.Dropout) and theirs.drop.p == 0.5
    theirs.eval()
    np.testing.assert_array_equal(theirs(torch.tensor(X)).detach().numpy(), X)


def test_a_traced_module_trains_on_in_torch_with_its_optimizer(torch):
    model = Everything()
    opt = optim.Adam(model.parameters(), lr=0.01)
    for _ in range(2):  # some optimizer state to carry
        model.zero_grad()
        ((model(X) - TARGET) ** 2).mean().backward()
        opt.step()
    theirs, topt = nn.to_torch(model, opt, example_input=X)
    for _ in range(3):
        model.zero_grad()
        ((model(X) - TARGET) ** 2).mean().backward()
        opt.step()
        topt.zero_grad()
        ((theirs(torch.tensor(X)) - torch.tensor(TARGET)) ** 2).mean().backward()
        topt.step()
    np.testing.assert_allclose(theirs(torch.tensor(X)).detach().numpy(), model(X).data,
                               rtol=1e-10, atol=1e-12)


def test_unknown_op_is_named(torch, monkeypatch):
    from nn import bridge_ops
    monkeypatch.delitem(bridge_ops.TORCH_OPS, "tanh")
    with pytest.raises(TypeError, match=r"Everything.*'tanh'"):
        nn.to_torch(Everything(), example_input=X)


# -- shared parameters stay shared -------------------------------------------------------


def _tied_ours():
    first = nn.Linear(3, 3, rng=0)
    last = nn.Linear(3, 3, rng=1)
    last.weight = first.weight  # one weight, two layers
    return nn.Sequential(first, nn.Tanh(), last, nn.Tanh(), first)


def _train_ours(model, opt, steps):
    for _ in range(steps):
        model.zero_grad()
        ((model(X) - X) ** 2).mean().backward()
        opt.step()


def _train_torch(torch, model, opt, steps):
    for _ in range(steps):
        opt.zero_grad()
        ((model(torch.tensor(X)) - torch.tensor(X)) ** 2).mean().backward()
        opt.step()


@pytest.mark.parametrize("make_opt", [lambda ps: optim.Adam(ps, lr=0.05),
                                      lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)])
def test_to_torch_keeps_a_shared_weight_one_parameter(torch, make_opt):
    model = _tied_ours()
    assert len(model.parameters()) == 3
    opt = make_opt(model.parameters())
    _train_ours(model, opt, 2)
    theirs, topt = nn.to_torch(model, opt)
    assert theirs[0].weight is theirs[2].weight and theirs[0] is theirs[4]
    assert len(list(theirs.parameters())) == 3
    assert sum(len(g["params"]) for g in topt.param_groups) == 3
    _train_ours(model, opt, 3)
    _train_torch(torch, theirs, topt, 3)
    np.testing.assert_allclose(theirs(torch.tensor(X)).detach().numpy(), model(X).data,
                               rtol=1e-10, atol=1e-12)


def test_to_torch_by_tracing_keeps_a_shared_weight_one_parameter(torch):
    class Tied(nn.Module):
        def __init__(self):
            self.enc = nn.Linear(3, 2, rng=0)
            self.bias = Value(np.zeros(3))

        def forward(self, x):  # the decoder is the encoder's weight, transposed
            return self.enc(x).tanh() @ self.enc.weight.T + self.bias

    model = Tied()
    opt = optim.Adam(model.parameters(), lr=0.05)
    theirs, topt = nn.to_torch(model, opt, example_input=X)
    assert len(list(theirs.parameters())) == 3
    _same_output_and_grads(torch, model, theirs, X, X[:, :3] * 0 + TARGET[:, :1])
    _train_ours(model, opt, 3)
    _train_torch(torch, theirs, topt, 3)
    np.testing.assert_allclose(theirs(torch.tensor(X)).detach().numpy(), model(X).data,
                               rtol=1e-10, atol=1e-12)


def test_from_torch_keeps_a_shared_weight_one_parameter(torch):
    torch.manual_seed(0)
    tnn = torch.nn
    first, last = tnn.Linear(3, 3).double(), tnn.Linear(3, 3).double()
    last.weight = first.weight
    theirs = tnn.Sequential(first, tnn.Tanh(), last)
    topt = torch.optim.Adam(theirs.parameters(), lr=0.05)
    _train_torch(torch, theirs, topt, 2)
    model, opt = nn.from_torch(theirs, topt)
    assert model[0].weight is model[2].weight
    assert len(model.parameters()) == 3 and len(opt.params) == 3
    _train_torch(torch, theirs, topt, 3)
    _train_ours(model, opt, 3)
    np.testing.assert_allclose(model(X).data, theirs(torch.tensor(X)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.slow  # seconds: the exporter
def test_export_onnx_writes_a_traced_module(torch, tmp_path):
    ort = pytest.importorskip("onnxruntime", reason="checks the file in ONNX Runtime")
    pytest.importorskip("onnxscript", reason="PyTorch's ONNX exporter needs it")

    class Bigram(nn.Module):
        def __init__(self):
            self.table = Value(np.random.default_rng(0).standard_normal((5, 3)))
            self.head = nn.Linear(3, 5, rng=0)

        def forward(self, idx):
            return self.head(self.table[idx].tanh()).log_softmax(axis=-1)

    model = Bigram()
    idx = np.array([[0, 3, 3], [1, 4, 2]])  # a batch of contexts: the batch axis is free
    path = nn.export_onnx(model, idx, tmp_path / "bigram.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    other = np.array([[4, 2, 0], [1, 1, 1], [0, 0, 3], [2, 3, 4]])
    got = session.run(None, {"input": other})[0]
    np.testing.assert_allclose(got, model(other).data, rtol=1e-12, atol=1e-13)
    path = nn.export_onnx(Everything(), X, tmp_path / "everything.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": X})[0], Everything()(X).data,
                               rtol=1e-12, atol=1e-13)


def test_a_reshape_that_keeps_the_batch_axis_keeps_any_batch(torch):
    class PerSample(nn.Module):
        def __init__(self):
            self.w = Value(np.random.default_rng(0).standard_normal((6, 2)))

        def forward(self, x):  # (N, 2, 3) -> (N, 6) -> (N, 2)
            flat = x.reshape(x.shape[0], -1)
            return flat @ self.w + np.broadcast_to(self.w[:1], (x.shape[0], 2))

    model = PerSample()
    example = np.random.default_rng(1).standard_normal((4, 2, 3))
    theirs = nn.to_torch(model, example_input=example)
    ops = [s[1] for s in theirs.steps if s[0] == "op"]
    assert "reshape_batch" in ops and "broadcast_to_batch" in ops
    other = np.random.default_rng(2).standard_normal((7, 2, 3))
    np.testing.assert_allclose(theirs(torch.tensor(other)).detach().numpy(),
                               model(other).data, rtol=1e-13, atol=1e-14)
