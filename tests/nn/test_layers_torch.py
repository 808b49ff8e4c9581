"""The layers of the course after micrograd against torch.nn, in float64: outputs,
input gradients and parameter gradients, running statistics included."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd_core import Value

torch = pytest.importorskip("torch", reason="the layers are compared with PyTorch")
torch.set_default_dtype(torch.float64)

TOL = dict(rtol=1e-10, atol=1e-12)


def _run(ours, theirs, x, rng, x_grad=True):
    """Apply both to `x`, backpropagate the same random cotangent, return the
    (Value, tensor) inputs after checking outputs and input gradients."""
    xv = Value(x)
    xt = torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), **TOL)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    yt.backward(torch.tensor(g))
    if x_grad:
        np.testing.assert_allclose(xv.grad, xt.grad.numpy(), **TOL)
    return xv, xt


def _copy_params(ours, theirs):
    """PyTorch's parameters into ours (same names and layouts for these layers)."""
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def _check_param_grads(ours, theirs):
    tp = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad, tp[name].grad.numpy(), **TOL, err_msg=name)


X = np.random.default_rng(0).standard_normal((4, 5)) * 3
X[0, :3] = [0.0, 25.0, -40.0]  # the kink, and far out on both sides

ACTIVATIONS = [
    (nn.LeakyReLU(), torch.nn.LeakyReLU()),
    (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
    (nn.ELU(), torch.nn.ELU()),
    (nn.ELU(0.5), torch.nn.ELU(0.5)),
    (nn.GELU(), torch.nn.GELU()),
    (nn.GELU(approximate="tanh"), torch.nn.GELU(approximate="tanh")),
    (nn.SiLU(), torch.nn.SiLU()),
    (nn.Softplus(), torch.nn.Softplus()),
    (nn.Softplus(beta=2, threshold=5), torch.nn.Softplus(beta=2, threshold=5)),
    (nn.Hardtanh(), torch.nn.Hardtanh()),
    (nn.Hardtanh(-2.0, 0.5), torch.nn.Hardtanh(-2.0, 0.5)),
    (nn.ReLU6(), torch.nn.ReLU6()),
    (nn.Softsign(), torch.nn.Softsign()),
    (nn.LogSigmoid(), torch.nn.LogSigmoid()),
    (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
    (nn.Softmax(dim=0), torch.nn.Softmax(dim=0)),
    (nn.LogSoftmax(dim=1), torch.nn.LogSoftmax(dim=1)),
]


@pytest.mark.parametrize("ours,theirs", ACTIVATIONS, ids=[repr(a) for a, _ in ACTIVATIONS])
def test_activation_modules_match_torch(ours, theirs):
    x = X.copy()
    if isinstance(ours, (nn.Hardtanh, nn.ReLU6)):
        x[1, :2] = [ours.min_val if hasattr(ours, "min_val") else 0.0, 6.0]  # the ends
    _run(ours, theirs, x, np.random.default_rng(1))


FUNCTIONS = [
    ("leaky_relu", {"negative_slope": 0.1}), ("elu", {"alpha": 2.0}), ("gelu", {}),
    ("gelu", {"approximate": "tanh"}), ("silu", {}), ("softplus", {"beta": 0.5}),
    ("hardtanh", {"min_val": -0.5, "max_val": 2.0}), ("relu6", {}), ("softsign", {}),
    ("logsigmoid", {}), ("softmax", {"dim": -1}), ("log_softmax", {"dim": 0}),
    ("relu", {}), ("tanh", {}), ("sigmoid", {}),
]


@pytest.mark.parametrize("name,kwargs", FUNCTIONS)
def test_activation_functions_match_torch(name, kwargs):
    ours = getattr(F, name)
    theirs = getattr(torch.nn.functional, name) if name not in ("tanh", "sigmoid") \
        else getattr(torch, name)
    _run(lambda v: ours(v, **kwargs), lambda t: theirs(t, **kwargs), X,
         np.random.default_rng(2))


def test_activation_second_derivatives_match_torch():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(7)
    for name in ["elu", "gelu", "silu", "softplus", "logsigmoid", "softsign"]:
        xv = Value(x)
        F.__dict__[name](xv).sum().backward(create_graph=True)
        g = xv.grad
        xv.grad = None
        (g * g).sum().backward()
        xt = torch.tensor(x, requires_grad=True)
        (gt,) = torch.autograd.grad(getattr(torch.nn.functional, name)(xt).sum(), xt,
                                    create_graph=True)
        (ggt,) = torch.autograd.grad((gt * gt).sum(), xt)
        np.testing.assert_allclose(xv.grad, ggt.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_softmax_without_dim_follows_torch_legacy_choice():
    x3 = np.random.default_rng(4).standard_normal((2, 3, 4))
    np.testing.assert_allclose(nn.Softmax()(x3).data,
                               torch.nn.functional.softmax(torch.tensor(x3), dim=0).numpy())
    np.testing.assert_allclose(F.softmax(X).data,
                               torch.nn.functional.softmax(torch.tensor(X), dim=1).numpy())


def test_embedding_matches_torch():
    rng = np.random.default_rng(5)
    ours, theirs = nn.Embedding(7, 3, rng=0), torch.nn.Embedding(7, 3)
    _copy_params(ours, theirs)
    idx = np.array([[0, 6, 2], [2, 2, 5]])  # repeated rows accumulate
    y, yt = ours(idx), theirs(torch.tensor(idx))
    assert y.shape == (2, 3, 3)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), **TOL)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    yt.backward(torch.tensor(g))
    _check_param_grads(ours, theirs)
    w = ours.weight
    np.testing.assert_allclose(F.embedding(idx, w).data, y.data)
    assert ours([1, 2]).shape == (2, 3) and ours(3).shape == (3,)


def test_embedding_init_is_standard_normal():
    w = nn.Embedding(2000, 50, rng=1).weight.data
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01


@pytest.mark.parametrize("bad", [[0, 7], [-1, 2], [[3], [100]]])
def test_embedding_index_out_of_range(bad):
    emb = nn.Embedding(7, 3, rng=0)
    with pytest.raises(IndexError, match=r"Embedding.*out of range for 7"):
        emb(bad)
    with pytest.raises(IndexError, match="embedding"):
        F.embedding(bad, emb.weight)


def test_embedding_refuses_float_indices():
    with pytest.raises(TypeError, match="Embedding: indices must be integers"):
        nn.Embedding(4, 2, rng=0)(np.array([0.0, 1.0]))


@pytest.mark.parametrize("shape,ours,theirs", [
    ((6, 3), lambda: nn.BatchNorm1d(3), lambda: torch.nn.BatchNorm1d(3)),
    ((6, 3, 4), lambda: nn.BatchNorm1d(3, momentum=0.3), lambda: torch.nn.BatchNorm1d(3, momentum=0.3)),
    ((4, 3, 5, 5), lambda: nn.BatchNorm2d(3), lambda: torch.nn.BatchNorm2d(3)),
    ((4, 3, 2, 3), lambda: nn.BatchNorm2d(3, momentum=None), lambda: torch.nn.BatchNorm2d(3, momentum=None)),
    ((5, 3), lambda: nn.BatchNorm1d(3, affine=False), lambda: torch.nn.BatchNorm1d(3, affine=False)),
    ((5, 3), lambda: nn.BatchNorm1d(3, track_running_stats=False),
     lambda: torch.nn.BatchNorm1d(3, track_running_stats=False)),
])
def test_batchnorm_train_and_eval_match_torch(shape, ours, theirs):
    rng = np.random.default_rng(6)
    ours, theirs = ours(), theirs()
    if ours.affine:
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(rng.standard_normal(3)))
            theirs.bias.copy_(torch.tensor(rng.standard_normal(3)))
        _copy_params(ours, theirs)
    for _ in range(3):
        for m in (ours, theirs):
            m.zero_grad()
        _run(ours, theirs, rng.standard_normal(shape) * 2 + 1, rng)
        if ours.affine:
            _check_param_grads(ours, theirs)
    for name, buf in theirs.named_buffers():
        np.testing.assert_allclose(getattr(ours, name), buf.numpy(), **TOL, err_msg=name)
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    ours.eval()
    theirs.eval()
    _run(ours, theirs, rng.standard_normal(shape), rng)


def test_batchnorm_running_variance_is_unbiased_with_pytorch_momentum():
    bn = nn.BatchNorm1d(2)
    x = np.array([[1.0, 0.0], [3.0, 4.0], [5.0, 2.0]])
    bn(x)
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(0))
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(0, ddof=1))
    assert bn.num_batches_tracked == 1 and bn.num_batches_tracked.dtype == np.int64


def test_batchnorm_functional_matches_torch():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 3, 4))
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    for training in (True, False):
        rm1, rv1, rmt, rvt = rm.copy(), rv.copy(), torch.tensor(rm), torch.tensor(rv)
        _run(lambda v: F.batch_norm(v, rm1, rv1, Value(w), Value(b), training, 0.2, 1e-3),
             lambda t: torch.nn.functional.batch_norm(t, rmt, rvt, torch.tensor(w),
                                                      torch.tensor(b), training, 0.2, 1e-3),
             x, rng)
        np.testing.assert_allclose(rm1, rmt.numpy(), **TOL)
        np.testing.assert_allclose(rv1, rvt.numpy(), **TOL)


def test_batchnorm_one_value_per_channel_in_training():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\(1, 3\)"):
        bn(np.ones((1, 3)))
    assert bn.num_batches_tracked == 0 and (bn.running_mean == 0).all()
    assert bn.eval()(np.ones((1, 3))).shape == (1, 3)


@pytest.mark.parametrize("layer,shape", [
    (nn.BatchNorm1d(3), (4, 5)), (nn.BatchNorm1d(3), (4,)), (nn.BatchNorm1d(3), (2, 3, 4, 5)),
    (nn.BatchNorm2d(3), (4, 3, 5)), (nn.BatchNorm2d(3), (4, 2, 5, 5)),
    (nn.LayerNorm(4), (3, 5)), (nn.LayerNorm((2, 4)), (3, 4, 2)),
])
def test_norm_layers_refuse_wrong_shapes(layer, shape):
    before = layer.state_dict()
    with pytest.raises(ValueError, match=rf"{type(layer).__name__}.*{shape}".replace("(", r"\(")
                       .replace(")", r"\)")):
        layer(np.ones(shape))
    after = layer.state_dict()
    assert all((before[k] == after[k]).all() for k in before)


@pytest.mark.parametrize("normalized_shape,shape", [(4, (3, 4)), ((3, 4), (2, 3, 4)), (5, (2, 3, 5))])
def test_layernorm_matches_torch(normalized_shape, shape):
    rng = np.random.default_rng(8)
    ours, theirs = nn.LayerNorm(normalized_shape), torch.nn.LayerNorm(normalized_shape)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(rng.standard_normal(theirs.weight.shape)))
        theirs.bias.copy_(torch.tensor(rng.standard_normal(theirs.bias.shape)))
    _copy_params(ours, theirs)
    _run(ours, theirs, rng.standard_normal(shape) * 3 - 1, rng)
    _check_param_grads(ours, theirs)
    _run(lambda v: F.layer_norm(v, normalized_shape, eps=0.1),
         lambda t: torch.nn.functional.layer_norm(t, theirs.normalized_shape, eps=0.1),
         rng.standard_normal(shape), rng)


@pytest.mark.parametrize("args,shape", [((), (2, 3, 4, 5)), ((0,), (2, 3, 4)), ((1, 2), (2, 3, 4, 5)),
                                        ((2, -1), (2, 3, 4, 5)), ((), (2, 3))])
def test_flatten_matches_torch(args, shape):
    _run(nn.Flatten(*args), torch.nn.Flatten(*args), np.arange(np.prod(shape), dtype=float)
         .reshape(shape), np.random.default_rng(9))


def test_identity():
    x = Value([1.0, 2.0])
    assert nn.Identity(54, unused=1)(x) is x


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 6), (2, 4, 3, 2)])
def test_cross_entropy_options_match_torch(reduction, smoothing, shape):
    rng = np.random.default_rng(10)
    x = rng.standard_normal(shape)
    t = rng.integers(0, 4, (shape[0],) + shape[2:])
    t.flat[::3] = 2  # ignored below
    for kwargs in ({}, {"ignore_index": 2}):
        kw = dict(reduction=reduction, label_smoothing=smoothing, **kwargs)
        _run(lambda v: F.cross_entropy(v, t, **kw),
             lambda a: torch.nn.functional.cross_entropy(a, torch.tensor(t), **kw), x, rng)
    p = rng.dirichlet(np.ones(4), (shape[0],) + shape[2:])
    p = np.moveaxis(p, -1, 1)
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    _run(lambda v: F.cross_entropy(v, p, **kw),
         lambda a: torch.nn.functional.cross_entropy(a, torch.tensor(p), **kw), x, rng)


def test_cross_entropy_loss_module_takes_the_options():
    rng = np.random.default_rng(11)
    x, t = rng.standard_normal((6, 3)), np.array([0, 1, 2, -1, 1, 0])
    loss = nn.CrossEntropyLoss(ignore_index=-1, label_smoothing=0.1)
    tl = torch.nn.CrossEntropyLoss(ignore_index=-1, label_smoothing=0.1)
    _run(lambda v: loss(v, t), lambda a: tl(a, torch.tensor(t)), x, rng)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 6)])
def test_nll_loss_matches_torch(reduction, shape):
    rng = np.random.default_rng(12)
    x = rng.standard_normal(shape)
    t = rng.integers(0, 4, (shape[0],) + shape[2:])
    for kwargs in ({}, {"ignore_index": 1}):
        _run(lambda v: F.nll_loss(v, t, reduction=reduction, **kwargs),
             lambda a: torch.nn.functional.nll_loss(a, torch.tensor(t), reduction=reduction,
                                                    **kwargs), x, rng)
    _run(lambda v: nn.NLLLoss(reduction=reduction)(F.log_softmax(v, dim=1), t),
         lambda a: torch.nn.NLLLoss(reduction=reduction)(torch.log_softmax(a, 1), torch.tensor(t)),
         x, rng)


def test_nll_loss_refuses_out_of_range_targets():
    with pytest.raises(ValueError, match="nll_loss: class index 4"):
        F.nll_loss(Value(np.zeros((2, 4))), [1, 4])


def test_one_hot_matches_torch():
    t = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(F.one_hot(t), torch.nn.functional.one_hot(torch.tensor(t)).numpy())
    np.testing.assert_array_equal(F.one_hot(t, 6), torch.nn.functional.one_hot(torch.tensor(t), 6).numpy())
    with pytest.raises(IndexError, match="one_hot"):
        F.one_hot(t, 3)


def test_dropout_function():
    x = np.ones((200, 50))
    y = F.dropout(x, 0.3, rng=0).data
    assert set(np.unique(y)) == {0.0, 1 / 0.7}
    assert abs((y == 0).mean() - 0.3) < 0.02
    assert (F.dropout(x, 0.3, training=False).data == 1).all()
