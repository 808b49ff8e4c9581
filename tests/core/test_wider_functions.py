"""The wider op set's functions (`autograd_core.NAME`) and NumPy's spellings
(`np.NAME(v)`) against PyTorch in float64: values, gradients, and second
derivatives where smooth."""
import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value

from torch_oracle import assert_matches_torch, requires_torch, torch

RNG = np.random.default_rng(1)
X = RNG.standard_normal((3, 4))
X3 = RNG.standard_normal((2, 3, 4))
SQ = RNG.standard_normal((4, 4))
V5 = RNG.standard_normal(5)
POS = RNG.uniform(0.5, 2.0, (3, 4))
IDX = np.array([[0, 3, 3], [1, 1, 0], [2, 0, 2]])
ONE_ZERO = X * (np.arange(12).reshape(3, 4) != 5)  # a zero in row 1
TWO_ZEROS = X * ~np.isin(np.arange(12).reshape(3, 4), [4, 6, 11])  # two zeros in row 1, one in row 2
T = lambda: torch  # noqa: E731

# (name, ours on Values, PyTorch's on tensors, inputs, smooth)
CASES = [
    ("var dim keepdim", lambda a: ag.var(a, 0, keepdim=True), lambda a: a.var(0, keepdim=True), [X], True),
    ("var ddof=0", lambda a: ag.var(a, axis=1, ddof=0), lambda a: a.var(1, correction=0), [X], True),
    ("np.var", lambda a: np.var(a, axis=0), lambda a: a.var(0, correction=0), [X], True),
    ("np.var ddof", lambda a: np.var(a, ddof=1), lambda a: a.var(), [X], True),
    ("std", lambda a: ag.std(a), lambda a: a.std(), [X], True),
    ("np.std", lambda a: np.std(a, axis=(0, 2), keepdims=True),
     lambda a: a.std((0, 2), correction=0, keepdim=True), [X3], True),
    ("prod", lambda a: ag.prod(a, dim=1), lambda a: a.prod(1), [X], True),
    ("np.prod", lambda a: np.prod(a), lambda a: a.prod(), [X], True),
    ("logsumexp", lambda a: ag.logsumexp(a, 1), lambda a: a.logsumexp(1), [X], True),
    ("cumsum", lambda a: ag.cumsum(a, dim=1), lambda a: a.cumsum(1), [X], True),
    ("np.cumsum flat", lambda a: np.cumsum(a), lambda a: a.reshape(-1).cumsum(0), [X], True),
    ("cumprod", lambda a: ag.cumprod(a, 0), lambda a: a.cumprod(0), [X], True),
    ("norm", lambda a: ag.norm(a), lambda a: torch.linalg.vector_norm(a), [X], True),
    ("norm dim", lambda a: ag.norm(a, dim=1, keepdim=True), lambda a: a.norm(dim=1, keepdim=True), [X], True),
    ("norm p=1", lambda a: ag.norm(a, 1), lambda a: a.norm(1), [X], False),
    ("norm p=3", lambda a: ag.norm(a, 3, dim=0), lambda a: a.norm(3, dim=0), [X], False),
    ("norm p=inf", lambda a: ag.norm(a, float("inf")), lambda a: a.norm(float("inf")), [X], False),
    ("np.linalg.norm", lambda a: np.linalg.norm(a), lambda a: torch.linalg.norm(a), [X], True),
    ("np.linalg.norm axis", lambda a: np.linalg.norm(a, axis=1), lambda a: torch.linalg.norm(a, dim=1), [X], True),
    ("np.linalg.norm ord=1", lambda a: np.linalg.norm(a, 1), lambda a: torch.linalg.matrix_norm(a, 1), [X], False),
    ("np.linalg.norm inf", lambda a: np.linalg.norm(a, np.inf),
     lambda a: torch.linalg.matrix_norm(a, float("inf")), [X], False),
    ("view", lambda a: ag.view(a, -1, 6).sin(), lambda a: a.view(-1, 6).sin(), [X], True),
    ("expand", lambda a: ag.expand(a[:1], 2, 3, -1), lambda a: a[:1].expand(2, 3, -1), [X], False),
    ("flip", lambda a: ag.flip(a, dims=(0, 1)), lambda a: a.flip((0, 1)), [X], False),
    ("np.flip all", lambda a: np.flip(a), lambda a: a.flip((0, 1)), [X], False),
    ("roll", lambda a: ag.roll(a, (1, -2), (0, 1)), lambda a: a.roll((1, -2), (0, 1)), [X], False),
    ("np.roll flat", lambda a: np.roll(a, 5), lambda a: a.roll(5), [X], False),
    ("repeat", lambda a: ag.repeat(a, 2, 1, 3), lambda a: a.repeat(2, 1, 3), [X], False),
    ("np.tile", lambda a: np.tile(a, 2), lambda a: a.tile(2), [X], False),
    ("repeat_interleave", lambda a: ag.repeat_interleave(a, 2, dim=1), lambda a: a.repeat_interleave(2, 1), [X], False),
    ("repeat_interleave list", lambda a: ag.repeat_interleave(a, np.array([1, 0, 3]), dim=0),
     lambda a: a.repeat_interleave(torch.tensor([1, 0, 3]), 0), [X], False),
    ("np.repeat flat", lambda a: np.repeat(a, 2), lambda a: a.repeat_interleave(2), [X], False),
    ("split", lambda a: ag.split(a, [1, 3], dim=1)[1], lambda a: a.split([1, 3], 1)[1], [X], False),
    ("split size", lambda a: ag.split(a, 3, dim=1)[1], lambda a: a.split(3, 1)[1], [X], False),
    ("chunk", lambda a: ag.chunk(a, 2, 0)[1], lambda a: a.chunk(2, 0)[1], [X], False),
    ("np.split", lambda a: np.split(a, 2, axis=1)[1] * np.split(a, [1], axis=1)[0],
     lambda a: a.split(2, 1)[1] * a[:, :1], [X], True),
    ("np.array_split", lambda a: np.array_split(a, 3, axis=1)[0], lambda a: a.tensor_split(3, 1)[0], [X], False),
    ("swapaxes", lambda a: ag.swapaxes(a, 0, 2), lambda a: a.transpose(0, 2), [X3], False),
    ("moveaxis", lambda a: np.moveaxis(a, 0, -1), lambda a: a.movedim(0, -1), [X3], False),
    ("prod one zero", lambda a: ag.prod(a, 1), lambda a: a.prod(1), [ONE_ZERO], True),
    ("prod two zeros", lambda a: ag.prod(a, dim=1), lambda a: a.prod(1), [TWO_ZEROS], True),
    ("np.prod zeros", lambda a: np.prod(a), lambda a: a.prod(), [ONE_ZERO], True),
    ("prod zeros axes", lambda a: ag.prod(a, (0, 2)), lambda a: a.permute(1, 0, 2).reshape(3, -1).prod(1),
     [X3 * (np.arange(24).reshape(2, 3, 4) % 7 != 3)], True),
    ("cumprod one zero", lambda a: ag.cumprod(a, 1), lambda a: a.cumprod(1), [ONE_ZERO], True),
    ("cumprod two zeros", lambda a: ag.cumprod(a, dim=1), lambda a: a.cumprod(1), [TWO_ZEROS], True),
    ("np.cumprod zeros", lambda a: np.cumprod(a, 0), lambda a: a.cumprod(0), [TWO_ZEROS.T], True),
    ("tile leading axes", lambda a: ag.tile(a, (2, 1, 3)), lambda a: a.tile((2, 1, 3)), [X], True),
    ("pad crop", lambda a: ag.pad(a, (-1, 2, 1, -2), value=-1.0),
     lambda a: torch.nn.functional.pad(a, (-1, 2, 1, -2), value=-1.0), [X], True),
    ("pad crop all", lambda a: ag.pad(a, (-2, -2)), lambda a: torch.nn.functional.pad(a, (-2, -2)), [X], True),
    ("einsum broadcast ...", lambda a, b: ag.einsum("...ij,...jk", a, b), lambda a, b: torch.einsum("...ij,...jk", a, b),
     [RNG.standard_normal((2, 1, 3, 4)), RNG.standard_normal((5, 4, 6))], True),
    ("np.einsum broadcast ...", lambda a, b: np.einsum("i...,i...->...", a, b),
     lambda a, b: torch.einsum("i...,i...->...", a, b), [X[:, :1], X], True),
    ("einsum broadcast summed", lambda a, b: ag.einsum("...ij,...jk->ik", a, b),
     lambda a, b: torch.einsum("...ij,...jk->ik", a, b), [RNG.standard_normal((2, 1, 3, 4)), RNG.standard_normal((5, 4, 6))],
     True),
    ("pad", lambda a: ag.pad(a, (1, 2, 0, 1), value=-1.0),
     lambda a: torch.nn.functional.pad(a, (1, 2, 0, 1), value=-1.0), [X], False),
    ("np.pad", lambda a: np.pad(a, ((0, 1), (1, 2)), constant_values=-1.0),
     lambda a: torch.nn.functional.pad(a, (1, 2, 0, 1), value=-1.0), [X], False),
    ("vstack", lambda a, b: ag.vstack([a, b]), lambda a, b: torch.vstack([a, b]), [X, V5[:4]], False),
    ("np.hstack", lambda a, b: np.hstack([a, b]), lambda a, b: torch.hstack([a, b]), [X, X[:, :2]], False),
    ("diff", lambda a: ag.diff(a, 2), lambda a: a.diff(2), [X], False),
    ("np.diff axis", lambda a: np.diff(a, axis=0), lambda a: a.diff(dim=0), [X], False),
    ("einsum matmul", lambda a, b: ag.einsum("ij,kj", a, b), lambda a, b: torch.einsum("ij,kj", a, b), [X, X], True),
    ("einsum trace", lambda a: ag.einsum("ii", a), lambda a: torch.einsum("ii", a), [SQ], True),
    ("einsum diag", lambda a: ag.einsum("ii->i", a) * 2, lambda a: torch.einsum("ii->i", a) * 2, [SQ], True),
    ("einsum ellipsis", lambda a, b: np.einsum("...j,jk->...k", a, b), lambda a, b: torch.einsum("...j,jk->...k", a, b),
     [X3, X.T], True),
    ("einsum three", lambda a, b, c: ag.einsum("ij,jk,kl->il", a, b, c),
     lambda a, b, c: torch.einsum("ij,jk,kl->il", a, b, c), [X, SQ, X.T], True),
    ("einsum sum out", lambda a: ag.einsum("ij->", a), lambda a: torch.einsum("ij->", a), [X], True),
    ("tensordot", lambda a, b: ag.tensordot(a, b, 2), lambda a, b: torch.tensordot(a, b, 2), [X3, X3[0].reshape(3, 4, 1)], True),
    ("np.tensordot axes", lambda a, b: np.tensordot(a, b, ([0, 2], [1, 0])),
     lambda a, b: torch.tensordot(a, b, ([0, 2], [1, 0])), [X3, RNG.standard_normal((4, 2, 3))], True),
    ("outer", lambda a, b: ag.outer(a, b), lambda a, b: torch.outer(a, b), [V5, V5[:3]], True),
    ("np.inner", lambda a, b: np.inner(a, b), lambda a, b: torch.inner(a, b), [X3, X], True),
    ("kron", lambda a, b: np.kron(a, b), lambda a, b: torch.kron(a, b), [X[:2, :2], X], True),
    ("trace", lambda a: ag.trace(a), lambda a: a.trace(), [X], True),
    ("diagonal", lambda a: ag.diagonal(a, 1, dim1=1, dim2=2), lambda a: a.diagonal(1, 1, 2), [X3], False),
    ("np.diagonal", lambda a: np.diagonal(a, -1), lambda a: torch.diagonal(a, -1), [X], False),
    ("diag 1-D", lambda a: ag.diag(a, -1), lambda a: torch.diag(a, -1), [V5], False),
    ("np.diag 2-D", lambda a: np.diag(a, 1), lambda a: torch.diag(a, 1), [X], False),
    ("tril", lambda a: ag.tril(a, -1), lambda a: a.tril(-1), [X], False),
    ("np.triu", lambda a: np.triu(a, 1), lambda a: a.triu(1), [X3], False),
    ("gather", lambda a: ag.gather(a, 1, IDX), lambda a: a.gather(1, torch.tensor(IDX)), [X], False),
    ("take_along_axis", lambda a: np.take_along_axis(a, IDX[:, :1], 1),
     lambda a: a.gather(1, torch.tensor(IDX[:, :1])), [X], False),
    ("index_select", lambda a: ag.index_select(a, 1, np.array([3, 0, 3])),
     lambda a: a.index_select(1, torch.tensor([3, 0, 3])), [X], False),
    ("masked_fill", lambda a: ag.masked_fill(a, X > 0, 2.5), lambda a: a.masked_fill(torch.tensor(X > 0), 2.5), [X], False),
    ("scatter_add", lambda a, s: ag.scatter_add(a, 1, IDX, s),
     lambda a, s: a.scatter_add(1, torch.tensor(IDX), s), [X, RNG.standard_normal((3, 3))], False),
    ("sort", lambda a: ag.sort(a, dim=1).values, lambda a: a.sort(1).values, [X], False),
    ("sort descending", lambda a: ag.sort(a, 0, descending=True).values, lambda a: a.sort(0, descending=True).values, [X], False),
    ("np.sort", lambda a: np.sort(a), lambda a: a.sort(-1).values, [X], False),
    ("topk", lambda a: ag.topk(a, 2).values, lambda a: a.topk(2).values, [X], False),
    ("topk smallest", lambda a: ag.topk(a, 3, dim=0, largest=False).values,
     lambda a: a.topk(3, 0, largest=False).values, [X], False),
    ("nan_to_num", lambda a: ag.nan_to_num(a), lambda a: torch.nan_to_num(a), [X], True),
    ("astype", lambda a: ag.astype(a, np.float64), lambda a: a.to(torch.float64), [X], True),
    ("atan2", lambda a, b: ag.atan2(a, b), lambda a, b: torch.atan2(a, b), [X, POS], True),
    ("np.arctan2", lambda a, b: np.arctan2(a, b), lambda a, b: torch.atan2(a, b), [X, POS], True),
    ("arcsin", lambda a: ag.arcsin(a * 0.3), lambda a: torch.asin(a * 0.3), [X], True),
    ("np.logaddexp", lambda a, b: np.logaddexp(a, b), lambda a, b: torch.logaddexp(a, b), [X, X.T[0:3, 0:1]], True),
    ("lerp", lambda a, b: ag.lerp(a, b, 0.3), lambda a, b: torch.lerp(a, b, 0.3), [X, POS], True),
    ("lerp tensor weight", lambda a, b, w: ag.lerp(a, b, w), lambda a, b, w: torch.lerp(a, b, w), [X, POS, POS], True),
    ("np.round", lambda a: np.round(a * 3) + a, lambda a: torch.round(a * 3) + a, [X], True),
]


@requires_torch
@pytest.mark.parametrize("name,fn,tfn,arrays,smooth", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, fn, tfn, arrays, smooth):
    assert_matches_torch(fn, tfn, *arrays, smooth=smooth)


@requires_torch
@pytest.mark.parametrize("descending", [False, True])
def test_sort_indices_and_ties_match_torch(descending):
    x = np.array([[2.0, 1.0, 2.0, np.nan, 1.0], [0.0, -0.0, 3.0, 3.0, 3.0]])
    r = ag.sort(Value(x), descending=descending)
    t = torch.tensor(x).sort(descending=descending, stable=True)
    assert r.indices.dtype == np.int64 and type(r).__name__ == "sort"
    np.testing.assert_array_equal(r.indices, t.indices.numpy())
    np.testing.assert_array_equal(r.values.data, t.values.numpy())


def test_gradients_go_back_through_the_permutation():
    v = Value([3.0, 1.0, 2.0])
    vals, idx = ag.sort(v)
    (vals * np.array([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(idx, [1, 2, 0])
    np.testing.assert_array_equal(v.grad, [100.0, 1.0, 10.0])
    w = Value([1.0, 5.0, 3.0])
    ag.topk(w, 1).values.sum().backward()
    np.testing.assert_array_equal(w.grad, [0.0, 1.0, 0.0])


def test_gather_and_scatter_add_accumulate_repeated_indices():
    v = Value(np.zeros((2, 3)))
    ag.gather(v, 1, np.array([[0, 0, 0], [2, 1, 2]])).sum().backward()
    np.testing.assert_array_equal(v.grad, [[3, 0, 0], [0, 1, 2]])
    s = Value(np.ones((1, 3)))
    out = ag.scatter_add(np.zeros((1, 2)), 1, np.array([[1, 1, 0]]), s)
    np.testing.assert_array_equal(out.data, [[1.0, 2.0]])
    (out * np.array([[10.0, 20.0]])).sum().backward()
    np.testing.assert_array_equal(s.grad, [[20.0, 20.0, 10.0]])


@requires_torch
def test_any_and_all_are_plain_arrays_as_in_torch():
    x = np.array([[0.0, np.nan, 0.0], [0.0, -0.0, 2.0], [1.0, 1.0, np.inf]])
    v, t = Value(x), torch.tensor(x)
    for ours, theirs in [(ag.any(v), t.any()), (ag.all(v), t.all()), (ag.any(v, dim=1), t.any(1)),
                         (ag.all(v, 0, keepdim=True), t.all(0, keepdim=True)), (v.any(dim=0), t.any(0)),
                         (v.all(1), t.all(1)), (ag.any(v[:0], 0), t[:0].any(0)), (ag.all(v[:0]), t[:0].all())]:
        assert type(ours) is np.ndarray and ours.dtype == np.bool_
        np.testing.assert_array_equal(ours, theirs.numpy())
    for ours, theirs in [(np.any(v, axis=1), t.any(1)), (np.all(v), t.all())]:  # NumPy's, on the data
        assert not isinstance(ours, Value)
        np.testing.assert_array_equal(ours, theirs.numpy())
    with pytest.raises(TypeError, match="^any: "):
        ag.any(v, axis=0, dim=0)


def test_argmax_any_and_friends_are_plain_arrays():
    v = Value(np.array([[1.0, 5.0, 5.0], [np.nan, 0.0, -1.0]]))
    for got, expect in [(ag.argmax(v, dim=1), [1, 0]), (ag.argmin(v, 1, keepdim=True), [[0], [0]]),
                        (ag.argmax(v), 3), (ag.isnan(v), np.isnan(v.data)), (ag.isinf(v / 0), [[1, 1, 1], [0, 0, 1]]),
                        (ag.isfinite(v), np.isfinite(v.data))]:
        assert type(got) is np.ndarray
        np.testing.assert_array_equal(got, expect)


def test_creation_functions_follow_pytorch_defaults():
    made = [ag.zeros(2, 3), ag.ones((2,)), ag.full((2, 2), 7.0), ag.zeros_like(np.ones(3)), ag.ones_like(Value([1.0])),
            ag.full_like(Value([1.0, 2.0]), 3.0), ag.eye(3), ag.arange(5), ag.linspace(0, 1, 5), ag.randn(2, rng=0),
            ag.rand(3, rng=np.random.default_rng(0)), ag.tensor([1.0, 2.0])]
    assert all(isinstance(v, Value) and not v.requires_grad for v in made)
    np.testing.assert_array_equal(made[7].data, np.arange(5.0))
    np.testing.assert_array_equal(made[8].data, np.linspace(0, 1, 5))
    np.testing.assert_array_equal(ag.arange(1, 2, 0.25).data, [1.0, 1.25, 1.5, 1.75])
    np.testing.assert_array_equal(ag.randn(2, rng=0).data, np.random.default_rng(0).standard_normal(2))
    assert ag.zeros(2, dtype=np.float32, requires_grad=True).requires_grad
    assert ag.ones_like(np.ones(2, np.float16)).dtype == np.float16
    assert ag.eye(2, 3, dtype=np.float32).data.dtype == np.float32


@pytest.mark.parametrize("src,dst", [(np.float16, np.float32), (np.float32, np.float64), (np.float64, np.float16)])
def test_casts_carry_the_gradient_back_in_the_input_dtype(src, dst):
    v = Value(np.array([0.5, -2.0, 3.0], src))
    out = ag.astype(v, dst)
    assert out.dtype == dst
    (out * np.array([1.0, 2.0, 3.0], dst)).sum().backward()
    assert v.grad.dtype == src
    np.testing.assert_array_equal(v.grad, np.array([1.0, 2.0, 3.0], src))
