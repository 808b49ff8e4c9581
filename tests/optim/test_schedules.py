"""MultiStepLR, LambdaLR and OneCycleLR against torch.optim.lr_scheduler, and OneCycleLR in fit."""

import numpy as np
import pytest

import nn
import optim
from autograd_core import Value
from optim.lr_scheduler import LambdaLR, MultiStepLR, OneCycleLR


def _pair(torch, kind, **kw):
    """The same optimizer here and in torch, over one zero parameter."""
    ours = getattr(optim, kind)([Value(np.zeros(2))], **kw)
    theirs = getattr(torch.optim, kind)([torch.zeros(2, requires_grad=True)], **kw)
    return ours, theirs


def _momentum(opt):
    return opt.betas[0] if hasattr(opt, "betas") else opt.momentum


def _torch_momentum(topt):
    group = topt.param_groups[0]
    return group["betas"][0] if "betas" in group else group["momentum"]


CASES = [
    ("MultiStepLR", dict(milestones=[3, 7, 7, 12], gamma=0.5), "SGD", 20),
    ("MultiStepLR", dict(milestones=[10, 2]), "Adam", 15),
    ("LambdaLR", dict(lr_lambda=lambda k: 0.95 ** k), "SGD", 20),
    ("LambdaLR", dict(lr_lambda=lambda k: 1 / (k + 2)), "Adam", 20),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=20), "SGD", 20),
    ("OneCycleLR", dict(max_lr=0.01, total_steps=17, pct_start=0.4,
                        anneal_strategy="linear"), "Adam", 16),
    ("OneCycleLR", dict(max_lr=0.2, epochs=3, steps_per_epoch=5, three_phase=True,
                        div_factor=10.0, final_div_factor=100.0), "RMSprop", 15),
    ("OneCycleLR", dict(max_lr=0.2, total_steps=9, cycle_momentum=False), "SGD", 9),
]


@pytest.mark.parametrize("name,kw,kind,n", CASES)
def test_schedule_equals_torch_step_by_step(name, kw, kind, n):
    torch = pytest.importorskip("torch", reason="compares with torch.optim.lr_scheduler")
    opt_kw = dict(lr=0.3, momentum=0.9) if kind in ("SGD", "RMSprop") else dict(lr=0.3)
    opt, topt = _pair(torch, kind, **opt_kw)
    ours = getattr(optim.lr_scheduler, name)(opt, **kw)
    theirs = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    assert ours.get_last_lr() == theirs.get_last_lr() and ours.last_epoch == 0
    assert opt.lr == topt.param_groups[0]["lr"]
    assert _momentum(opt) == _torch_momentum(topt)
    for k in range(1, n + 1):
        topt.step()
        ours.step()
        theirs.step()
        assert ours.last_epoch == theirs.last_epoch == k
        # The same formulas in the same order: equal to the last bit.
        assert ours.get_last_lr() == theirs.get_last_lr(), k
        assert opt.lr == topt.param_groups[0]["lr"]
        assert _momentum(opt) == _torch_momentum(topt), k


def test_one_cycle_refuses_a_step_past_its_end_and_bad_settings():
    opt = optim.SGD([Value(np.zeros(2))], lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="total_steps=3"):
        sched.step()
    with pytest.raises(ValueError, match="epochs and steps_per_epoch"):
        OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="anneal_strategy"):
        OneCycleLR(opt, max_lr=1.0, total_steps=5, anneal_strategy="cosine")
    with pytest.raises(ValueError, match="pct_start"):
        OneCycleLR(opt, max_lr=1.0, total_steps=5, pct_start=1.5)
    with pytest.raises(ValueError, match="max_lr"):
        OneCycleLR(opt, max_lr=0.0, total_steps=5)


def test_multistep_and_lambda_refuse_bad_arguments():
    opt = optim.SGD([Value(np.zeros(2))], lr=0.1)
    with pytest.raises(ValueError, match="milestones"):
        MultiStepLR(opt, milestones=3)
    with pytest.raises(ValueError, match="milestones"):
        MultiStepLR(opt, milestones=[2, 0])
    with pytest.raises(TypeError, match="lr_lambda"):
        LambdaLR(opt, 0.5)
    with pytest.raises(ValueError, match="lr_lambda"):
        LambdaLR(opt, lambda k: float("nan"))
    assert opt.lr == 0.1


def test_fit_steps_one_cycle_after_every_batch():
    torch = pytest.importorskip("torch", reason="compares with torch.optim.lr_scheduler")
    X, y = nn.datasets.moons(40, rng=0)
    model = nn.MLP(2, [4, 2], rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    epochs, per_epoch = 3, 4  # 40 rows in batches of 10
    sched = OneCycleLR(opt, max_lr=0.5, epochs=epochs, steps_per_epoch=per_epoch)
    seen = []

    class Record:
        def on_batch_end(self, step, loss, model):
            seen.append(opt.lr)

    nn.fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=epochs, batch_size=10,
           progress=False, rng=0, scheduler=sched, callbacks=[Record()])
    assert sched.last_epoch == epochs * per_epoch
    topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    theirs = torch.optim.lr_scheduler.OneCycleLR(topt, max_lr=0.5, epochs=epochs,
                                                 steps_per_epoch=per_epoch)
    expected = []
    for _ in range(epochs * per_epoch):
        topt.step()
        theirs.step()
        expected.append(theirs.get_last_lr()[0])
    assert seen == expected
    assert opt.momentum == topt.param_groups[0]["momentum"]


def test_fit_still_steps_an_epoch_schedule_once_an_epoch():
    X, y = nn.datasets.moons(40, rng=0)
    model = nn.MLP(2, [4, 2], rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = MultiStepLR(opt, milestones=[2], gamma=0.1)
    nn.fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=3, batch_size=10,
           progress=False, rng=0, scheduler=sched)
    assert sched.last_epoch == 3
    assert opt.lr == pytest.approx(0.01, rel=1e-15)
