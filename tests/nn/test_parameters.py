"""What a module's parameters are: leaf Values that require grad, never an op's output."""

import numpy as np

import nn
import optim
from autograd_core import Value


class KeepsHidden(nn.Module):
    """A forward that keeps an intermediate result on the module."""

    def __init__(self):
        self.lin = nn.Linear(2, 3, rng=0)

    def forward(self, x):
        self.hidden = self.lin(x)
        return self.hidden.relu().sum()


X = np.array([[1.0, -2.0], [0.5, 3.0]])


def test_output_kept_by_forward_is_not_a_parameter():
    model = KeepsHidden()
    model(X)
    assert model.hidden.op != "" and model.hidden.requires_grad  # an op's output
    assert [n for n, _ in model.named_parameters()] == ["lin.weight", "lin.bias"]
    assert list(model.state_dict()) == ["lin.weight", "lin.bias"]
    assert all(p is q for p, q in zip(model.parameters(), [model.lin.weight, model.lin.bias]))


def test_optimizer_never_steps_the_kept_output():
    model = KeepsHidden()
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = model(X)
    loss.backward()
    hidden = model.hidden.data.copy()
    w = model.lin.weight.data.copy()
    grad = model.lin.weight.grad.copy()
    opt.step()
    np.testing.assert_array_equal(model.hidden.data, hidden)
    np.testing.assert_array_equal(model.lin.weight.data, w - 0.1 * grad)


def test_state_dict_round_trip_after_forward(tmp_path):
    src, dst = KeepsHidden(), KeepsHidden()
    src.lin.weight.data[...] = 7.0
    src(X)
    dst(X)
    dst.load_state_dict(src.state_dict())  # no "hidden" entry asked for or refused
    np.testing.assert_array_equal(dst.lin.weight.data, 7.0)
    nn.save(src, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as f:
        assert sorted(f.files) == ["lin.bias", "lin.weight"]


def test_outputs_in_containers_are_not_parameters():
    class Cache(nn.Module):
        def __init__(self):
            self.w = Value(np.ones(2))                      # made by the user: a parameter
            self.frozen = Value(np.ones(2), requires_grad=False)

        def forward(self, x):
            self.seen = [self.w * x, {"sum": (self.w * x).sum()}]
            return self.seen[1]["sum"]

    m = Cache()
    m(np.array([1.0, 2.0]))
    assert [n for n, _ in m.named_parameters()] == ["w"]
