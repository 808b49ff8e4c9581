"""fit as a loop plus callbacks: the built-in ones used directly, a callback that stops
training, and the loop short enough to read."""

import ast
import inspect

import numpy as np
import pytest

import nn
import nn.callbacks
import nn.plots
import nn.training
from nn.callbacks import EarlyStopping, ProgressBar, TargetLoss
from fit_stand_ins import Scripted, one_weight as _one_weight


ONE, ZERO = np.ones((1, 1)), np.zeros((1, 1))
SCRIPT = [3.0, 2.0, 1.0, 1.5, 2.5, 4.0, 0.5, 0.1]  # validation losses 9, 4, 1, 2.25, ...


def _code_lines(fn):
    """The lines of `fn`'s body after its docstring, without blank lines and comments."""
    source = inspect.getsource(fn)
    body = ast.parse(source).body[0].body
    lines = source.splitlines()[body[1].lineno - 1:]
    return [line for line in lines if line.strip() and not line.strip().startswith("#")]


def test_fit_is_a_short_loop():
    lines = _code_lines(nn.fit)
    assert len(lines) <= 45, "\n".join(lines)
    text = "\n".join(lines)
    for step in ("optimizer.zero_grad()", "loss.backward()", "optimizer.step()",
                 "hooks.epoch_end(", "history.stopped_early"):
        assert step in text  # the training step and the stop flag in plain view


def test_an_early_stopping_of_ones_own_is_the_patience_argument():
    by_argument = _one_weight()
    h1 = nn.fit(by_argument, nn.MSELoss(), Scripted(by_argument.weight, SCRIPT), ONE, ZERO,
                epochs=8, validation=(ONE, ZERO), patience=3, progress=False)
    own = _one_weight()
    h2 = nn.fit(own, nn.MSELoss(), Scripted(own.weight, SCRIPT), ONE, ZERO, epochs=8,
                validation=(ONE, ZERO), progress=False, callbacks=[EarlyStopping(3)])
    assert h1 == h2
    assert h2.stop_reason == "patience" and h2.epochs_run == 6 and h2.best_epoch == 2
    assert own.weight.data[0, 0] == 1.0  # the best epoch's weight, put back


def test_early_stopping_can_keep_the_last_weights():
    model = _one_weight()
    history = nn.fit(model, nn.MSELoss(), Scripted(model.weight, SCRIPT), ONE, ZERO,
                     epochs=8, validation=(ONE, ZERO), progress=False,
                     callbacks=[EarlyStopping(3, restore_best_weights=False)])
    assert history.stop_reason == "patience" and model.weight.data[0, 0] == 4.0


def test_a_target_loss_of_ones_own():
    model = _one_weight()
    history = nn.fit(model, nn.MSELoss(), Scripted(model.weight, SCRIPT), ONE, ZERO,
                     epochs=8, progress=False, callbacks=[TargetLoss(4.0)])
    assert history.loss == [25.0, 9.0, 4.0] and history.stop_reason == "target_loss"


def test_a_callback_stops_training_through_the_history():
    class StopAtTwo:
        def on_epoch_end(self, epoch, history, model):
            if epoch == 1:
                history.stop("enough")
                history.stop("ignored: the first reason is kept")

    model = _one_weight()
    history = nn.fit(model, nn.MSELoss(), Scripted(model.weight, SCRIPT), ONE, ZERO,
                     epochs=8, progress=False, callbacks=[StopAtTwo()])
    assert history.epochs_run == 2 and history.loss == [25.0, 9.0]
    assert history.stopped_early and history.stop_reason == "enough"


def test_an_error_leaves_the_weights_and_says_error_to_on_train_end():
    seen = []

    class FailsLate:
        def on_epoch_end(self, epoch, history, model):
            if epoch == 4:
                raise RuntimeError("late failure")

        def on_train_end(self, history, model):
            seen.append((history.stop_reason, history.stopped_early))

    model = _one_weight()
    with pytest.raises(RuntimeError, match="late failure"):
        nn.fit(model, nn.MSELoss(), Scripted(model.weight, SCRIPT), ONE, ZERO, epochs=8,
               validation=(ONE, ZERO), patience=5, progress=False, callbacks=[FailsLate()])
    assert seen == [("error", True)]
    assert model.weight.data[0, 0] == 2.5  # not the best epoch's 1.0


def test_an_early_stopping_without_validation_is_refused_before_any_update():
    model = _one_weight()
    with pytest.raises(ValueError, match="needs validation data"):
        nn.fit(model, nn.MSELoss(), Scripted(model.weight, SCRIPT), ONE, ZERO, epochs=3,
               progress=False, callbacks=[EarlyStopping(2)])
    assert model.weight.data[0, 0] == 5.0


@pytest.mark.parametrize("make, error, match", [
    (lambda: EarlyStopping(0), ValueError, "EarlyStopping: patience"),
    (lambda: EarlyStopping(1.5), ValueError, "EarlyStopping: patience"),
    (lambda: TargetLoss(float("nan")), ValueError, "TargetLoss: target"),
])
def test_built_in_callbacks_check_their_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_a_progress_bar_of_ones_own(capsys):
    model = _one_weight()
    nn.fit(model, nn.MSELoss(), Scripted(model.weight, SCRIPT), ONE, ZERO, epochs=3,
           progress=False, callbacks=[ProgressBar()])
    err = capsys.readouterr().err
    assert "3epoch" in err.replace(" ", "") and "loss=4" in err  # no total: a count


def test_the_pictures_live_in_plots_and_are_still_reachable_from_callbacks():
    assert nn.callbacks.predict_classes is nn.plots.predict_classes
    assert nn.callbacks.plot_decision_boundary is nn.plots.plot_decision_boundary
    assert "def predict_classes" not in inspect.getsource(nn.callbacks)
    assert nn.training.evaluate is nn.evaluate


def test_a_nan_validation_loss_is_never_the_best_epoch():
    model = _one_weight()
    history = nn.fit(model, nn.MSELoss(), Scripted(model.weight, [np.nan, 2.0, 3.0]), ONE,
                     ZERO, epochs=3, validation=(ONE, ZERO), progress=False)
    assert np.isnan(history.val_loss[0]) and history.best_epoch == 1


def test_a_per_batch_schedule_is_stepped_after_every_batch():
    import optim

    class Counting:
        """A schedule over `opt` counting its steps."""

        def __init__(self, opt, per_batch):
            self.optimizer, self.per_batch, self.steps = opt, per_batch, 0

        def step(self):
            self.steps += 1

    X, y = np.ones((8, 1)), np.zeros((8, 1))
    for per_batch, expected in [(True, 3 * 4), (False, 3)]:  # 3 epochs of 4 batches
        model = _one_weight()
        opt = optim.SGD(model.parameters(), lr=0.01)
        schedule = Counting(opt, per_batch)
        nn.fit(model, nn.MSELoss(), opt, X, y, epochs=3, batch_size=2, progress=False,
               rng=0, scheduler=schedule)
        assert schedule.steps == expected
