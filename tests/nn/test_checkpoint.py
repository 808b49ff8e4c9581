"""nn.save / nn.load: round trips, atomic writes, refused loads, optimizer state."""

import os
import pickle

import numpy as np
import pytest

import nn
import optim


def _model(seed=0):
    return nn.MLP(3, [4, 2], rng=seed)


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.values(), b.values())) \
        and list(a) == list(b)


def test_round_trip(tmp_path):
    path = tmp_path / "model.npz"
    src, dst = _model(0), _model(1)
    assert nn.save(src, path) == str(path)
    arrays_before = [p.data for p in dst.parameters()]
    nn.load(dst, path)
    assert _same(src.state_dict(), dst.state_dict())
    assert all(p.data is a for p, a in zip(dst.parameters(), arrays_before))
    with np.load(path, allow_pickle=False) as f:  # a plain npz, one array per parameter
        assert sorted(f.files) == sorted(src.state_dict())
        np.testing.assert_array_equal(f["layers.1.bias"], src.layers[1].bias.data)


def test_load_returns_the_module(tmp_path):
    path = tmp_path / "model.npz"
    src = _model(0)
    nn.save(src, path)
    dst = _model(1)
    assert nn.load(dst, path) is dst
    opt = optim.Adam(src.parameters())
    nn.save(src, path, opt)
    dst2 = _model(2)
    assert nn.load(dst2, path, optim.Adam(dst2.parameters())) is dst2
    assert _same(src.state_dict(), dst2.state_dict())


def test_path_used_as_given(tmp_path):
    path = tmp_path / "checkpoint.bin"
    nn.save(_model(), path)
    assert os.listdir(tmp_path) == ["checkpoint.bin"]
    nn.load(_model(1), str(path))


def test_extra_entries_are_allowed(tmp_path):
    src = _model(0)
    path = tmp_path / "extra.npz"
    np.savez(path, epoch=np.array(7), **src.state_dict())
    dst = _model(1)
    nn.load(dst, path)
    assert _same(src.state_dict(), dst.state_dict())


def test_refused_loads_leave_module_unchanged(tmp_path):
    path = tmp_path / "small.npz"
    nn.save(nn.MLP(3, [5, 2], rng=0), path)
    dst = _model(1)
    before = dst.state_dict()
    with pytest.raises(ValueError, match="layers.0.weight.*shape"):
        nn.load(dst, path)
    assert _same(before, dst.state_dict())
    np.savez(tmp_path / "missing.npz", **{"layers.0.weight": before["layers.0.weight"]})
    with pytest.raises(ValueError, match="missing.*layers.0.bias"):
        nn.load(dst, tmp_path / "missing.npz")
    f32 = {k: v.astype(np.float32) for k, v in _model(2).state_dict().items()}
    np.savez(tmp_path / "f32.npz", **f32)
    with pytest.raises(ValueError, match="dtype"):
        nn.load(dst, tmp_path / "f32.npz")
    assert _same(before, dst.state_dict())


@pytest.mark.parametrize("target", ["savez", "replace"])
def test_crash_mid_save_keeps_previous_checkpoint(tmp_path, monkeypatch, target):
    path = tmp_path / "model.npz"
    good = _model(0)
    nn.save(good, path)
    content = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    if target == "savez":
        monkeypatch.setattr(np, "savez", crash)
    else:
        monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        nn.save(_model(1), path)
    monkeypatch.undo()
    assert path.read_bytes() == content
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind
    restored = _model(2)
    nn.load(restored, path)
    assert _same(good.state_dict(), restored.state_dict())


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    state = _model(0).state_dict()
    evil = dict(state, **{"layers.0.bias": np.array([{"x": 1}] * 4, dtype=object)})
    np.savez(path, **evil)
    dst = _model(1)
    before = dst.state_dict()
    with pytest.raises(ValueError, match="layers.0.bias.*pickle"):
        nn.load(dst, path)
    assert _same(before, dst.state_dict())
    # an entry the module does not need is never read, so never unpickled
    np.savez(tmp_path / "extra.npz", payload=np.array([{"x": 1}], dtype=object), **state)
    nn.load(dst, tmp_path / "extra.npz")
    assert _same(state, dst.state_dict())
    dst.load_state_dict(before)
    raw = tmp_path / "raw.pkl"
    raw.write_bytes(pickle.dumps(state))
    with pytest.raises(ValueError, match="pickle"):
        nn.load(dst, raw)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(ValueError, match="not a readable"):
        nn.load(dst, garbage)
    good = tmp_path / "good.npz"
    nn.save(_model(0), good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(ValueError, match="not a readable"):
        nn.load(dst, truncated)
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(ValueError, match="single .npy"):
        nn.load(dst, tmp_path / "single.npy")
    assert _same(before, dst.state_dict())


def test_missing_file():
    with pytest.raises(ValueError, match="/nonexistent/dir/model.npz does not exist"):
        nn.load(_model(), "/nonexistent/dir/model.npz")


def _train(model, opt, X, y, steps):
    losses = []
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("make_opt", [
    lambda ps: optim.Adam(ps, lr=0.05),
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.RMSProp(ps, lr=0.01, momentum=0.5),
])
def test_optimizer_state_resumes_identical_trajectory(tmp_path, make_opt):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 3)), rng.integers(0, 2, size=16)
    model = _model(0)
    opt = make_opt(model.parameters())
    _train(model, opt, X, y, 5)
    path = tmp_path / "ckpt.npz"
    nn.save(model, path, optimizer=opt)
    expected = _train(model, opt, X, y, 5)

    fresh = _model(9)
    fresh_opt = make_opt(fresh.parameters())
    nn.load(fresh, path, optimizer=fresh_opt)
    assert _train(fresh, fresh_opt, X, y, 5) == expected
    assert _same(model.state_dict(), fresh.state_dict())


def test_optimizer_errors_leave_everything_unchanged(tmp_path):
    model = _model(0)
    sgd = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    _train(model, sgd, np.ones((2, 3)), np.array([0, 1]), 2)
    path = tmp_path / "sgd.npz"
    nn.save(model, path, optimizer=sgd)
    nn.save(model, tmp_path / "plain.npz")

    other = _model(1)
    adam = optim.Adam(other.parameters())
    before = other.state_dict()
    with pytest.raises(ValueError, match="SGD"):
        nn.load(other, path, optimizer=adam)  # an SGD state does not fit Adam
    assert _same(before, other.state_dict())
    with pytest.raises(ValueError, match="no optimizer state"):
        nn.load(other, tmp_path / "plain.npz", optimizer=adam)
    assert _same(before, other.state_dict())
    nn.load(other, path)  # the module part alone loads fine
    assert _same(model.state_dict(), other.state_dict())


def test_save_rejects_non_module(tmp_path):
    with pytest.raises(TypeError, match="save: expected an nn.Module, got dict"):
        nn.save({"w": np.zeros(2)}, tmp_path / "x.npz")
