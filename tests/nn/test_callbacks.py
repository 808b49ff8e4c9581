"""nn.callbacks: Diagnostics on constructed cases, and LivePlot in and out of a notebook."""

import os
import subprocess
import sys
import textwrap

import matplotlib
import nbclient
import nbformat
import numpy as np
import pytest

import nn
import optim
from nn.callbacks import Diagnostics, LivePlot

matplotlib.use("Agg")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Frozen:
    """An optimizer that zeroes the gradients and changes nothing: every epoch sees
    the same weights."""

    def __init__(self, model):
        self.model = model

    def zero_grad(self):
        self.model.zero_grad()

    def step(self):
        pass


def _data(n=64):
    return nn.datasets.moons(n, noise=0.1, rng=0)


def _relu_net():
    model = nn.MLP(2, [6, 2], rng=1)
    model.layers[0].bias.data[...] = 0.0
    return model


def _diagnose(model, X, y, epochs=2, optimizer=None, **kwargs):
    diag = Diagnostics()
    model.zero_grad()
    nn.fit(model, nn.CrossEntropyLoss(), optimizer or Frozen(model), X, y, epochs=epochs,
           progress=False, callbacks=[diag], **kwargs)
    return diag


def test_history_layout():
    X, y = _data()
    diag = _diagnose(nn.MLP(2, [5, 4, 2], rng=0), X, y, epochs=3, batch_size=16, rng=0)
    assert list(diag.history) == ["layers.0", "layers.1", "layers.2"]
    for stats in diag.history.values():
        assert list(stats) == ["act_mean", "act_std", "grad_mean", "grad_std",
                               "update_ratio", "dead_fraction", "saturation"]
        assert all(len(v) == 3 for v in stats.values())


def test_layer_names_follow_named_parameters():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 2, rng=1))
    X, y = _data()
    diag = _diagnose(model, X, y, epochs=1)
    assert list(diag.history) == ["0", "2"]
    assert diag.activation_names == {"0": "tanh", "2": "no activation"}


def test_a_huge_negative_bias_kills_every_relu():
    model = _relu_net()
    model.layers[0].bias.data[...] = -1e3
    X, y = _data()
    diag = _diagnose(model, X, y, epochs=2, batch_size=16, rng=0)
    stats = diag.history["layers.0"]
    assert stats["dead_fraction"] == [1.0, 1.0]
    assert stats["act_mean"] == [0.0, 0.0] and stats["act_std"] == [0.0, 0.0]
    assert stats["grad_mean"] == [0.0, 0.0]  # no gradient flows through dead units
    assert diag.history["layers.1"]["dead_fraction"] == [0.0, 0.0]


def test_some_dead_units_by_hand():
    model = _relu_net()
    # units 0 and 3 can never fire on these inputs; the others can
    model.layers[0].weight.data[:, [0, 3]] = 0.0
    model.layers[0].bias.data[[0, 3]] = -1.0
    X, y = _data()
    diag = _diagnose(model, X, y, epochs=1)
    z = X @ model.layers[0].weight.data + model.layers[0].bias.data
    expected = 1.0 - np.mean((np.maximum(z, 0) != 0).any(axis=0))
    assert expected == pytest.approx(2 / 6)
    assert diag.history["layers.0"]["dead_fraction"] == [pytest.approx(expected, abs=1e-15)]


def test_weights_ten_times_larger_give_a_ten_times_larger_spread():
    X, y = _data()
    small, large = _relu_net(), _relu_net()
    large.layers[0].weight.data[...] *= 10
    a = _diagnose(small, X, y, epochs=1, batch_size=16, rng=0).history["layers.0"]
    b = _diagnose(large, X, y, epochs=1, batch_size=16, rng=0).history["layers.0"]
    assert b["act_std"][0] == pytest.approx(10 * a["act_std"][0], rel=1e-12)
    assert b["act_mean"][0] == pytest.approx(10 * a["act_mean"][0], rel=1e-12)
    assert b["dead_fraction"] == a["dead_fraction"]


def test_activation_and_gradient_stats_by_hand():
    """Full batch, weights never change: each epoch sees the same activations and
    gradients, computed here without the library's help."""
    model = nn.MLP(2, [4, 2], activation="tanh", rng=2)
    X, y = _data()
    W0, b0 = model.layers[0].weight.data.copy(), model.layers[0].bias.data.copy()
    W1, b1 = model.layers[1].weight.data.copy(), model.layers[1].bias.data.copy()
    diag = _diagnose(model, X, y, epochs=2, validation=(X[:10], y[:10]))
    h = np.tanh(X @ W0 + b0)
    logits = h @ W1 + b1
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dlogits = (p - np.eye(2)[y]) / len(X)
    gW1 = h.T @ dlogits
    gW0 = X.T @ ((dlogits @ W1.T) * (1 - h ** 2))
    for name, act, grad in (("layers.0", h, gW0), ("layers.1", logits, gW1)):
        stats = diag.history[name]
        assert stats["act_mean"] == pytest.approx([act.mean()] * 2, rel=1e-12)
        assert stats["act_std"] == pytest.approx([act.std()] * 2, rel=1e-12)
        assert stats["grad_mean"] == pytest.approx([grad.mean()] * 2, rel=1e-9)
        assert stats["grad_std"] == pytest.approx([grad.std()] * 2, rel=1e-9)
        assert stats["update_ratio"] == [0.0, 0.0]  # nothing moved
        np.testing.assert_array_equal(diag.activations[name], act)


def test_batches_are_pooled_over_the_epoch():
    model = _relu_net()
    X, y = _data()
    diag = _diagnose(model, X, y, epochs=1, batch_size=10, rng=0)
    a = np.maximum(X @ model.layers[0].weight.data, 0)  # bias 0, weights unchanged
    assert diag.history["layers.0"]["act_std"][0] == pytest.approx(a.std(), rel=1e-12)
    assert diag.history["layers.0"]["act_mean"][0] == pytest.approx(a.mean(), rel=1e-12)


def test_update_ratio_by_hand():
    model = _relu_net()
    X, y = _data()
    before = [layer.weight.data.copy() for layer in model.layers]
    diag = _diagnose(model, X, y, epochs=1, optimizer=optim.SGD(model.parameters(), lr=0.1))
    for name, w0, layer in zip(("layers.0", "layers.1"), before, model.layers):
        w1 = layer.weight.data
        expected = (w1 - w0).std() / w1.std()
        assert expected > 0
        assert diag.history[name]["update_ratio"] == [pytest.approx(expected, rel=1e-12)]


def test_forward_is_restored_and_ordinary_runs_are_not_wrapped():
    model = _relu_net()
    X, y = _data()
    wrapped = []

    class Look:
        def on_batch_end(self, step, loss, model):
            wrapped.append(any("forward" in vars(layer) for layer in model.layers))

    _diagnose(model, X, y, epochs=1)
    assert not any("forward" in vars(layer) for layer in model.layers)
    nn.fit(model, nn.CrossEntropyLoss(), Frozen(model), X, y, epochs=1, progress=False,
           callbacks=[Look()])
    assert wrapped == [False]

    class Fails:
        def on_epoch_end(self, epoch, history, model):
            raise RuntimeError("boom")

    diag = Diagnostics()
    with pytest.raises(RuntimeError, match="boom"):
        nn.fit(model, nn.CrossEntropyLoss(), Frozen(model), X, y, epochs=2, progress=False,
               callbacks=[diag, Fails()])
    assert not any("forward" in vars(layer) for layer in model.layers)
    assert set(model.state_dict()) == {"layers.0.weight", "layers.0.bias",
                                       "layers.1.weight", "layers.1.bias"}


def test_plot_draws_histograms_and_ratio_curves():
    import matplotlib.pyplot as plt

    X, y = _data()
    model = nn.MLP(2, [8, 2], rng=0)
    diag = _diagnose(model, X, y, epochs=3, optimizer=optim.Adam(model.parameters()))
    fig = diag.plot()
    axes = fig.axes
    assert len(axes) == 4
    # the hidden layer's activations (the output layer's logits are on another scale),
    # and each layer's weight gradients
    assert len(axes[0].patches) == 1 and len(axes[1].patches) == 2
    zeros = np.mean(diag.activations["layers.0"] == 0)
    assert f"zero {zeros:.0%}" in axes[0].get_legend().get_texts()[0].get_text()
    assert axes[2].get_yscale() == "log"
    curves = [line for line in axes[2].get_lines() if line.get_label().startswith("layers")]
    assert [list(c.get_ydata()) for c in curves] == [diag.history[n]["update_ratio"]
                                                     for n in ("layers.0", "layers.1")]
    plt.close(fig)


# ------------------------------------------------------------------ LivePlot
def test_liveplot_outside_a_notebook_does_nothing(capsys):
    import matplotlib.pyplot as plt

    X, y = _data()
    model = nn.MLP(2, [4, 2], rng=0)
    live = LivePlot(min_seconds=0)
    nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters()), X, y, epochs=3,
           progress=False, callbacks=[live])
    assert live.png is None and plt.get_fignums() == []
    assert capsys.readouterr() == ("", "")


@pytest.mark.slow
def test_liveplot_in_a_terminal_process():
    script = textwrap.dedent("""
        import nn, optim
        from nn.callbacks import LivePlot
        X, y = nn.datasets.moons(50, noise=0.1, rng=0)
        model = nn.MLP(2, [4, 2], rng=0)
        nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters()), X, y,
               epochs=2, progress=False, callbacks=[LivePlot(min_seconds=0)])
        import sys
        print("ipython" if "IPython" in sys.modules else "no ipython")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "no ipython\n" and proc.stderr == ""


@pytest.mark.slow
def test_liveplot_renders_curves_and_a_boundary_for_2d_inputs():
    X, y = _data()
    model = nn.MLP(2, [4, 2], rng=0)
    live = LivePlot()
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters()), X, y,
                     epochs=2, progress=False, callbacks=[live])
    wide = live.render(history, model)
    assert wide[:8] == PNG_MAGIC
    X3 = np.column_stack([X, X[:, 0]])
    model3 = nn.MLP(3, [4, 2], rng=0)
    live3 = LivePlot()
    history3 = nn.fit(model3, nn.CrossEntropyLoss(), optim.Adam(model3.parameters()), X3, y,
                      epochs=2, progress=False, callbacks=[live3])
    narrow = live3.render(history3, model3)

    def width(png):
        return int.from_bytes(png[16:20], "big")

    assert width(wide) > 1.5 * width(narrow)  # the boundary panel beside the curves


def test_single_outputs_are_cut_as_logits_or_as_probabilities():
    point = np.array([[0.0, 0.0]])
    logit = nn.Linear(2, 1)
    logit.bias.data[...] = 0.3  # a logit of 0.3: class 1 (a cut at 0.5 would say 0)
    prob = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    prob[0].bias.data[...] = np.log(0.3 / 0.7)  # a probability of 0.3: class 0
    for model in (logit, prob[0]):
        model.weight.data[...] = 0.0
    assert nn.callbacks.predict_classes(logit, point).tolist() == [1]
    assert nn.callbacks.predict_classes(prob, point).tolist() == [0]
    assert nn.callbacks.predict_classes(logit, point, threshold=0.5).tolist() == [0]
    scores = nn.Linear(2, 3)
    scores.weight.data[...] = 0.0
    scores.bias.data[...] = [0.1, 0.7, 0.2]
    assert nn.callbacks.predict_classes(scores, point).tolist() == [1]


def test_decision_boundary_colours_the_predicted_regions():
    from matplotlib.figure import Figure

    X, y = _data()
    model = nn.MLP(2, [4, 2], rng=0)
    ax = Figure().subplots()
    assert nn.callbacks.plot_decision_boundary(ax, model, X, y, resolution=30) is ax
    assert len(ax.collections) >= 2  # the filled regions and the points
    assert model.training  # its mode is given back


@pytest.mark.slow
def test_liveplot_updates_one_picture_in_a_notebook(tmp_path, monkeypatch):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(  # the kernel imports this checkout
        p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent("""
        import nn, optim
        from nn.callbacks import LivePlot
        X, y = nn.datasets.moons(80, noise=0.1, rng=0)
        model = nn.MLP(2, [8, 2], rng=0)
        live = LivePlot(min_seconds=0)
        drawn = []
        render = live.render
        live.render = lambda *a: drawn.append(1) or render(*a)
        nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.05), X, y,
               epochs=4, progress=False, callbacks=[live])
        print(len(drawn))
    """))]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1, "one picture, redrawn in place"
    assert images[0]["data"]["image/png"]  # base64 PNG
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    # the first epoch and the end at least (later epochs as drawing time allows),
    # all into the one picture above
    assert 2 <= int(text) <= 5


def test_liveplot_checks_its_arguments():
    with pytest.raises(ValueError, match="min_seconds"):
        LivePlot(min_seconds=-1)
