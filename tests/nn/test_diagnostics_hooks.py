"""Diagnostics on any layer with parameters, saturation, and instruments that leave the
model as they found it (copies made during fit, pickling); nn.hooks itself."""

import copy
import gc
import math
import pickle

import matplotlib
import numpy as np

import nn
import optim
from autograd_core import Value
from nn import hooks
from nn.callbacks import Diagnostics

matplotlib.use("Agg")

X, Y = nn.datasets.moons(64, noise=0.1, rng=0)


class Scaled(nn.Module):
    """A layer of the user's: parameters of its own, no Linear."""

    def __init__(self, n, gain):
        self.gain = Value(np.full(n, float(gain)))
        self.shift = Value(np.zeros(n))

    def forward(self, x):
        return x * self.gain + self.shift


def _fit(model, epochs=2, callbacks=(), lr=0.05):
    diag = Diagnostics()
    nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr), X, Y,
           epochs=epochs, batch_size=16, progress=False, rng=0,
           callbacks=[diag, *callbacks])
    return diag


def _state(model):
    """Every module's attribute names (but the mode, which fit sets): what an
    instrument must not change."""
    return [sorted(set(vars(m)) - {"training"}) for m in model.modules()]


def test_a_copy_made_during_fit_keeps_no_hook_and_computes_with_its_own_weights():
    model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 2, rng=1))
    before = _state(model)
    copies = []

    class Snapshot:
        def on_epoch_end(self, epoch, history, model):
            copies.append(copy.deepcopy(model))

    _fit(model, epochs=3, callbacks=[Snapshot()])
    assert _state(model) == before and hooks.active == 0
    first = copies[0]
    assert _state(first) == before
    expected = first(X).data.copy()
    # Training the live model on changes nothing in the copy's output ...
    for p in model.parameters():
        p.data[...] += 1.0
    np.testing.assert_array_equal(first(X).data, expected)
    # ... which is what its own weights compute.
    fresh = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    fresh.load_state_dict(first.state_dict())
    np.testing.assert_array_equal(fresh(X).data, expected)
    # And it pickles, as does the model.
    again = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(again(X).data, expected)
    pickle.dumps(model)


def test_a_model_pickled_while_diagnostics_records_has_no_trace_of_it():
    model = nn.MLP(2, [6, 2], rng=0)
    diag = Diagnostics()
    diag.on_train_begin(model)
    assert hooks.active == 2
    restored = pickle.loads(pickle.dumps(model))
    assert _state(restored) == _state(nn.MLP(2, [6, 2], rng=0))
    restored(X)  # no hook of the original's is called for the copy
    assert diag._layers["layers.0"].acts.n == 0
    model(X)
    assert diag._layers["layers.0"].acts.n == 6 * len(X)
    diag.on_train_end()
    assert hooks.active == 0


def test_any_layer_with_parameters_is_diagnosed_with_saturation():
    model = nn.Sequential(Scaled(2, 6.0), nn.Tanh(), nn.Linear(2, 5, rng=0), nn.ReLU(),
                          nn.Linear(5, 2, rng=1), nn.Sigmoid())
    diag = _fit(model, epochs=2, lr=0.0)
    assert list(diag.history) == ["0", "2", "4"]
    assert diag.activation_names == {"0": "tanh", "2": "relu", "4": "sigmoid"}
    for stats in diag.history.values():
        assert all(len(values) == 2 for values in stats.values())
    # By hand: the share of |tanh(6 x)| above 0.97 over the epoch's inputs (lr 0).
    by_hand = float(np.mean(np.abs(np.tanh(6.0 * X)) > 0.97))
    assert diag.history["0"]["saturation"] == [by_hand, by_hand]
    assert 0.3 < by_hand < 1.0
    assert math.isnan(diag.history["2"]["saturation"][0])  # ReLU: dead, not saturated
    z = nn.Sequential(*list(model)[:5]).eval()(X).data
    s = 1 / (1 + np.exp(-z))
    assert diag.history["4"]["saturation"][0] == float(np.mean(4 * s * (1 - s) < 0.06))
    grads = diag.history["0"]["grad_std"]
    assert all(g > 0 for g in grads)  # the gradient of Scaled's `gain` (its first parameter)
    fig = diag.plot()
    labels = [t.get_text() for t in fig.axes[3].get_legend().get_texts()]
    assert "0 (saturated)" in labels and "2" in labels


def test_small_tanh_weights_are_not_saturated():
    model = nn.Sequential(Scaled(2, 0.1), nn.Tanh(), nn.Linear(2, 2, rng=0))
    diag = _fit(model, epochs=1, lr=0.0)
    assert diag.history["0"]["saturation"] == [0.0]
    assert diag.history["0"]["dead_fraction"] == [0.0]


def test_hooks_are_held_beside_the_module_and_weakly():
    layer = nn.Linear(2, 2, rng=0)
    seen = []
    handle = hooks.register_forward_hook(layer, lambda m, args, out: seen.append(out.shape))
    assert hooks.active == 1 and "forward" not in vars(layer)
    layer(np.ones((3, 2)))
    assert seen == [(3, 2)]
    double = hooks.register_forward_hook(layer, lambda m, args, out: out * 2)
    np.testing.assert_allclose(layer(np.ones((1, 2))).data,
                               2 * (np.ones((1, 2)) @ layer.weight.data + layer.bias.data))
    double.remove()
    double.remove()  # a second remove does nothing
    handle.remove()
    assert hooks.active == 0
    layer(np.ones((3, 2)))
    assert seen == [(3, 2), (1, 2)]
    hooks.register_forward_hook(layer, lambda m, args, out: None)
    assert hooks.active == 1
    del layer
    gc.collect()
    assert hooks.active == 0
