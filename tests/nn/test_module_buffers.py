"""Buffers through state_dict, load_state_dict, save and load; Module.apply; the
printed tree; ModuleList, ModuleDict, Parameter."""
import numpy as np
import pytest

import nn
import optim
from autograd_core import Value


class Counter(nn.Module):
    def __init__(self):
        self.lin = nn.Linear(2, 3, rng=0)
        self.register_buffer("count", np.zeros((), dtype=np.int64))
        self.register_buffer("stats", np.zeros(3))

    def forward(self, x):
        self.count += 1
        return self.lin(x)


def _net():
    return nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2, rng=1))


def test_buffers_are_not_parameters_and_come_after_them_in_state_dict():
    m = Counter()
    assert [n for n, _ in m.named_parameters()] == ["lin.weight", "lin.bias"]
    assert [n for n, _ in m.named_buffers()] == ["count", "stats"]
    assert m.buffers()[1] is m.stats
    assert list(m.state_dict()) == ["lin.weight", "lin.bias", "count", "stats"]
    net = _net()
    assert list(net.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight",
                                      "3.bias", "1.running_mean", "1.running_var",
                                      "1.num_batches_tracked"]
    assert all(isinstance(b, np.ndarray) for b in net.buffers())


def test_state_dict_copies_buffers():
    m = Counter()
    sd = m.state_dict()
    sd["stats"][0] = 5.0
    assert m.stats[0] == 0.0


def test_load_state_dict_writes_buffers_in_place():
    a, b = _net(), _net()
    a(np.random.default_rng(0).standard_normal((8, 3)))
    buf = b[1].running_mean
    b.load_state_dict(a.state_dict())
    assert b[1].running_mean is buf
    np.testing.assert_array_equal(b[1].running_mean, a[1].running_mean)
    assert b[1].num_batches_tracked == 1


@pytest.mark.parametrize("key,value,match", [
    ("1.running_mean", np.zeros(5), r"'1.running_mean' has shape \(5,\), but the buffer has shape \(4,\)"),
    ("1.num_batches_tracked", np.zeros(()), "dtype float64, but the buffer has dtype int64"),
])
def test_load_state_dict_refuses_a_bad_buffer_and_changes_nothing(key, value, match):
    a, b = _net(), _net()
    a(np.ones((2, 3)) * np.arange(2)[:, None])
    before = b.state_dict()
    sd = a.state_dict()
    sd[key] = value
    with pytest.raises(ValueError, match=match):
        b.load_state_dict(sd)
    after = b.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_load_state_dict_requires_the_buffers():
    sd = _net().state_dict()
    del sd["1.running_var"]
    with pytest.raises(ValueError, match=r"missing \['1.running_var'\]"):
        _net().load_state_dict(sd)


def test_save_and_load_carry_buffers(tmp_path):
    a, b = _net(), _net()
    a(np.random.default_rng(1).standard_normal((8, 3)))
    path = tmp_path / "bn.npz"
    nn.save(a, path)
    with np.load(path) as f:
        np.testing.assert_array_equal(f["1.running_var"], a[1].running_var)
    assert nn.load(b, path) is b
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[k], v)


def test_load_refuses_a_file_without_the_buffers_and_changes_nothing(tmp_path):
    path = tmp_path / "mlp.npz"
    src = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm1d(4, track_running_stats=False),
                        nn.ReLU(), nn.Linear(4, 2, rng=1))
    nn.save(src, path)
    b = _net()
    before = b.state_dict()
    with pytest.raises(ValueError, match=r"mlp.npz.*missing \['1.running_mean', '1.running_var'"):
        nn.load(b, path)
    assert all(np.array_equal(before[k], v) for k, v in b.state_dict().items())


def test_load_refuses_a_buffer_of_the_wrong_shape(tmp_path):
    path = tmp_path / "bn.npz"
    nn.save(nn.Sequential(nn.BatchNorm1d(5, affine=False)), path)
    with pytest.raises(ValueError, match=r"bn.npz.*0.running_mean.*shape \(5,\).*buffer has shape \(4,\)"):
        nn.load(nn.Sequential(nn.BatchNorm1d(4, affine=False)), path)


def test_save_and_load_with_an_optimizer_and_buffers(tmp_path):
    a = _net()
    opt = optim.Adam(a.parameters(), lr=0.01)
    a(np.ones((3, 3)) * np.arange(3)[:, None]).sum().backward()
    opt.step()
    path = tmp_path / "both.npz"
    nn.save(a, path, optimizer=opt)
    b = _net()
    nn.load(b, path, optimizer=optim.Adam(b.parameters(), lr=0.01))
    np.testing.assert_array_equal(b[1].running_mean, a[1].running_mean)


def test_register_buffer_errors():
    m = nn.Linear(2, 2, rng=0)
    with pytest.raises(ValueError, match="not a valid attribute name"):
        m.register_buffer("a.b", np.zeros(2))
    with pytest.raises(ValueError, match="'weight' that is not a buffer"):
        m.register_buffer("weight", np.zeros(2))
    with pytest.raises(TypeError, match="register_buffer: x must be real numbers"):
        m.register_buffer("x", np.array(["a"]))
    m.register_buffer("absent", None)
    assert "absent" not in m.state_dict()


def test_apply_visits_children_first_and_returns_the_module():
    net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Sequential(nn.Tanh(), nn.Linear(3, 1, rng=1)))
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "Tanh", "Linear", "Sequential", "Sequential"]


def test_apply_with_init_changes_weights_in_place():
    net = nn.MLP(3, [4, 2], rng=0)
    arrays = [p.data for p in net.parameters()]

    def init(m):
        if isinstance(m, nn.Linear):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    net.apply(init)
    assert all(p.data is a for p, a in zip(net.parameters(), arrays))
    assert (net.layers[0].weight.data == 1).all() and (net.layers[1].bias.data == 0).all()


def test_repr_is_a_tree_for_any_subclass():
    class Block(nn.Module):
        def __init__(self):
            self.conv = nn.Sequential(nn.Linear(2, 2, rng=0), nn.ReLU())
            self.norm = nn.LayerNorm(2)
            self.heads = nn.ModuleList([nn.Linear(2, 1, rng=1), nn.Identity()])

    assert repr(Block()) == """Block(
  (conv): Sequential(
    (0): Linear(2→2)
    (1): ReLU()
  )
  (norm): LayerNorm((2,), eps=1e-05, elementwise_affine=True)
  (heads): ModuleList(
    (0): Linear(2→1)
    (1): Identity()
  )
)"""
    assert repr(nn.Embedding(5, 2, rng=0)) == "Embedding(5, 2)"
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"


def test_module_list_and_dict_register_their_modules():
    class Net(nn.Module):
        def __init__(self):
            self.blocks = nn.ModuleList([nn.Linear(2, 2, rng=i) for i in range(2)])
            self.blocks.append(nn.BatchNorm1d(2))
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1, rng=3)})
            self.heads["b"] = nn.Linear(2, 3, rng=4)

        def forward(self, x):
            for b in self.blocks:
                x = b(x)
            return {k: h(x) for k, h in self.heads.items()}

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
                     "blocks.2.weight", "blocks.2.bias", "heads.a.weight", "heads.a.bias",
                     "heads.b.weight", "heads.b.bias"]
    assert [n for n, _ in net.named_buffers()][0] == "blocks.2.running_mean"
    out = net(np.ones((4, 2)) * np.arange(4)[:, None])
    assert out["b"].shape == (4, 3)
    assert len(net.blocks) == 3 and len(net.blocks[:2]) == 2 and "a" in net.heads
    assert list(net.heads) == ["a", "b"]
    with pytest.raises(TypeError, match="ModuleList: item 3 is a int"):
        net.blocks.append(3)
    with pytest.raises(TypeError, match="ModuleDict: entry 'c'"):
        net.heads["c"] = "no"


def test_parameter_is_a_leaf_that_requires_grad():
    p = nn.Parameter(np.ones(3))
    assert isinstance(p, Value) and p.requires_grad and p.op == ""
    assert isinstance(p, nn.Parameter) and not isinstance(p * 2, nn.Parameter)
    assert not isinstance(Value(1.0, requires_grad=False), nn.Parameter)
    assert not isinstance(np.ones(2), nn.Parameter)
    src = Value([1.0, 2.0])
    q = nn.Parameter(src)
    assert q is not src and q.op == "" and q.requires_grad
    q.data[0] = 5
    assert src.data[0] == 1.0

    class Scale(nn.Module):
        def __init__(self):
            self.s = nn.Parameter(np.ones(2))

    assert [n for n, _ in Scale().named_parameters()] == ["s"]
