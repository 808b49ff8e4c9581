"""fit's scheduler, clip_grad_norm and callbacks, each against a loop written by hand;
and History.plot's one legend."""

import matplotlib
import numpy as np
import pytest

import nn
import optim

matplotlib.use("Agg")

EPOCHS, BATCH, SEED = 5, 16, 7


def _data():
    X, y = nn.datasets.moons(100, noise=0.2, rng=1)
    return X, y


def _setup(lr=0.05):
    model = nn.MLP(2, [8, 8, 2], rng=3)
    return model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr, momentum=0.9)


def _by_hand(epochs=EPOCHS, lr=0.05, schedule=None, max_norm=None):
    """fit's loop, written out: the same batches (one Generator from SEED, no split),
    zero_grad, forward, backward, clipping, step; the schedule after each epoch."""
    X, y = _data()
    model, loss_fn, opt = _setup(lr)
    sched = schedule(opt) if schedule else None
    gen = np.random.default_rng(SEED)
    losses = []
    for _ in range(epochs):
        for Xb, yb in nn.batches(X, y, BATCH, shuffle=True, rng=gen):
            opt.zero_grad()
            loss = loss_fn(model(Xb), yb)
            loss.backward()
            if max_norm is not None:
                optim.clip_grad_norm(model.parameters(), max_norm)
            opt.step()
            losses.append(float(loss.item()))
        if sched:
            sched.step()
    return model, opt, losses


def _fit(lr=0.05, schedule=None, **kwargs):
    X, y = _data()
    model, loss_fn, opt = _setup(lr)
    if schedule:
        kwargs["scheduler"] = schedule(opt)
    history = nn.fit(model, loss_fn, opt, X, y, epochs=kwargs.pop("epochs", EPOCHS),
                     batch_size=BATCH, progress=False, rng=SEED, **kwargs)
    return model, opt, history


def _assert_same_weights(a, b):
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=0, atol=1e-12, err_msg=name)


def test_scheduler_is_stepped_once_an_epoch():
    def schedule(opt):
        return optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    model, opt, _ = _fit(schedule=schedule)
    hand, hand_opt, _ = _by_hand(schedule=schedule)
    _assert_same_weights(model, hand)
    assert opt.lr == hand_opt.lr == 0.05 * 0.5 ** 2  # 5 steps of a schedule halving every 2
    unscheduled, _, _ = _fit()
    assert not np.allclose(unscheduled.parameters()[0].data, model.parameters()[0].data)


def test_gradients_are_clipped_before_each_step():
    norms = []

    class Norms:
        def on_batch_end(self, step, loss, model):
            grads = [p.grad.ravel() for p in model.parameters()]
            norms.append(float(np.linalg.norm(np.concatenate(grads))))

    model, _, _ = _fit(lr=0.5, clip_grad_norm=0.05, callbacks=[Norms()])
    hand, _, _ = _by_hand(lr=0.5, max_norm=0.05)
    _assert_same_weights(model, hand)
    assert max(norms) <= 0.05 + 1e-9
    unclipped, _, _ = _by_hand(lr=0.5)
    assert not np.allclose(unclipped.parameters()[0].data, model.parameters()[0].data)


def test_callbacks_are_called_with_the_documented_arguments():
    X, y = _data()
    calls = []

    class Recorder:
        def on_train_begin(self, model, X_train, y_train):
            calls.append(("begin", model, X_train.shape, y_train.shape))

        def on_batch_end(self, step, loss, model):
            calls.append(("batch", step, loss))

        def on_epoch_end(self, epoch, history, model):
            calls.append(("epoch", epoch, len(history.loss), len(history.val_loss)))

        def on_train_end(self, history, model):
            calls.append(("end", history.epochs_run))

    class EpochsOnly:
        def on_epoch_end(self, epoch, history, model):
            calls.append(("epochs only", epoch))

    model, loss_fn, opt = _setup()
    nn.fit(model, loss_fn, opt, X, y, epochs=3, batch_size=BATCH, validation=0.2,
           progress=False, rng=SEED, callbacks=(Recorder(), EpochsOnly()))
    assert calls[0] == ("begin", model, (80, 2), (80,))  # the training rows
    batches_per_epoch = 5  # 80 rows in batches of 16
    batch_calls = [c for c in calls if c[0] == "batch"]
    assert [c[1] for c in batch_calls] == list(range(3 * batches_per_epoch))
    assert all(isinstance(c[2], float) for c in batch_calls)
    epoch_calls = [c for c in calls if c[0] in ("epoch", "epochs only")]
    assert epoch_calls == [("epoch", 0, 1, 1), ("epochs only", 0), ("epoch", 1, 2, 2),
                           ("epochs only", 1), ("epoch", 2, 3, 3), ("epochs only", 2)]
    assert calls[-1] == ("end", 3)
    # each epoch's batches come before its on_epoch_end
    kinds = [c[0] for c in calls if c[0] in ("batch", "epoch")]
    assert kinds == (["batch"] * 5 + ["epoch"]) * 3


def test_batch_losses_and_weights_match_the_hand_loop():
    losses = []

    class Losses:
        def on_batch_end(self, step, loss, model):
            losses.append(loss)

    model, _, _ = _fit(callbacks=[Losses()])
    hand, _, hand_losses = _by_hand()
    _assert_same_weights(model, hand)
    np.testing.assert_allclose(losses, hand_losses, rtol=0, atol=1e-12)


def test_all_three_together():
    def schedule(opt):
        return optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)

    seen = []

    class Epochs:
        def on_epoch_end(self, epoch, history, model):
            seen.append(epoch)

    model, _, history = _fit(lr=0.3, schedule=schedule, clip_grad_norm=0.5,
                             callbacks=[Epochs()])
    hand, _, _ = _by_hand(lr=0.3, schedule=schedule, max_norm=0.5)
    _assert_same_weights(model, hand)
    assert seen == list(range(EPOCHS)) and history.epochs_run == EPOCHS


class _Begin:
    def on_train_begin(self, model, X, y):
        pass


@pytest.mark.parametrize("kwargs, error, mentions", [
    ({"scheduler": "step"}, TypeError, "scheduler"),
    ({"scheduler": object()}, TypeError, "scheduler"),
    ({"clip_grad_norm": 0}, ValueError, "clip_grad_norm"),
    ({"clip_grad_norm": -1.0}, ValueError, "clip_grad_norm"),
    ({"clip_grad_norm": float("nan")}, ValueError, "clip_grad_norm"),
    ({"clip_grad_norm": float("inf")}, ValueError, "clip_grad_norm"),
    ({"clip_grad_norm": "1"}, TypeError, "clip_grad_norm"),
    ({"clip_grad_norm": True}, TypeError, "clip_grad_norm"),
    ({"callbacks": object()}, TypeError, "callbacks"),
    ({"callbacks": "plot"}, TypeError, "callbacks"),
    ({"callbacks": [object()]}, TypeError, r"callbacks\[0\]"),
    ({"callbacks": [_Begin()]}, TypeError, "neither on_epoch_end"),
    ({"callbacks": nn.callbacks.LivePlot()}, TypeError, r"wrap a single callback in a list"),
])
def test_bad_arguments_fail_before_any_update(kwargs, error, mentions):
    X, y = _data()
    model, loss_fn, opt = _setup()
    before = model.state_dict()
    with pytest.raises(error, match=mentions):
        nn.fit(model, loss_fn, opt, X, y, epochs=2, progress=False, **kwargs)
    for name, value in model.state_dict().items():
        assert np.array_equal(value, before[name])


def test_a_scheduler_over_another_optimizer_is_refused():
    X, y = _data()
    model, loss_fn, opt = _setup()
    other = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="scheduler.*another optimizer"):
        nn.fit(model, loss_fn, opt, X, y, epochs=1, progress=False,
               scheduler=optim.lr_scheduler.ExponentialLR(other, gamma=0.9))


def test_on_train_end_runs_when_fit_fails():
    ended = []

    class Fails:
        def on_epoch_end(self, epoch, history, model):
            raise RuntimeError("stop here")

        def on_train_end(self, history, model):
            ended.append(history.epochs_run)

    with pytest.raises(RuntimeError, match="stop here"):
        _fit(callbacks=[Fails()])
    assert ended == [1]


# ------------------------------------------------------------- History.plot
def test_history_plot_has_one_legend_with_every_line_outside_the_curves():
    import matplotlib.pyplot as plt

    history = nn.History(loss=[1.0, 0.5, 0.4, 0.45], val_loss=[1.1, 0.6, 0.5, 0.55],
                         accuracy=[0.5, 0.7, 0.8, 0.8], val_accuracy=[0.4, 0.6, 0.7, 0.7],
                         epochs_run=4, best_epoch=2)
    ax = history.plot()
    fig = ax.figure
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None]
    assert len(legends) == 1
    labels = [t.get_text() for t in legends[0].get_texts()]
    assert labels == ["loss", "val loss", "best epoch (3)", "accuracy", "val accuracy"]
    best = [line for line in ax.get_lines() if line.get_label() == "best epoch (3)"]
    assert list(best[0].get_xdata()) == [3, 3]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box, area = legends[0].get_window_extent(renderer), ax.get_window_extent(renderer)
    assert box.y1 <= area.y0  # below the plotting area: it covers no curve
    plt.close(fig)


def test_history_plot_without_validation_has_no_best_epoch_line():
    import matplotlib.pyplot as plt

    ax = nn.History(loss=[1.0, 0.5], epochs_run=2, best_epoch=1).plot()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["loss"]
    plt.close(ax.figure)
