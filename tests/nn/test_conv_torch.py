"""Convolution and pooling layers and functions against torch.nn, in float64: outputs,
input and parameter gradients, second order; PyTorch's init; bad input."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd_core import Value

torch = pytest.importorskip("torch", reason="the layers are compared with PyTorch")
torch.set_default_dtype(torch.float64)
TF = torch.nn.functional
TOL = dict(rtol=1e-10, atol=1e-12)


def _check(ours, theirs, x, rng, params=()):
    """Same output, input gradient and parameter gradients for one random cotangent."""
    xv, xt = Value(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), **TOL)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xv.grad, xt.grad.numpy(), **TOL)
    for p, t in params:
        np.testing.assert_allclose(p.grad, t.grad.numpy(), **TOL)


def _copy(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    return [(p, dict(theirs.named_parameters())[n]) for n, p in ours.named_parameters()]


CONV2D = [
    dict(in_channels=3, out_channels=4, kernel_size=3),
    dict(in_channels=2, out_channels=4, kernel_size=(2, 3), stride=2, padding=1),
    dict(in_channels=4, out_channels=6, kernel_size=3, stride=(1, 2), padding=(2, 1), dilation=(2, 1),
         groups=2),
    dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=4, bias=False),
    dict(in_channels=3, out_channels=2, kernel_size=(3, 2), padding="same"),
    dict(in_channels=3, out_channels=2, kernel_size=4, padding="same", dilation=(1, 2)),
    dict(in_channels=3, out_channels=2, kernel_size=2, padding="valid"),
]


@pytest.mark.parametrize("kwargs", CONV2D, ids=[str(k) for k in CONV2D])
def test_conv2d_matches_torch(kwargs):
    rng = np.random.default_rng(0)
    ours, theirs = nn.Conv2d(**kwargs, rng=0), torch.nn.Conv2d(**kwargs)
    params = _copy(ours, theirs)
    _check(ours, theirs, rng.standard_normal((2, kwargs["in_channels"], 7, 6)), rng, params)
    x = rng.standard_normal((kwargs["in_channels"], 5, 6))  # unbatched
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy(), **TOL)


CONV1D = [dict(in_channels=3, out_channels=4, kernel_size=3),
          dict(in_channels=4, out_channels=2, kernel_size=2, stride=2, padding=1, dilation=2, groups=2),
          dict(in_channels=2, out_channels=3, kernel_size=4, padding="same", bias=False)]


@pytest.mark.parametrize("kwargs", CONV1D, ids=[str(k) for k in CONV1D])
def test_conv1d_matches_torch(kwargs):
    rng = np.random.default_rng(1)
    ours, theirs = nn.Conv1d(**kwargs, rng=0), torch.nn.Conv1d(**kwargs)
    params = _copy(ours, theirs)
    assert ours.weight.shape == tuple(theirs.weight.shape)
    _check(ours, theirs, rng.standard_normal((3, kwargs["in_channels"], 9)), rng, params)


def test_conv_functions_match_torch():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((6, 2, 3, 3)), rng.standard_normal(6)
    wv, bv = Value(w), Value(b)
    wt, bt = torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)
    _check(lambda v: F.conv2d(v, wv, bv, 1, 1, 1, 2), lambda t: TF.conv2d(t, wt, bt, 1, 1, 1, 2),
           x, rng, [(wv, wt), (bv, bt)])
    w1 = Value(rng.standard_normal((3, 4, 2)))
    w1t = torch.tensor(w1.data, requires_grad=True)
    _check(lambda v: F.conv1d(v, w1, stride=2), lambda t: TF.conv1d(t, w1t, stride=2),
           rng.standard_normal((2, 4, 7)), rng, [(w1, w1t)])


def test_conv2d_second_derivatives_match_torch():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 2, 3))
    xv, wv = Value(x), Value(w)
    y = F.conv2d(xv, wv, None, 2, 1)
    (y * y).sum().backward(create_graph=True)
    gx, gw = xv.grad, wv.grad
    xv.grad = wv.grad = None
    ((gx * gx).sum() + (gw * gw).sum()).backward()
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    yt = TF.conv2d(xt, wt, None, 2, 1)
    gxt, gwt = torch.autograd.grad((yt * yt).sum(), (xt, wt), create_graph=True)
    hx, hw = torch.autograd.grad((gxt * gxt).sum() + (gwt * gwt).sum(), (xt, wt))
    np.testing.assert_allclose(xv.grad, hx.numpy(), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(wv.grad, hw.numpy(), rtol=1e-9, atol=1e-10)


def test_conv2d_default_init_is_pytorch_bound():
    conv = nn.Conv2d(8, 16, 3, groups=2, rng=0)
    bound = 1 / np.sqrt(8 // 2 * 9)  # kaiming_uniform_(a=sqrt(5)): 1/sqrt(fan_in)
    for p in (conv.weight.data, conv.bias.data):
        assert p.max() <= bound and p.min() >= -bound
    assert conv.weight.data.max() > 0.95 * bound and abs(conv.weight.data.std() - bound / np.sqrt(3)) < 0.01
    assert conv.weight.shape == (16, 4, 3, 3)
    assert nn.init.calculate_fan_in_and_fan_out(conv.weight) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.nn.Conv2d(8, 16, 3, groups=2).weight)
    assert (nn.Conv2d(8, 16, 3, rng=5).weight.data == nn.Conv2d(8, 16, 3, rng=5).weight.data).all()


POOLS = [
    (lambda: nn.MaxPool2d(2), lambda: torch.nn.MaxPool2d(2)),
    (lambda: nn.MaxPool2d(3, stride=1, padding=1), lambda: torch.nn.MaxPool2d(3, stride=1, padding=1)),
    (lambda: nn.MaxPool2d((2, 3), stride=(1, 2), dilation=(2, 1)),
     lambda: torch.nn.MaxPool2d((2, 3), stride=(1, 2), dilation=(2, 1))),
    (lambda: nn.AvgPool2d(2), lambda: torch.nn.AvgPool2d(2)),
    (lambda: nn.AvgPool2d(3, stride=2, padding=1), lambda: torch.nn.AvgPool2d(3, stride=2, padding=1)),
    (lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
     lambda: torch.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)),
    (lambda: nn.AdaptiveAvgPool2d(1), lambda: torch.nn.AdaptiveAvgPool2d(1)),
    (lambda: nn.AdaptiveAvgPool2d((3, 4)), lambda: torch.nn.AdaptiveAvgPool2d((3, 4))),
    (lambda: nn.AdaptiveAvgPool2d((None, 2)), lambda: torch.nn.AdaptiveAvgPool2d((None, 2))),
]


@pytest.mark.parametrize("ours,theirs", POOLS)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (3, 8, 8)])
def test_pooling_matches_torch(ours, theirs, shape):
    rng = np.random.default_rng(4)
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.01  # no ties
    _check(ours(), theirs(), x, rng)


def test_max_pool_ties_nan_and_minus_infinity_as_torch():
    x = np.array([[[[1.0, 1.0, 0.0], [np.nan, 2.0, np.nan], [-np.inf, -np.inf, 0.5]]]])
    x2 = np.full((1, 1, 3, 3), -np.inf)
    for data in (x, x2):
        _check(lambda v: F.max_pool2d(v, 2, 1, 1), lambda t: TF.max_pool2d(t, 2, 1, 1), data,
               np.random.default_rng(5))


def test_pool_functions_match_torch():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 2, 6, 7))
    _check(lambda v: F.max_pool2d(v, 3, 2, 1), lambda t: TF.max_pool2d(t, 3, 2, 1), x, rng)
    _check(lambda v: F.avg_pool2d(v, (2, 3)), lambda t: TF.avg_pool2d(t, (2, 3)), x, rng)
    _check(lambda v: F.adaptive_avg_pool2d(v, (4, 3)), lambda t: TF.adaptive_avg_pool2d(t, (4, 3)),
           x, rng)


@pytest.mark.parametrize("args", [(2,), ((2, 3), 1, 1, (2, 1)), (3, 2, 2, 1)])
def test_unfold_and_fold_match_torch(args):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 7, 6))
    _check(lambda v: F.unfold(v, *args), lambda t: TF.unfold(t, *args), x, rng)
    cols = TF.unfold(torch.tensor(x), *args).numpy()
    _check(lambda v: F.fold(v, (7, 6), *args), lambda t: TF.fold(t, (7, 6), *args), cols, rng)


@pytest.mark.parametrize("widths,value", [((1, 2), 0.0), ((1, 0, 2, 1), 1.5), ((-1, 2, 0, -2), 0.0),
                                          ((1, 1, 1, 1, 1, 1), -1.0)])
def test_pad_matches_torch(widths, value):
    rng = np.random.default_rng(8)
    _check(lambda v: F.pad(v, widths, value=value), lambda t: TF.pad(t, widths, value=value),
           rng.standard_normal((2, 3, 4)), rng)


def test_small_cnn_matches_torch():
    """Conv -> BatchNorm2d -> ReLU -> MaxPool -> Conv -> AdaptiveAvgPool -> Flatten -> Linear."""
    rng = np.random.default_rng(9)

    def build(lib, kw):
        return lib.Sequential(lib.Conv2d(1, 4, 3, padding=1, **kw), lib.BatchNorm2d(4), lib.ReLU(),
                              lib.MaxPool2d(2), lib.Conv2d(4, 6, 3, **kw), lib.AdaptiveAvgPool2d(1),
                              lib.Flatten())

    ours, theirs = build(nn, {"rng": 0}), build(torch.nn, {})
    params = _copy(ours, theirs)
    _check(ours, theirs, rng.standard_normal((5, 1, 8, 8)), rng, params)
    for name, buf in theirs.named_buffers():
        np.testing.assert_allclose(dict(ours.named_buffers())[name], buf.numpy(), **TOL)


@pytest.mark.parametrize("make,shape,match", [
    (lambda: nn.Conv2d(3, 4, 3), (2, 2, 5, 5), r"Conv2d\(3, 4, kernel_size=\(3, 3\)\): expected input "
                                               r"\(N, C, H, W\) with C = 3 channels, got shape \(2, 2, 5, 5\)"),
    (lambda: nn.Conv2d(3, 4, 3), (2, 3, 5), r"Conv2d.*got shape \(2, 3, 5\)"),
    (lambda: nn.Conv2d(3, 4, 3), (2, 3, 2, 5), r"Conv2d.*kernel \(height 3.*larger than the padded input"
                                               r".*\(2, 3, 2, 5\)"),
    (lambda: nn.Conv2d(3, 4, 5, padding=1), (1, 3, 2, 9), r"larger than the padded input \(height 2 \+ 2\*1"),
    (lambda: nn.Conv1d(2, 4, 3), (2, 3, 5), r"Conv1d\(2, 4.*C = 2 channels, got shape \(2, 3, 5\)"),
    (lambda: nn.MaxPool2d(4), (1, 1, 3, 8), r"MaxPool2d.*larger than the padded input"),
    (lambda: nn.MaxPool2d(2), (3, 8), r"MaxPool2d.*expected input \(N, C, H, W\) or \(C, H, W\)"),
])
def test_bad_input_names_the_layer_and_shapes(make, shape, match):
    layer = make()
    before = layer.state_dict()
    with pytest.raises(ValueError, match=match):
        layer(np.ones(shape))
    assert all(np.array_equal(before[k], v) for k, v in layer.state_dict().items())


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"Conv2d: groups=2 must divide in_channels=3"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"groups=3 does not divide the 4 output channels"):
        F.conv2d(np.ones((1, 3, 4, 4)), Value(np.ones((4, 1, 2, 2))), groups=3)
    with pytest.raises(ValueError, match=r"conv2d: expected input \(N, 6, H, W\).*\(4, 3, 2, 2\).*groups=2"):
        F.conv2d(np.ones((1, 3, 4, 4)), Value(np.ones((4, 3, 2, 2))), groups=2)
    with pytest.raises(TypeError, match="Conv2d: kernel_size must be an int or a pair"):
        nn.Conv2d(3, 4, 2.5)
    with pytest.raises(ValueError, match="stride must be at least 1"):
        nn.Conv2d(3, 4, 2, stride=0)
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        F.conv2d(np.ones((1, 1, 4, 4)), Value(np.ones((1, 1, 2, 2))), stride=2, padding="same")
    with pytest.raises(ValueError, match=r"max_pool2d: padding \(2, 2\) must be at most half"):
        F.max_pool2d(np.ones((1, 1, 5, 5)), 3, padding=2)
    with pytest.raises(ValueError, match=r"fold: expected input \(N, C\*2\*2, 9\)"):
        F.fold(np.ones((1, 4, 8)), (4, 4), 2)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float16, 2e-3)])
def test_float32_and_float16_within_torch_tolerance(dtype, tol):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 3, 6, 6)).astype(dtype)
    ours = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, rng=0, dtype=dtype), nn.MaxPool2d(2))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.MaxPool2d(2)).float()
    with torch.no_grad():
        theirs[0].weight.copy_(torch.tensor(ours[0].weight.data.astype(np.float32)))
        theirs[0].bias.copy_(torch.tensor(ours[0].bias.data.astype(np.float32)))
    xv, xt = Value(x), torch.tensor(x.astype(np.float32), requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    y.sum().backward()
    yt.sum().backward()
    assert y.dtype == dtype and xv.grad.dtype == dtype and ours[0].weight.grad.dtype == dtype
    np.testing.assert_allclose(y.data.astype(np.float32), yt.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(xv.grad.astype(np.float32), xt.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ours[0].weight.grad.astype(np.float32), theirs[0].weight.grad.numpy(),
                               rtol=10 * tol, atol=10 * tol)


def test_empty_batch():
    conv, x = nn.Conv2d(3, 4, 3, padding=1, rng=0), Value(np.zeros((0, 3, 5, 5)))
    y = F.max_pool2d(conv(x), 2)
    assert y.shape == (0, 4, 2, 2)
    y.sum().backward()
    assert x.grad.shape == (0, 3, 5, 5) and (conv.weight.grad == 0).all()
