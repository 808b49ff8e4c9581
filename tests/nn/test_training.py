"""nn.fit and History: the classic numpy examples, convergence, stopping rules."""

import matplotlib
import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from fit_stand_ins import Scripted, one_weight as _one_weight

matplotlib.use("Agg")


class NoOp:
    """A stand-in optimizer that never changes anything."""

    def zero_grad(self):
        pass

    def step(self):
        pass


# ------------------------------------------------ the classic numpy example
def _classic(X, y, queries):
    """Two sigmoid layers without biases, weights from np.random.seed(1),
    10,000 full-batch SGD steps with lr 1 on 0.5 * sum((y - out)**2)."""
    n = X.shape[1]
    np.random.seed(1)
    weights0 = 2 * np.random.random((n, n)) - 1
    weights1 = 2 * np.random.random((n, 1)) - 1
    l0, l1 = nn.Linear(n, n, bias=False), nn.Linear(n, 1, bias=False)
    l0.weight.data[...] = weights0
    l1.weight.data[...] = weights1
    model = nn.Sequential(l0, nn.Sigmoid(), l1, nn.Sigmoid())
    history = nn.fit(model, lambda out, t: 0.5 * F.mse_loss(out, t, reduction="sum"),
                     optim.SGD(model.parameters(), lr=1.0), X, y, epochs=10_000,
                     progress=False)
    assert history.epochs_run == 10_000 and history.loss[-1] < history.loss[0]
    return model(np.array(queries, dtype=float)).data.ravel()


@pytest.mark.slow
def test_classic_xor_reproduces_reference_numbers():
    X, y = nn.datasets.xor()
    pred = _classic(X, y, [[0, 1], [1, 0]])
    np.testing.assert_allclose(pred, [0.86002842, 0.86003543], atol=1e-6)


@pytest.mark.slow
def test_classic_four_bit_parity_reproduces_reference_numbers():
    X, y = nn.datasets.parity(4)
    pred = _classic(X, y, [[1, 0, 1, 1], [0, 1, 0, 0]])
    np.testing.assert_allclose(pred, [0.99995361, 0.95753402], atol=1e-6)


# ------------------------------------------------------------- convergence
@pytest.mark.slow
def test_moons_reaches_95_percent_training_accuracy():
    X, y = nn.datasets.moons(200, noise=0.1, rng=0)
    model = nn.MLP(2, [16, 16, 1], rng=0)
    history = nn.fit(model, nn.BCEWithLogitsLoss(), optim.Adam(model.parameters(), lr=0.03),
                     X, y.reshape(-1, 1), epochs=150, batch_size=32, progress=False, rng=0)
    accuracy = ((model(X).data.ravel() > 0) == (y == 1)).mean()
    assert accuracy >= 0.95
    assert len(history.accuracy) == history.epochs_run and history.accuracy[-1] >= 0.9


@pytest.mark.slow
def test_digits_mlp_reaches_95_percent_on_held_out_split():
    X, y = nn.datasets.digits()
    (X_train, y_train), (X_val, y_val) = nn.train_val_split(X, y, 0.2, rng=0)
    model = nn.MLP(64, [64, 10], rng=0)
    # How long the 10 epochs take is measured by benchmarks/digits.py.
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.01),
                     X_train, y_train, epochs=10, batch_size=64,
                     validation=(X_val, y_val), progress=False, rng=0)
    model.eval()
    accuracy = (model(X_val).data.argmax(axis=1) == y_val).mean()
    assert accuracy >= 0.95
    assert history.val_accuracy[-1] == pytest.approx(accuracy)


# ----------------------------------------------------------- stopping rules
def test_early_stopping_restores_best_weights():
    model = _one_weight()
    script = [3.0, 2.0, 1.0, 1.5, 2.5, 4.0, 0.5, 0.1]
    one, zero = np.ones((1, 1)), np.zeros((1, 1))
    history = nn.fit(model, nn.MSELoss(), Scripted(model.weight, script), one, zero,
                     epochs=8, validation=(one, zero), patience=3, progress=False)
    np.testing.assert_allclose(history.val_loss, [9.0, 4.0, 1.0, 2.25, 6.25, 16.0])
    np.testing.assert_allclose(history.loss, [25.0, 9.0, 4.0, 1.0, 2.25, 6.25])
    assert history.best_epoch == 2 and history.epochs_run == 6
    assert history.stopped_early and history.stop_reason == "patience"
    assert model.weight.data[0, 0] == 1.0


def test_best_weights_restored_when_epochs_run_out_first():
    model = _one_weight()
    script = [3.0, 2.0, 1.0, 1.5, 2.5]
    one, zero = np.ones((1, 1)), np.zeros((1, 1))
    history = nn.fit(model, nn.MSELoss(), Scripted(model.weight, script), one, zero,
                     epochs=4, validation=(one, zero), patience=10, progress=False)
    assert history.stop_reason == "epochs" and not history.stopped_early
    assert history.best_epoch == 2 and model.weight.data[0, 0] == 1.0


def test_target_loss_stops_on_training_loss():
    model = _one_weight()
    history = nn.fit(model, nn.MSELoss(), Scripted(model.weight, [3.0, 2.0, 1.0, 0.5, 0.1]),
                     np.ones((1, 1)), np.zeros((1, 1)), epochs=5, target_loss=4.0,
                     progress=False)
    assert history.loss == [25.0, 9.0, 4.0]
    assert history.stopped_early and history.stop_reason == "target_loss"
    assert history.epochs_run == 3


def test_target_loss_on_real_training():
    X, y = nn.datasets.xor()
    model = nn.MLP(2, [8, 1], activation="tanh", rng=1)
    history = nn.fit(model, nn.MSELoss(), optim.Adam(model.parameters(), lr=0.05), X, y,
                     epochs=2000, target_loss=0.01, progress=False)
    assert history.stop_reason == "target_loss" and history.epochs_run < 2000
    assert history.loss[-1] <= 0.01 < history.loss[-2]


def test_runs_to_the_end_without_stopping_rules():
    model = _one_weight()
    history = nn.fit(model, nn.MSELoss(), NoOp(), np.ones((1, 1)), np.zeros((1, 1)),
                     epochs=4, progress=False)
    assert history.epochs_run == 4 and not history.stopped_early
    assert history.stop_reason == "epochs" and history.best_epoch == 0


# ------------------------------------------------------------ bookkeeping
def test_epoch_loss_weights_batches_by_size():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    model = nn.Linear(2, 1, rng=0)
    history = nn.fit(model, nn.MSELoss(), NoOp(), X, y, epochs=2, batch_size=3,
                     progress=False, rng=0)
    expected = np.mean((X @ model.weight.data + model.bias.data - y) ** 2)
    np.testing.assert_allclose(history.loss, [expected, expected], rtol=1e-12)


def test_validation_runs_in_eval_mode_without_graph():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))
    Xv, yv = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    model = nn.Sequential(nn.Linear(3, 8, rng=0), nn.Dropout(0.5, rng=0), nn.Linear(8, 1, rng=1))
    calls = []

    def loss_fn(pred, target):
        calls.append((pred.requires_grad, model.training))
        return F.mse_loss(pred, target)

    history = nn.fit(model, loss_fn, NoOp(), X, y, epochs=1, validation=(Xv, yv),
                     progress=False)
    # the validation data checked before training, one training step, one validation
    assert calls == [(False, False), (True, True), (False, False)]
    model.eval()
    expected = F.mse_loss(model(Xv), yv).item()
    assert history.val_loss == [expected]
    assert history.loss[0] != pytest.approx(F.mse_loss(model(X), y).item())  # dropout was on


def test_training_mode_restored_after_fit():
    model = nn.Sequential(nn.Linear(1, 1, rng=0), nn.Dropout(0.2))
    model.eval()
    nn.fit(model, nn.MSELoss(), NoOp(), np.ones((2, 1)), np.ones((2, 1)), epochs=1,
           progress=False)
    assert not model.training and not model[1].training


def test_same_rng_same_run_bit_for_bit():
    X, y = nn.datasets.spirals(60, 3, rng=0)

    def run(seed):
        model = nn.Sequential(nn.MLP(2, [16, 16], rng=3), nn.Dropout(0.1, rng=4),
                              nn.Linear(16, 3, rng=5))
        history = nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.01),
                         X, y, epochs=5, batch_size=8, validation=0.25, progress=False,
                         rng=seed)
        return history, model.state_dict()

    (h1, s1), (h2, s2), (h3, _) = run(11), run(11), run(12)
    assert h1.loss == h2.loss and h1.val_loss == h2.val_loss
    assert h1.accuracy == h2.accuracy and h1.val_accuracy == h2.val_accuracy
    assert all(np.array_equal(s1[k], s2[k]) for k in s1)
    assert h1.loss != h3.loss
    assert len(h1.val_loss) == 5


@pytest.mark.parametrize("loss_fn, y, pred_is_prob", [
    (nn.CrossEntropyLoss(), np.array([0, 1, 1, 0]), None),
    (F.cross_entropy, np.array([0, 1, 1, 0]), None),
    (nn.BCEWithLogitsLoss(), np.array([[0.0], [1.0], [1.0], [0.0]]), False),
    (nn.BCELoss(), np.array([[0.0], [1.0], [1.0], [0.0]]), True),
])
def test_accuracy_recorded_for_classification(loss_fn, y, pred_is_prob):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    out = 2 if pred_is_prob is None else 1
    model = nn.MLP(2, [4, out], output_activation="sigmoid" if pred_is_prob else None, rng=2)
    history = nn.fit(model, loss_fn, NoOp(), X, y, epochs=1, validation=(X, y),
                     progress=False)
    pred = model(X).data
    if pred_is_prob is None:
        expected = (pred.argmax(axis=1) == y).mean()
    else:
        expected = ((pred > (0.5 if pred_is_prob else 0.0)) == (y > 0.5)).mean()
    assert history.accuracy == [expected] and history.val_accuracy == [expected]


def test_no_accuracy_for_regression():
    history = nn.fit(_one_weight(), F.mse_loss, NoOp(), np.ones((3, 1)), np.ones((3, 1)),
                     epochs=2, validation=0.34, progress=False, rng=0)
    assert history.accuracy == [] and history.val_accuracy == []
    assert len(history.val_loss) == 2


def test_progress_bar_on_stderr(capsys):
    args = (nn.MSELoss(), NoOp(), np.ones((2, 1)), np.zeros((2, 1)))
    nn.fit(_one_weight(), *args, epochs=3, validation=(np.ones((1, 1)), np.zeros((1, 1))),
           progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=" in err and "val_loss=" in err
    nn.fit(_one_weight(), *args, epochs=3, progress=False)
    assert capsys.readouterr().err == ""


def test_history_plot_returns_axes():
    import matplotlib.pyplot as plt

    history = nn.History(loss=[1.0, 0.5], val_loss=[1.2, 0.7], accuracy=[0.5, 0.8],
                         val_accuracy=[0.4, 0.7], epochs_run=2)
    ax = history.plot()
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["loss", "val loss"]
    assert len(ax.figure.axes) == 2  # accuracy on a second y axis
    _, own = plt.subplots()
    assert nn.History(loss=[1.0], epochs_run=1).plot(ax=own) is own
    plt.close("all")


# ------------------------------------------------------------------ errors
def test_fit_argument_errors():
    model, X, y = _one_weight(), np.ones((4, 1)), np.ones((4, 1))
    with pytest.raises(ValueError, match="validation"):
        nn.fit(model, nn.MSELoss(), NoOp(), X, y, epochs=2, patience=1, progress=False)
    with pytest.raises(ValueError, match="epochs"):
        nn.fit(model, nn.MSELoss(), NoOp(), X, y, epochs=0, progress=False)
    with pytest.raises(ValueError, match="single-element"):
        nn.fit(model, nn.MSELoss(reduction="none"), NoOp(), X, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match="rows"):
        nn.fit(model, nn.MSELoss(), NoOp(), X, y[:3], epochs=1, progress=False)
    with pytest.raises(TypeError, match="validation"):
        nn.fit(model, nn.MSELoss(), NoOp(), X, y, epochs=1, validation="20%", progress=False)
    with pytest.raises(TypeError, match="Module"):
        nn.fit(lambda x: x, nn.MSELoss(), NoOp(), X, y, epochs=1, progress=False)
