"""nn.Module, Linear, MLP, Sequential, activations and Dropout."""

import numpy as np
import pytest

import nn
from autograd_core import Value, no_grad
from autograd_core.modes import current_scope


def torch_or_skip():
    return pytest.importorskip("torch")


# ----------------------------------------------------------------- Linear
def test_linear_shapes_labels_and_init_bounds():
    layer = nn.Linear(9, 5, rng=0)
    assert layer.weight.shape == (9, 5) and layer.bias.shape == (5,)
    assert layer.weight.label == "weight" and layer.bias.label == "bias"
    assert layer.weight.requires_grad and layer.bias.requires_grad
    big = nn.Linear(100, 400, rng=1)
    bound = 1 / np.sqrt(100)
    for p in (big.weight.data, big.bias.data):
        assert np.abs(p).max() <= bound
        assert np.abs(p).max() > 0.9 * bound  # spread over the whole interval
    out = layer(np.ones((3, 9)))
    np.testing.assert_allclose(out.data, np.ones((3, 9)) @ layer.weight.data + layer.bias.data)


def test_linear_seed_and_dtype():
    a, b, c = nn.Linear(3, 4, rng=7), nn.Linear(3, 4, rng=7), nn.Linear(3, 4, rng=8)
    assert np.array_equal(a.weight.data, b.weight.data)
    assert not np.array_equal(a.weight.data, c.weight.data)
    gen = np.random.default_rng(7)
    d = nn.Linear(3, 4, rng=gen)
    assert np.array_equal(d.weight.data, a.weight.data)
    assert a.weight.dtype == np.float64
    f32 = nn.Linear(3, 4, rng=7, dtype=np.float32)
    assert f32.weight.dtype == np.float32 and f32.bias.dtype == np.float32
    assert f32(np.ones((2, 3))).dtype == np.float32  # float64 input converted


def test_linear_no_bias_and_bad_widths():
    layer = nn.Linear(2, 3, bias=False, rng=0)
    assert layer.bias is None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    assert repr(layer) == "Linear(2→3, bias=False)"
    with pytest.raises(ValueError, match="in_features must be a positive int, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(TypeError, match="in_features must be a positive int, got 2.5"):
        nn.Linear(2.5, 3)


def test_linear_matches_torch():
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    layer = nn.Linear(4, 3, rng=1)
    x_np = rng.normal(size=(5, 4))
    g_np = rng.normal(size=(5, 3))
    x = Value(x_np)
    out = layer(x)
    out.backward(g_np)
    t = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        t.weight.copy_(torch.from_numpy(layer.weight.data.T))
        t.bias.copy_(torch.from_numpy(layer.bias.data))
    tx = torch.tensor(x_np, requires_grad=True)
    tout = t(tx)
    tout.backward(torch.from_numpy(g_np))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(layer.weight.grad, t.weight.grad.numpy().T, rtol=0, atol=1e-10)
    np.testing.assert_allclose(layer.bias.grad, t.bias.grad.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid"])
def test_mlp_matches_torch(act):
    torch = torch_or_skip()
    rng = np.random.default_rng(1)
    mlp = nn.MLP(3, [5, 4, 2], activation=act, output_activation="sigmoid", rng=2)
    x_np = rng.normal(size=(6, 3))
    out = mlp(x_np)
    out.sum().backward()
    tact = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[act]
    lins = [torch.nn.Linear(a, b).double() for a, b in [(3, 5), (5, 4), (4, 2)]]
    tnet = torch.nn.Sequential(lins[0], tact(), lins[1], tact(), lins[2], torch.nn.Sigmoid())
    with torch.no_grad():
        for ours, theirs in zip(mlp.layers, lins):
            theirs.weight.copy_(torch.from_numpy(ours.weight.data.T))
            theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    tout = tnet(torch.from_numpy(x_np))
    tout.sum().backward()
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=0, atol=1e-10)
    for ours, theirs in zip(mlp.layers, lins):
        np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy().T, atol=1e-10)
        np.testing.assert_allclose(ours.bias.grad, theirs.bias.grad.numpy(), atol=1e-10)


# -------------------------------------------------------------------- MLP
def test_mlp_structure_names_and_repr():
    mlp = nn.MLP(2, [4, 1], rng=0)
    assert repr(mlp) == "MLP(\n  2→4→1\n  (layers.0): Linear(2→4)\n  (layers.1): Linear(4→1)\n)"
    assert [n for n, _ in mlp.named_parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    assert [p.shape for p in mlp.parameters()] == [(2, 4), (4,), (4, 1), (1,)]
    assert repr(mlp.layers[0]) == "Linear(2→4)"


def test_mlp_same_seed_same_weights_and_one_stream():
    a, b = nn.MLP(3, [8, 8, 2], rng=5), nn.MLP(3, [8, 8, 2], rng=5)
    for p, q in zip(a.parameters(), b.parameters()):
        assert np.array_equal(p.data, q.data)
    # the layers draw one after the other from one generator, so they differ
    assert not np.array_equal(a.layers[1].weight.data[:3, :2], a.layers[0].weight.data[:, :2])
    gen = np.random.default_rng(5)
    first, second = nn.Linear(3, 8, rng=gen), nn.Linear(8, 8, rng=gen)
    assert np.array_equal(first.weight.data, a.layers[0].weight.data)
    assert np.array_equal(second.weight.data, a.layers[1].weight.data)


def test_mlp_activations_applied_where_documented():
    mlp = nn.MLP(2, [3, 2], activation="relu", output_activation=None, rng=0)
    x = np.array([[0.5, -1.0], [2.0, 0.3]])
    h = np.maximum(x @ mlp.layers[0].weight.data + mlp.layers[0].bias.data, 0)
    expected = h @ mlp.layers[1].weight.data + mlp.layers[1].bias.data
    np.testing.assert_allclose(mlp(x).data, expected, rtol=1e-14)
    ident = nn.MLP(2, [3, 2], activation="identity", output_activation="tanh", rng=0)
    lin = x @ ident.layers[0].weight.data + ident.layers[0].bias.data
    np.testing.assert_allclose(
        ident(x).data, np.tanh(lin @ ident.layers[1].weight.data + ident.layers[1].bias.data),
        rtol=1e-14)


def test_mlp_bad_activation_lists_choices():
    with pytest.raises(ValueError, match="relu.*tanh.*sigmoid"):
        nn.MLP(2, [3, 1], activation="gelu")
    with pytest.raises(ValueError, match="output_activation"):
        nn.MLP(2, [3, 1], output_activation="softplus")
    with pytest.raises(ValueError, match="MLP: nouts must list at least one layer width"):
        nn.MLP(2, [])


# ------------------------------------------------------------- Sequential
def test_sequential_names_indexing_and_forward():
    seq = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1), nn.Sigmoid())
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(seq) == 4 and isinstance(seq[1], nn.Tanh)
    assert repr(seq) == ("Sequential(\n  (0): Linear(2→3)\n  (1): Tanh()\n  (2): Linear(3→1)\n"
                         "  (3): Sigmoid()\n)")
    x = np.array([[1.0, -2.0]])
    h = np.tanh(x @ seq[0].weight.data + seq[0].bias.data)
    expected = 1 / (1 + np.exp(-(h @ seq[2].weight.data + seq[2].bias.data)))
    np.testing.assert_allclose(seq(x).data, expected, rtol=1e-14)
    with pytest.raises(TypeError, match="item 1"):
        nn.Sequential(nn.ReLU(), lambda v: v)


def test_nested_sequential_names():
    inner = nn.Sequential(nn.Linear(2, 2, rng=0), nn.ReLU())
    outer = nn.Sequential(inner, nn.Linear(2, 1, rng=1))
    assert [n for n, _ in outer.named_parameters()] == ["0.0.weight", "0.0.bias", "1.weight",
                                                        "1.bias"]


# ---------------------------------------------------------------- Module
class Custom(nn.Module):
    def __init__(self):
        self.scale = Value(np.ones(2), label="scale")
        self.constant = Value(np.zeros(2), requires_grad=False)
        self.blocks = [nn.Linear(2, 2, rng=0), nn.Linear(2, 2, rng=1)]
        self.heads = {"a": nn.Linear(2, 1, rng=2)}
        self.pair = (Value(1.0), Value(2.0))
        self.shared = self.blocks[0]
        self.other = "not a parameter"

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.heads["a"](x * self.scale)


def test_module_walks_attributes_in_definition_order():
    m = Custom()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["scale", "blocks.0.weight", "blocks.0.bias", "blocks.1.weight",
                     "blocks.1.bias", "heads.a.weight", "heads.a.bias", "pair.0", "pair.1"]
    assert len(m.parameters()) == len(names)  # the shared block counted once
    assert m.children()[:2] == m.blocks
    assert len(m.modules()) == 4 and m.modules()[0] is m


def test_call_records_module_scope_and_restores_it():
    mlp = nn.MLP(2, [3, 1], rng=0)
    out = mlp(np.ones((1, 2)))
    assert out._scope == (mlp, mlp.layers[1])  # made inside the second Linear
    assert out.parents[0]._scope == (mlp,)  # the MLP's own relu
    assert current_scope() == ()

    class Broken(nn.Module):
        def forward(self, x):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        Broken()(1.0)
    assert current_scope() == ()


def test_forward_must_be_defined():
    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match=r"Empty does not define forward\(\)"):
        Empty()(1.0)


def test_zero_grad_train_eval():
    mlp = nn.MLP(2, [3, 1], rng=0)
    mlp(np.ones((2, 2))).sum().backward()
    assert all(p.grad is not None for p in mlp.parameters())
    mlp.zero_grad()
    assert all(p.grad is None for p in mlp.parameters())
    seq = nn.Sequential(mlp, nn.Dropout(0.5))
    assert seq.eval() is seq
    assert not seq.training and not mlp.training and not mlp.layers[0].training
    assert not seq[1].training
    assert seq.train() is seq and mlp.layers[1].training and seq[1].training


# ------------------------------------------------------------ state_dict
def test_state_dict_copies_in_order():
    mlp = nn.MLP(2, [3, 1], rng=0)
    sd = mlp.state_dict()
    assert list(sd) == [n for n, _ in mlp.named_parameters()]
    sd["layers.0.weight"][0, 0] = 123.0
    assert mlp.layers[0].weight.data[0, 0] != 123.0


def test_load_state_dict_copies_into_existing_arrays():
    a, b = nn.MLP(2, [3, 1], rng=0), nn.MLP(2, [3, 1], rng=1)
    arrays_before = [p.data for p in b.parameters()]
    b.load_state_dict(a.state_dict())
    for p, q, arr in zip(a.parameters(), b.parameters(), arrays_before):
        assert np.array_equal(p.data, q.data)
        assert q.data is arr


@pytest.mark.parametrize("mutate, message", [
    (lambda sd: sd.pop("layers.1.bias"), "missing.*layers.1.bias"),
    (lambda sd: sd.update(extra=np.zeros(1)), "unexpected.*extra"),
    (lambda sd: sd.update({"layers.1.bias": np.zeros(2)}), "layers.1.bias.*shape"),
    (lambda sd: sd.update({"layers.1.bias": np.zeros(1, np.float32)}), "layers.1.bias.*dtype"),
])
def test_load_state_dict_errors_leave_module_unchanged(mutate, message):
    target = nn.MLP(2, [3, 1], rng=0)
    before = target.state_dict()
    sd = nn.MLP(2, [3, 1], rng=1).state_dict()  # every entry but the mutated one is valid
    mutate(sd)
    with pytest.raises(ValueError, match=message):
        target.load_state_dict(sd)
    for name, arr in target.state_dict().items():
        assert np.array_equal(arr, before[name])


def test_load_state_dict_rejects_non_mapping():
    with pytest.raises(TypeError, match="load_state_dict expects a mapping of name -> array"):
        nn.Linear(1, 1).load_state_dict([np.zeros((1, 1))])


# ------------------------------------------------------------------ Dropout
def test_dropout_training_and_eval():
    drop = nn.Dropout(0.25, rng=0)
    x = Value(np.ones((200, 50)))
    out = drop(x)
    kept = out.data != 0
    assert 0.70 < kept.mean() < 0.80
    np.testing.assert_allclose(out.data[kept], 1 / 0.75)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, np.where(kept, 1 / 0.75, 0.0))
    drop.eval()
    assert np.array_equal(drop(x).data, x.data)
    again = nn.Dropout(0.25, rng=0)(Value(np.ones((200, 50))))
    assert np.array_equal(again.data, out.data)


@pytest.mark.parametrize("p", [-0.1, 1.0000001, 1.5, "0.5"])
def test_dropout_rejects_bad_p(p):
    with pytest.raises(ValueError, match=f"Dropout probability p.*{p!r}" if isinstance(p, str)
                       else f"invalid Dropout probability p: {p}"):
        nn.Dropout(p)


def test_activations_and_no_grad():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(nn.ReLU()(x).data, [0.0, 0.0, 3.0])
    np.testing.assert_allclose(nn.Tanh()(x).data, np.tanh(x))
    np.testing.assert_allclose(nn.Sigmoid()(x).data, 1 / (1 + np.exp(-x)))
    mlp = nn.MLP(3, [2], rng=0)
    with no_grad():
        assert not mlp(np.ones((1, 3))).requires_grad
