"""fit checks every argument before the first update, and stops cleanly on Ctrl-C."""

import signal

import numpy as np
import pytest
import tqdm.auto

import nn
import optim


def _data(n=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)), rng.integers(0, 3, size=n)


def _setup():
    model = nn.MLP(2, [4, 3], rng=0)
    return model, optim.Adam(model.parameters(), lr=0.1), model.state_dict()


def _unchanged(model, before, opt=None):
    same = all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    return same and (opt is None or not any(opt.state))  # Adam keeps state once it steps


# ------------------------------------------------------ arguments checked up front
BAD_VALIDATION = [
    ("features", lambda X, y: (np.ones((4, 5)), y[:4]), ValueError, "validation X has rows"),
    ("y rows", lambda X, y: (X[:4], np.ones((4, 3))), ValueError, "validation y has rows"),
    ("lengths", lambda X, y: (X[:4], y[:3]), ValueError, "same number of rows"),
    ("empty", lambda X, y: (X[:0], y[:0]), ValueError, "empty"),
    ("class out of range", lambda X, y: (X[:4], np.array([0, 1, 2, 3])), ValueError,
     "out of range"),
    ("negative class", lambda X, y: (X[:4], np.array([0, -1, 2, 1])), ValueError,
     "out of range"),
    ("complex", lambda X, y: (X[:4] + 0j, y[:4]), TypeError, "fit: validation X"),
    ("strings", lambda X, y: (X[:4], ["0", "1", "2", "0"]), TypeError, "fit: validation y"),
    ("triple", lambda X, y: (X, y, y), TypeError, "validation must be"),
    ("fraction 1", lambda X, y: 1.0, ValueError, "validation"),
    ("fraction 0", lambda X, y: 0.0, ValueError, "validation"),
    ("bool", lambda X, y: True, TypeError, "validation"),
    ("string", lambda X, y: "20%", TypeError, "validation"),
]


@pytest.mark.parametrize("make,error,match", [b[1:] for b in BAD_VALIDATION],
                         ids=[b[0] for b in BAD_VALIDATION])
def test_bad_validation_raises_before_any_update(make, error, match):
    model, opt, before = _setup()
    X, y = _data()
    with pytest.raises(error, match=match):
        nn.fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=3, batch_size=2,
               validation=make(X, y), progress=False, rng=0)
    assert _unchanged(model, before, opt)


BAD_ARGUMENTS = [
    ("epochs 0", {"epochs": 0}, ValueError, "epochs"),
    ("epochs float", {"epochs": 2.0}, ValueError, "epochs"),
    ("batch_size 0", {"batch_size": 0}, ValueError, "batch_size"),
    ("batch_size str", {"batch_size": "8"}, ValueError, "batch_size"),
    ("patience 0", {"patience": 0, "validation": 0.5}, ValueError, "patience"),
    ("patience without validation", {"patience": 2}, ValueError, "validation"),
    ("target_loss nan", {"target_loss": float("nan")}, ValueError, "target_loss"),
    ("target_loss str", {"target_loss": "low"}, ValueError, "target_loss"),
    ("progress", {"progress": "yes"}, ValueError, "progress"),
    ("rng", {"rng": "seed"}, TypeError, "rng"),
    ("rng negative", {"rng": -1}, ValueError, "rng"),
    ("X rows", {"X": np.ones((7, 2))}, ValueError, "rows"),
    ("X scalar", {"X": 1.0}, ValueError, "X must have at least one dimension"),
    ("empty", {"X": np.ones((0, 2)), "y": np.ones(0, int)}, ValueError, "empty"),
    ("one row to split", {"X": np.ones((1, 2)), "y": np.zeros(1, int), "validation": 0.5},
     ValueError, "at least 2 rows"),
    ("model", {"model": lambda x: x}, TypeError, "Module"),
    ("loss_fn", {"loss_fn": "mse"}, TypeError, "loss_fn"),
    ("optimizer", {"optimizer": object()}, TypeError, "zero_grad"),
]


@pytest.mark.parametrize("change,error,match", [b[1:] for b in BAD_ARGUMENTS],
                         ids=[b[0] for b in BAD_ARGUMENTS])
def test_bad_argument_raises_before_any_update(change, error, match):
    model, opt, before = _setup()
    X, y = _data()
    args = dict(model=model, loss_fn=nn.CrossEntropyLoss(), optimizer=opt, X=X, y=y,
                epochs=2, batch_size=4, progress=False, rng=0)
    args.update(change)
    with pytest.raises(error, match=match):
        nn.fit(**args)
    assert _unchanged(model, before, opt)


def test_optimizer_over_another_models_parameters():
    model, _, before = _setup()
    other = nn.MLP(2, [4, 3], rng=0)
    opt = optim.SGD(other.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="parameter 0 of the optimizer .* not a parameter "
                                         "of the model"):
        nn.fit(model, nn.CrossEntropyLoss(), opt, *_data(), epochs=1, progress=False)
    assert _unchanged(model, before) and _unchanged(other, before)


def test_optimizer_over_part_of_the_model_is_fine():
    model, _, before = _setup()
    opt = optim.SGD(model.layers[1].parameters(), lr=0.1)  # the first layer frozen
    nn.fit(model, nn.CrossEntropyLoss(), opt, *_data(), epochs=1, progress=False)
    after = model.state_dict()
    assert np.array_equal(after["layers.0.weight"], before["layers.0.weight"])
    assert not np.array_equal(after["layers.1.weight"], before["layers.1.weight"])


# ------------------------------------------------------------------ Ctrl-C
class Counting:
    """An optimizer that sets the model's one weight to the number of steps taken."""

    def __init__(self, weight):
        self.weight, self.steps = weight, 0

    def zero_grad(self):
        pass

    def step(self):
        self.steps += 1
        self.weight.data[...] = self.steps


def _one_weight():
    model = nn.Linear(1, 1, bias=False)
    model.weight.data[...] = 0.0
    return model


def _interrupting_loss(at_call, how):
    """An MSE loss that, on its `at_call`-th call, raises KeyboardInterrupt
    itself ("raise"), sends SIGINT as Ctrl-C does ("signal"), or twice ("twice")."""
    calls = [0]

    def loss_fn(pred, target):
        calls[0] += 1
        if calls[0] == at_call:
            if how == "raise":
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)
            if how == "twice":
                signal.raise_signal(signal.SIGINT)
        return nn.functional.mse_loss(pred, target)
    return loss_fn


X8, Y8 = np.ones((8, 1)), np.zeros((8, 1))  # 4 steps an epoch with batch_size=2


@pytest.mark.parametrize("how,steps_done", [("raise", 5), ("signal", 6), ("twice", 5)])
def test_ctrl_c_mid_epoch(how, steps_done):
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    model = _one_weight()
    opt = Counting(model.weight)
    history = nn.fit(model, _interrupting_loss(6, how), opt, X8, Y8, epochs=5, batch_size=2,
                     progress=False, rng=0)
    # a KeyboardInterrupt raised in the step ends it there; Ctrl-C lets it finish
    assert opt.steps == steps_done and model.weight.data[0, 0] == steps_done
    assert history.stop_reason == "interrupted" and history.stopped_early
    assert history.epochs_run == 1 and len(history.loss) == 1  # the cut epoch is not recorded
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_keyboard_interrupt_in_the_optimizer_step():
    model = _one_weight()

    class Stops(Counting):
        def step(self):
            if self.steps == 2:
                raise KeyboardInterrupt
            super().step()

    opt = Stops(model.weight)
    history = nn.fit(model, nn.MSELoss(), opt, X8, Y8, epochs=5, batch_size=2,
                     progress=False, rng=0)
    assert opt.steps == 2 and history.stop_reason == "interrupted"
    assert history.epochs_run == 0 and history.loss == []


def test_ctrl_c_in_the_last_step_of_an_epoch_keeps_that_epoch():
    model = _one_weight()
    opt = Counting(model.weight)
    one, zero = np.ones((1, 1)), np.zeros((1, 1))
    history = nn.fit(model, _interrupting_loss(2, "signal"), opt, one, zero, epochs=5,
                     validation=(one, zero), progress=False)
    # calls: 1 the validation check, 2 the first step, 3 its validation
    assert opt.steps == 1 and history.epochs_run == 1
    assert history.loss == [0.0] and history.val_loss == [1.0]
    assert history.stop_reason == "interrupted"


def test_ctrl_c_restores_the_best_weights_with_patience():
    model = _one_weight()
    one, zero = np.ones((1, 1)), np.zeros((1, 1))

    class Script(Counting):
        def step(self):
            self.steps += 1
            self.weight.data[...] = [2.0, 1.0, 3.0, 4.0, 5.0][self.steps - 1]

    opt = Script(model.weight)
    # calls: the validation check, then a step and a validation per epoch;
    # Ctrl-C in the fourth epoch's (only) step, which completes that epoch
    history = nn.fit(model, _interrupting_loss(8, "signal"), opt, one, zero, epochs=10,
                     validation=(one, zero), patience=5, progress=False)
    assert history.stop_reason == "interrupted" and opt.steps == 4
    assert history.val_loss == [4.0, 1.0, 9.0, 16.0] and history.best_epoch == 1
    assert model.weight.data[0, 0] == 1.0


def test_progress_bar_closed_and_handler_restored(monkeypatch):
    bars = []

    class Bar(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)  # fit uses tqdm.auto
    model = _one_weight()
    history = nn.fit(model, _interrupting_loss(3, "raise"), Counting(model.weight), X8, Y8,
                     epochs=3, batch_size=2, progress=True)
    assert history.stop_reason == "interrupted"
    assert len(bars) == 1 and bars[0].disable  # tqdm marks a closed bar disabled
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_handler_restored_after_an_error():
    model = _one_weight()

    def broken(pred, target):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        nn.fit(model, broken, Counting(model.weight), X8, Y8, epochs=1, progress=False)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
