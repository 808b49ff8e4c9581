"""Tests of the optim package: update rules against torch.optim, clipping,
learning-rate schedules, state round trips and input validation."""

import math

import numpy as np
import pytest

import optim
from autograd_core import Value
from optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, MultiStepLR, OneCycleLR, StepLR

SHAPES = [(5, 3), (4,), ()]

# (our class, torch class name, keyword arguments shared by both)
CONFIGS = [
    (optim.SGD, "SGD", dict(lr=0.1)),
    (optim.SGD, "SGD", dict(lr=0.1, momentum=0.9)),
    (optim.SGD, "SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    (optim.SGD, "SGD", dict(lr=0.05, weight_decay=0.1)),
    (optim.SGD, "SGD", dict(lr=0.05, momentum=0.8, weight_decay=0.1)),
    (optim.SGD, "SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    (optim.SGD, "SGD", dict(lr=0.05, momentum=0.8, dampening=0.3)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01, weight_decay=0.1)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01, momentum=0.5, weight_decay=0.1)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01, alpha=0.3, momentum=0.5, centered=True)),
    (optim.Adam, "Adam", dict(lr=0.01)),
    (optim.Adam, "Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    (optim.Adam, "Adam", dict(lr=0.01, betas=(0.3, 0.5), amsgrad=True)),
    (optim.AdamW, "AdamW", dict(lr=0.01)),
    (optim.AdamW, "AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
]
IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}"
       for cls, _, kw in CONFIGS]


def make_run(seed, n_steps=50, shapes=SHAPES, dtype=np.float64):
    """Initial values and a gradient sequence; parameter 1 has no grad every 7th step."""
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[None if (k % 7 == 3 and i == 1) else rng.standard_normal(s).astype(dtype)
              for i, s in enumerate(shapes)] for k in range(n_steps)]
    return init, grads


def feed(opt, params, grads):
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.copy()
    opt.step()


# -- update rules against torch.optim -----------------------------------------------
@pytest.mark.parametrize("cls,tname,kw", CONFIGS, ids=IDS)
def test_trajectory_matches_torch(cls, tname, kw):
    torch = pytest.importorskip("torch")
    init, grads = make_run(0)
    ours = [Value(a.copy()) for a in init]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt = cls(ours, **kw)
    topt = getattr(torch.optim, tname)(theirs, foreach=False, **kw)
    for k, gs in enumerate(grads):
        feed(opt, ours, gs)
        for p, g in zip(theirs, gs):
            p.grad = None if g is None else torch.tensor(g)
        topt.step()
        for i, (p, q) in enumerate(zip(ours, theirs)):
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=0, atol=1e-10,
                                       err_msg=f"step {k}, parameter {i}")


def test_sgd_momentum_by_hand():
    p = Value(np.array([1.0, -2.0]))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.array([1.0, 2.0])
    opt.step()  # first buffer is the gradient itself
    np.testing.assert_allclose(p.data, [0.9, -2.2])
    p.grad = np.array([1.0, 2.0])
    opt.step()  # buffer = 0.9 * g + g = 1.9 g
    np.testing.assert_allclose(p.data, [0.9 - 0.19, -2.2 - 0.38])


def test_adam_first_step_by_hand():
    # After bias correction the first step is lr * g / (|g| + eps') = lr * sign(g).
    p = Value(np.array([0.0, 1.0, 2.0]))
    opt = optim.Adam([p], lr=0.01, eps=0.0)
    p.grad = np.array([3.0, -0.5, 1e-3])
    opt.step()
    np.testing.assert_allclose(p.data, [-0.01, 1.01, 1.99], rtol=1e-12)


def test_rmsprop_first_step_by_hand():
    p = Value(np.array([1.0]))
    opt = optim.RMSProp([p], lr=0.01, alpha=0.99, eps=1e-8)
    p.grad = np.array([2.0])
    opt.step()  # v = 0.01 * 4; p -= lr * g / (sqrt(v) + eps)
    np.testing.assert_allclose(p.data, [1.0 - 0.01 * 2.0 / (0.2 + 1e-8)], rtol=1e-14)


def test_adamw_decay_is_decoupled():
    # With a zero gradient Adam's update vanishes and only the decay acts.
    p = Value(np.array([2.0]))
    opt = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = np.array([0.0])
    opt.step()
    np.testing.assert_allclose(p.data, [2.0 * (1 - 0.1 * 0.5)], rtol=1e-15)
    assert optim.AdamW([Value(1.0)]).weight_decay == 1e-2


# -- parameters, gradients and dtypes ------------------------------------------------
@pytest.mark.parametrize("cls,tname,kw", CONFIGS, ids=IDS)
def test_grads_not_mutated_and_params_updated_in_place(cls, tname, kw):
    init, grads = make_run(1, n_steps=3)
    params = [Value(a.copy()) for a in init]
    arrays = [p.data for p in params]
    opt = cls(params, **kw)
    for gs in grads:
        given = [None if g is None else g.copy() for g in gs]
        for p, g in zip(params, given):
            p.grad = g
        opt.step()
        for p, g, g0 in zip(params, given, gs):
            assert p.grad is g
            if g is not None:
                np.testing.assert_array_equal(g, g0)
    assert all(p.data is a for p, a in zip(params, arrays))
    assert not np.array_equal(params[0].data, init[0])


def test_shared_gradient_array():
    # Two parameters whose grads are the same array must both see the original grad.
    a, b = Value(np.ones(3)), Value(np.ones(3))
    g = np.array([1.0, 2.0, 3.0])
    a.grad = b.grad = g
    optim.SGD([a, b], lr=0.5, momentum=0.9, weight_decay=0.1).step()
    np.testing.assert_array_equal(g, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(a.data, b.data)
    np.testing.assert_allclose(a.data, 1 - 0.5 * (g + 0.1))


@pytest.mark.parametrize("cls,tname,kw", CONFIGS, ids=IDS)
def test_float32_stays_float32(cls, tname, kw):
    init, grads = make_run(2, n_steps=4, dtype=np.float32)
    params = [Value(a.copy()) for a in init]
    opt = cls(params, **kw)
    for gs in grads:
        feed(opt, params, gs)
    assert all(p.data.dtype == np.float32 for p in params)
    for entry in opt.state_dict()["state"].values():
        for key, value in entry.items():
            if key != "step":
                assert value.dtype == np.float32, key


def test_value_grad_from_create_graph():
    x = np.array([0.5, -1.0, 2.0])
    p, q = Value(x.copy()), Value(x.copy())
    (p * p * p).sum().backward(create_graph=True)
    assert isinstance(p.grad, Value)
    q.grad = 3 * x ** 2
    optim.Adam([p], lr=0.1).step()
    optim.Adam([q], lr=0.1).step()
    np.testing.assert_array_equal(p.data, q.data)


def test_params_from_generator_and_duck_typed_objects():
    class Param:
        def __init__(self, data):
            self.data, self.grad = data, None

    ps = [Param(np.zeros(2)), Param(np.zeros(2))]
    opt = optim.SGD((p for p in ps), lr=1.0)
    assert opt.params == ps
    ps[0].grad = np.array([1.0, 2.0])
    opt.step()  # ps[1] has no grad and is left alone
    np.testing.assert_array_equal(ps[0].data, [-1.0, -2.0])
    np.testing.assert_array_equal(ps[1].data, [0.0, 0.0])
    opt.zero_grad()
    assert ps[0].grad is None and ps[1].grad is None


def test_bad_params():
    with pytest.raises(ValueError, match="empty"):
        optim.Adam([])
    with pytest.raises(ValueError, match="empty"):
        optim.SGD(iter([]), lr=0.1)
    with pytest.raises(TypeError, match="iterable"):
        optim.SGD(Value(np.ones(2)), lr=0.1)
    with pytest.raises(TypeError, match="parameter 1"):
        optim.SGD([Value(1.0), np.ones(2)], lr=0.1)
    p = Value(1.0)
    with pytest.raises(ValueError, match="same object"):
        optim.SGD([p, p], lr=0.1)


def test_grad_of_wrong_shape():
    p = Value(np.zeros(3))
    with pytest.raises(ValueError, match=r"\(4,\).*\(3,\)"):
        p.grad = np.zeros(4)  # a Value refuses it at once

    class Param:  # any object with .data and .grad is a parameter to an optimizer
        data = np.zeros(3)
        grad = np.zeros(4)

    with pytest.raises(ValueError, match=r"\(4,\).*\(3,\)"):
        optim.Adam([Param()]).step()


def test_closure_is_called_and_its_loss_returned():
    p = Value(np.array([3.0]))

    def closure():
        p.grad = 2 * p.data
        return float(p.data[0] ** 2)

    assert optim.SGD([p], lr=0.25).step(closure) == 9.0
    np.testing.assert_allclose(p.data, [1.5])


# -- hyperparameter validation ------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda p: optim.SGD(p, lr=-0.1), r"invalid lr \(learning rate\): -0.1"),
    (lambda p: optim.SGD(p, lr=float("nan")), r"invalid lr \(learning rate\): nan"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), r"invalid momentum: -0.5"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1e-4), r"invalid weight_decay: -0.0001"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), r"Nesterov momentum requires momentum > 0 .*momentum=0.0"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, dampening=0.1), r"Nesterov momentum requires .*dampening=0.1"),
    (lambda p: optim.SGD(p, lr="fast"), r"lr \(learning rate\) must be a real number, got 'fast'"),
    (lambda p: optim.RMSProp(p, lr=-1.0), r"invalid lr \(learning rate\): -1.0"),
    (lambda p: optim.RMSProp(p, alpha=1.0), r"invalid alpha: 1.0"),
    (lambda p: optim.RMSProp(p, alpha=-0.1), r"invalid alpha: -0.1"),
    (lambda p: optim.RMSProp(p, eps=-1e-8), r"invalid eps: -1e-08"),
    (lambda p: optim.RMSProp(p, momentum=-0.1), r"invalid momentum: -0.1"),
    (lambda p: optim.RMSProp(p, weight_decay=-0.1), r"invalid weight_decay: -0.1"),
    (lambda p: optim.Adam(p, lr=-1e-3), r"invalid lr \(learning rate\): -0.001"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), r"invalid beta1 \(betas\[0\]\): 1.0"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), r"invalid beta2 \(betas\[1\]\): -0.1"),
    (lambda p: optim.Adam(p, betas=(0.9,)), r"betas must be a pair"),
    (lambda p: optim.Adam(p, eps=-1.0), r"invalid eps: -1.0"),
    (lambda p: optim.Adam(p, weight_decay=-0.1), r"invalid weight_decay: -0.1"),
    (lambda p: optim.AdamW(p, weight_decay=-0.1), r"invalid weight_decay: -0.1"),
    (lambda p: optim.AdamW(p, betas=(0.9, 1.5)), r"invalid beta2 \(betas\[1\]\): 1.5"),
])
def test_invalid_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make([Value(np.ones(2))])


def test_lr_setter_validates():
    opt = optim.SGD([Value(1.0)], lr=0.1)
    opt.lr = 0.5
    assert opt.lr == 0.5
    with pytest.raises(ValueError, match="lr"):
        opt.lr = -1.0
    assert opt.lr == 0.5


# -- state_dict ----------------------------------------------------------------------
@pytest.mark.parametrize("cls,tname,kw", CONFIGS, ids=IDS)
def test_state_dict_round_trip_reproduces_trajectory(cls, tname, kw):
    init, grads = make_run(3, n_steps=20)
    params = [Value(a.copy()) for a in init]
    opt = cls(params, **kw)
    for k, gs in enumerate(grads):
        feed(opt, params, gs)
        if k == 9:
            saved = opt.state_dict()  # a snapshot: the next steps must not change it
            at_snapshot = [p.data.copy() for p in params]
    resumed = [Value(a) for a in at_snapshot]
    fresh = cls(resumed, **{**kw, "lr": 123.0})
    fresh.load_state_dict(saved)
    assert fresh.lr == kw["lr"]  # hyperparameters are restored too
    for gs in grads[10:]:
        feed(fresh, resumed, gs)
    for p, q in zip(resumed, params):
        np.testing.assert_array_equal(p.data, q.data)


def test_state_dict_contents():
    a, b = Value(np.ones(3)), Value(np.ones(2))
    opt = optim.Adam([a, b], lr=0.01)
    assert opt.state_dict()["state"] == {}  # state is created lazily
    a.grad = np.full(3, 2.0)
    opt.step()
    d = opt.state_dict()
    assert d["optimizer"] == "Adam"
    assert d["hyperparameters"] == dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8,
                                        weight_decay=0.0, amsgrad=False)
    assert list(d["state"]) == [0] and d["state"][0]["step"] == 1
    np.testing.assert_allclose(d["state"][0]["exp_avg"], np.full(3, 0.2))
    np.testing.assert_allclose(d["state"][0]["exp_avg_sq"], np.full(3, 0.004))


def test_load_state_dict_refuses_mismatches_and_changes_nothing():
    a = Value(np.ones(3))
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    a.grad = np.ones(3)
    opt.step()
    good = opt.state_dict()
    target = optim.SGD([Value(np.ones(3))], lr=0.5, momentum=0.9)
    before = target.state_dict()

    def variant(**changes):
        d = {**good, "state": {0: dict(good["state"][0])},
             "hyperparameters": dict(good["hyperparameters"])}
        for key, value in changes.items():
            if key in d["hyperparameters"]:
                d["hyperparameters"][key] = value
            else:
                d["state"][0][key] = value
        return d

    bad = [
        ({**good, "optimizer": "Adam"}, "Adam"),
        (variant(momentum_buffer=np.ones(4)), "shape"),
        (variant(lr=-1.0), "lr"),
        (variant(momentum=0.0), "entries"),  # no momentum, so no buffer expected
        ({**good, "state": {1: good["state"][0]}}, "position"),
        ({k: v for k, v in good.items() if k != "state"}, "keys"),
        ({**good, "hyperparameters": {"lr": 0.1}}, "hyperparameters"),
    ]
    for d, match in bad:
        with pytest.raises(ValueError, match=match):
            target.load_state_dict(d)
        after = target.state_dict()
        assert after["hyperparameters"] == before["hyperparameters"] and after["state"] == {}
    with pytest.raises(TypeError, match="load_state_dict expects a dict, got list"):
        target.load_state_dict([("lr", 0.1)])
    target.load_state_dict(good)
    np.testing.assert_array_equal(target.state_dict()["state"][0]["momentum_buffer"],
                                  np.ones(3))


# -- gradient clipping ---------------------------------------------------------------
def test_clip_grad_norm_by_hand():
    a, b, c = Value(np.zeros(1)), Value(np.zeros(1)), Value(np.zeros(2))
    ga, gb = np.array([3.0]), np.array([4.0])
    a.grad, b.grad = ga, gb
    total = optim.clip_grad_norm([a, b, c], max_norm=1.0)
    assert isinstance(total, float) and total == pytest.approx(5.0, rel=1e-15)
    np.testing.assert_allclose([a.grad[0], b.grad[0]], [0.6, 0.8], rtol=1e-6)
    assert c.grad is None
    np.testing.assert_array_equal(ga, [3.0])  # replaced, not scaled in place
    np.testing.assert_array_equal(gb, [4.0])
    a.grad, b.grad = ga, gb
    assert optim.clip_grad_norm([a, b], max_norm=10.0) == pytest.approx(5.0)
    assert a.grad is ga and b.grad is gb  # below the limit: untouched
    assert optim.clip_grad_norm([a, b], 1.0, norm_type=math.inf) == 4.0
    with pytest.raises(ValueError, match="invalid max_norm: -1.0"):
        optim.clip_grad_norm([a], max_norm=-1.0)
    with pytest.raises(ValueError, match="norm_type must be a positive number"):
        optim.clip_grad_norm([a], 1.0, norm_type=0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    grads = [rng.standard_normal(s) for s in SHAPES]
    ours = [Value(np.zeros(s)) for s in SHAPES]
    theirs = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in SHAPES]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = g.copy(), torch.tensor(g)
    total = optim.clip_grad_norm(ours, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert total == pytest.approx(ttotal.item(), rel=1e-12)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-12, atol=0)


# -- learning-rate schedules ---------------------------------------------------------
SCHEDULES = [
    ("StepLR", dict(step_size=4, gamma=0.5), 30),
    ("StepLR", dict(step_size=1, gamma=0.9), 30),
    ("ExponentialLR", dict(gamma=0.9), 30),
    ("CosineAnnealingLR", dict(T_max=10), 35),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01), 35),
    ("CosineAnnealingLR", dict(T_max=1, eta_min=0.05), 5),
]


@pytest.mark.parametrize("name,kw,n", SCHEDULES)
def test_schedule_matches_torch(name, kw, n):
    torch = pytest.importorskip("torch")
    opt = optim.SGD([Value(np.zeros(2))], lr=0.3)
    topt = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.3)
    ours = getattr(optim.lr_scheduler, name)(opt, **kw)
    theirs = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    assert ours.get_last_lr() == theirs.get_last_lr() == [0.3] and ours.last_epoch == 0
    for k in range(1, n + 1):
        topt.step()
        ours.step()
        theirs.step()
        assert ours.last_epoch == theirs.last_epoch == k
        assert ours.get_last_lr()[0] == pytest.approx(theirs.get_last_lr()[0],
                                                      rel=1e-12, abs=1e-15)
        assert opt.lr == ours.get_last_lr()[0]


def test_schedules_by_hand():
    opt = optim.SGD([Value(1.0)], lr=1.0)
    step = StepLR(opt, step_size=2, gamma=0.1)
    lrs = [step.get_last_lr()[0]]
    for _ in range(4):
        step.step()
        lrs.append(opt.lr)
    np.testing.assert_allclose(lrs, [1.0, 1.0, 0.1, 0.1, 0.01], rtol=1e-15)
    opt.lr = 0.8
    cos = CosineAnnealingLR(opt, T_max=4, eta_min=0.2)
    for _ in range(2):
        cos.step()
    assert opt.lr == pytest.approx(0.5, rel=1e-15)
    for _ in range(2):
        cos.step()
    assert opt.lr == pytest.approx(0.2, rel=1e-15)
    for bad, match in [(dict(step_size=0), "step_size must be a positive int, got 0"),
                       (dict(step_size=2.5), "step_size must be a positive int, got 2.5"),
                       (dict(step_size=2, gamma=-1.0), "invalid gamma: -1.0")]:
        with pytest.raises(ValueError, match=match):
            StepLR(opt, **bad)
    with pytest.raises(ValueError, match="T_max must be a positive int, got 0"):
        CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(TypeError, match="ExponentialLR needs an optim optimizer, got object"):
        ExponentialLR(object(), gamma=0.9)


ROUND_TRIPS = [lambda opt, name=name, kw=kw: getattr(optim.lr_scheduler, name)(opt, **kw)
               for name, kw, _ in SCHEDULES] + [
    lambda opt: MultiStepLR(opt, milestones=[2, 5], gamma=0.3),
    lambda opt: OneCycleLR(opt, max_lr=0.5, total_steps=30, three_phase=True),
]


@pytest.mark.parametrize("make", ROUND_TRIPS)
def test_schedule_state_dict_round_trip(make):
    opt = optim.Adam([Value(np.zeros(2))], lr=0.3)
    sched = make(opt)
    for _ in range(7):
        sched.step()
    saved_opt, saved = opt.state_dict(), sched.state_dict()
    expected = []
    for _ in range(7):
        sched.step()
        expected.append((opt.lr, opt.betas))
    opt2 = optim.Adam([Value(np.zeros(2))], lr=0.01)
    sched2 = make(opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved)
    assert sched2.last_epoch == 7 and sched2.get_last_lr() == [saved_opt["hyperparameters"]["lr"]]
    got = []
    for _ in range(7):
        sched2.step()
        got.append((opt2.lr, opt2.betas))
    assert got == expected
    with pytest.raises(ValueError, match="last_epoch must be an integer >= 0, got -3"):
        sched2.load_state_dict({**saved, "last_epoch": -3})
    with pytest.raises(ValueError, match="cannot load a Other state into"):
        sched2.load_state_dict({**saved, "scheduler": "Other"})
    assert sched2.last_epoch == 14
