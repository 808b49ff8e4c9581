"""The flat (foreach) step: the same trajectory as the per-parameter step, bit for
bit, and as torch.optim; the per-parameter fallback; state, versions and errors."""

import numpy as np
import pytest

import optim
from autograd_core import Value
from optim import foreach

SHAPES = [(5, 3), (4,), (), (2, 3, 2)]

CONFIGS = [
    (optim.SGD, "SGD", dict(lr=0.1)),
    (optim.SGD, "SGD", dict(lr=0.1, momentum=0.9)),
    (optim.SGD, "SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    (optim.SGD, "SGD", dict(lr=0.05, weight_decay=0.1)),
    (optim.SGD, "SGD", dict(lr=0.05, momentum=0.8, weight_decay=0.1, dampening=0.3)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01, momentum=0.5, weight_decay=0.1)),
    (optim.RMSProp, "RMSprop", dict(lr=0.01, alpha=0.3, momentum=0.5, centered=True,
                                    weight_decay=0.2)),
    (optim.Adam, "Adam", dict(lr=0.01)),
    (optim.Adam, "Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    (optim.Adam, "Adam", dict(lr=0.01, betas=(0.3, 0.5), amsgrad=True, weight_decay=0.1)),
    (optim.AdamW, "AdamW", dict(lr=0.01, weight_decay=0.3)),
    (optim.AdamW, "AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
]
IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}"
       for cls, _, kw in CONFIGS]


@pytest.fixture
def flat_calls(monkeypatch):
    """What each call of the flat step returned (True: it took the step)."""
    calls = []
    real = foreach.flat_step

    def spy(opt, changed):
        calls.append(real(opt, changed))
        return calls[-1]
    monkeypatch.setattr(foreach, "flat_step", spy)
    return calls


class Param:
    """A duck-typed parameter: its grad is taken as given, of any dtype."""

    def __init__(self, data):
        self.data, self.grad = data, None


def run_side_by_side(cls, kw, grads, init, flat_calls, make=Value):
    """Step a flat and a per-parameter optimizer on the same gradients; return the
    two parameter lists and both optimizers."""
    flat = [make(a.copy()) for a in init]
    each = [make(a.copy()) for a in init]
    opt_flat, opt_each = cls(flat, **kw), cls(each, **kw)
    opt_each.foreach = False
    for gs in grads:
        for p, q, g in zip(flat, each, gs):
            p.grad = None if g is None else g.copy()
            q.grad = None if g is None else g.copy()
        opt_flat.step()
        opt_each.step()
        for p, q in zip(flat, each):
            np.testing.assert_array_equal(p.data, q.data)  # bit for bit
    return flat, each, opt_flat, opt_each


@pytest.mark.parametrize("cls,tname,kw", CONFIGS, ids=IDS)
def test_flat_step_equals_per_parameter_step_and_torch(cls, tname, kw, flat_calls):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    init = [rng.standard_normal(s) for s in SHAPES]
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(12)]
    flat, _, opt_flat, opt_each = run_side_by_side(cls, kw, grads, init, flat_calls)
    assert flat_calls == [True] * len(grads)  # every step of opt_flat was flat
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    topt = getattr(torch.optim, tname)(theirs, foreach=True, **kw)
    for gs in grads:
        for p, g in zip(theirs, gs):
            p.grad = torch.tensor(g)
        topt.step()
    for p, q in zip(flat, theirs):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-13, atol=1e-15)
    # The state keeps torch's per-parameter format, and equals the per-parameter path's.
    ours, each = opt_flat.state_dict(), opt_each.state_dict()
    stateful = bool(opt_flat._state_keys())  # plain SGD keeps none
    assert list(ours["state"]) == list(each["state"]) == list(range(len(SHAPES)) if stateful else [])
    for i, shape in enumerate(SHAPES[:len(ours["state"])]):
        assert set(ours["state"][i]) == set(each["state"][i])
        for key, value in ours["state"][i].items():
            if isinstance(value, np.ndarray):
                assert value.shape == shape and value.base is None  # a copy, not a view
                np.testing.assert_array_equal(value, each["state"][i][key])
            else:
                assert value == each["state"][i][key] == len(grads)


def test_flat_state_is_one_buffer_with_a_view_per_parameter(flat_calls):
    params = [Value(np.ones(s)) for s in SHAPES]
    opt = optim.Adam(params, lr=0.1)
    assert opt.state_dict()["state"] == {}
    for p in params:
        p.grad = np.ones(p.data.shape)
    opt.step()
    assert flat_calls == [True]
    bases = {id(opt.state[i][key].base) for i in range(len(SHAPES))
             for key in ("exp_avg", "exp_avg_sq")}
    assert len(bases) == 2  # one flat array per state name
    np.testing.assert_allclose(opt.state[3]["exp_avg"], np.full((2, 3, 2), 0.1))


def test_fallback_when_a_gradient_is_missing_then_steps_differ(flat_calls):
    # Parameter 1 has no gradient at step 2: that step, and every later Adam step
    # (its step count now differs), go parameter by parameter, with the same results.
    rng = np.random.default_rng(1)
    init = [rng.standard_normal(s) for s in SHAPES]
    grads = [[None if (k == 2 and i == 1) else rng.standard_normal(s)
              for i, s in enumerate(SHAPES)] for k in range(6)]
    _, _, opt, _ = run_side_by_side(optim.Adam, dict(lr=0.01), grads, init, flat_calls)
    assert flat_calls == [True, True, False, False, False, False]
    assert [opt.state[i]["step"] for i in range(4)] == [6, 5, 6, 6]


def test_fallback_for_plain_sgd_is_one_step_only(flat_calls):
    rng = np.random.default_rng(2)
    init = [rng.standard_normal(s) for s in SHAPES]
    grads = [[None if (k == 1 and i == 0) else rng.standard_normal(s)
              for i, s in enumerate(SHAPES)] for k in range(4)]
    run_side_by_side(optim.SGD, dict(lr=0.1), grads, init, flat_calls)
    assert flat_calls == [True, False, True, True]


@pytest.mark.parametrize("dtypes", [("float64", "float32"), ("float32", "float64")])
def test_fallback_when_dtypes_differ(dtypes, flat_calls):
    # Parameters of two dtypes; then a float64 gradient for a float32 parameter.
    rng = np.random.default_rng(3)
    init = [rng.standard_normal(s).astype(dtypes[i % 2]) for i, s in enumerate(SHAPES)]
    grads = [[rng.standard_normal(s).astype(dtypes[i % 2]) for i, s in enumerate(SHAPES)]
             for _ in range(3)]
    run_side_by_side(optim.Adam, dict(lr=0.01), grads, init, flat_calls)
    assert flat_calls == [False] * 3
    flat_calls.clear()
    init = [a.astype(np.float32) for a in init]
    run_side_by_side(optim.Adam, dict(lr=0.01), grads, init, flat_calls, make=Param)
    assert flat_calls == [False] * 3


def test_loaded_and_per_parameter_state_is_taken_over(flat_calls):
    # State made by the per-parameter step, then by load_state_dict, is moved into
    # flat buffers by the next flat step, and the trajectory goes on unchanged.
    rng = np.random.default_rng(4)
    init = [rng.standard_normal(s) for s in SHAPES]
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(8)]
    each = [Value(a.copy()) for a in init]
    ref = optim.RMSProp(each, lr=0.01, momentum=0.9, centered=True)
    ref.foreach = False
    flat = [Value(a.copy()) for a in init]
    opt = optim.RMSProp(flat, lr=0.01, momentum=0.9, centered=True)
    for k, gs in enumerate(grads):
        opt.foreach = k not in (0, 1)  # two per-parameter steps first
        if k == 5:
            saved = opt.state_dict()
            flat = [Value(p.data.copy()) for p in flat]
            opt = optim.RMSProp(flat, lr=0.5)
            opt.load_state_dict(saved)
        for ps in (each, flat):
            for p, g in zip(ps, gs):
                p.grad = g.copy()
        ref.step()
        opt.step()
        for p, q in zip(flat, each):
            np.testing.assert_array_equal(p.data, q.data)
    assert flat_calls == [True] * 6
    assert opt.state[0]["square_avg"].base is opt.state[1]["square_avg"].base


def test_state_replaced_by_hand_is_respected(flat_calls):
    params = [Value(np.ones(s)) for s in SHAPES]
    opt = optim.SGD(params, lr=0.1, momentum=0.5)
    for p in params:
        p.grad = np.ones(p.data.shape)
    opt.step()
    opt.state[2]["momentum_buffer"] = np.array(10.0)  # a new array, not the flat view
    opt.step()
    assert flat_calls == [True, True]
    # buffer 0.5 * 10 + 1 = 6: parameter 2 goes 1 - 0.1 - 0.6
    np.testing.assert_allclose(params[2].data, 0.3, rtol=1e-15)
    np.testing.assert_allclose(params[0].data, 1 - 0.1 - 0.15, rtol=1e-15)


def test_flat_step_bumps_versions():
    a, b = Value(np.ones(3)), Value(np.ones((2, 2)))
    loss = (a * a).sum() + (b * b).sum()
    loss.backward()
    opt = optim.Adam([a, b], lr=0.1)
    opt.step()
    assert opt.state[0]["exp_avg"].base is opt.state[1]["exp_avg"].base  # the flat step ran
    with pytest.raises(RuntimeError):
        loss.backward()


def test_wrong_gradient_shape_still_raises():
    a, b = Value(np.ones(3)), Value(np.ones(2))
    opt = optim.SGD([a, b], lr=0.1)
    a.grad, b.grad = np.ones(3), np.ones(2)
    b._grad = np.ones(3)  # past the setter's check, as a hand-made grad could be
    with pytest.raises(ValueError, match="gradient of parameter 1 has shape"):
        opt.step()


def test_l2_decay_with_a_view_parameter_steps_one_by_one(flat_calls):
    base = Value(np.arange(6.0))
    view = base[:2]  # a parameter whose data is a view of another one's
    assert view.data.base is base.data
    opt = optim.SGD([base, view], lr=0.1, weight_decay=0.5)
    base.grad, view.grad = np.ones(6), np.ones(2)
    opt.step()
    assert flat_calls == [False]


def test_new_shapes_and_their_loaded_state_get_new_buffers(flat_calls):
    a, b = Value(np.ones(3)), Value(np.ones(2))
    opt = optim.SGD([a, b], lr=0.1, momentum=0.5)
    a.grad, b.grad = np.ones(3), np.ones(2)
    opt.step()
    a.data = np.ones(4)  # a new shape, and state to match it
    opt.load_state_dict({**opt.state_dict(), "state": {0: {"momentum_buffer": np.ones(4)},
                                                       1: {"momentum_buffer": np.ones(2)}}})
    for _ in range(2):
        a.grad, b.grad = np.ones(4), np.ones(2)
        opt.step()
    assert flat_calls == [True, False, True]
    # buffers 1 -> 1.5 -> 1.75: a = 1 - 0.15 - 0.175
    np.testing.assert_allclose(a.data, np.full(4, 0.675), rtol=1e-15)
    assert opt.state[0]["momentum_buffer"].base is opt.state[1]["momentum_buffer"].base


def test_large_parameters_step_one_by_one(flat_calls):
    # 10010 elements in two parameters: more than MAX_MEAN_SIZE (4096) on average.
    params = [Value(np.ones((100, 100))), Value(np.ones(10))]
    opt = optim.Adam(params, lr=0.1, eps=0.0)
    for p in params:
        p.grad = np.ones(p.data.shape)
    opt.step()
    assert flat_calls == [False]
    np.testing.assert_allclose(params[1].data, 0.9, rtol=1e-12)


@pytest.mark.parametrize("make", [Value, Param])
def test_data_given_a_new_array_between_flat_steps_is_the_one_updated(make, flat_calls):
    # The flat step keeps the parameters' arrays from step to step while the version
    # clock has not ticked: assigning `.data` ticks it (a Value), or the parameter is
    # not a Value and its arrays are read at every step.
    params = [make(np.ones(3)), make(np.ones(2))]
    opt = optim.SGD(params, lr=0.5)
    for _ in range(2):
        for p in params:
            p.grad = np.ones(p.data.shape)
        opt.step()
    old = params[0].data
    params[0].data = np.full(3, 10.0)
    for p in params:
        p.grad = np.ones(p.data.shape)
    opt.step()
    assert flat_calls == [True] * 3
    np.testing.assert_array_equal(params[0].data, np.full(3, 9.5))
    np.testing.assert_array_equal(old, np.zeros(3))  # no longer the parameter's: not stepped
    np.testing.assert_array_equal(params[1].data, np.full(2, -0.5))


def test_every_flat_step_bumps_versions():
    a, b = Value(np.ones(3)), Value(np.ones((2, 2)))
    opt = optim.SGD([a, b], lr=0.1)
    for _ in range(3):  # the later steps reuse the arrays kept by the first
        opt.zero_grad()
        loss = (a * a).sum() + (b * b).sum()
        loss.backward()
        opt.step()
        with pytest.raises(RuntimeError, match="changed in place"):
            loss.backward()
