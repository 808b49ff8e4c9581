"""Edge values give PyTorch's values and gradients: 0, ±inf, NaN, tiny and huge
numbers, empty arrays, float16/32/64, op by op and loss by loss."""
import numpy as np
import pytest

import autograd_core as ag
import nn.functional as F
from autograd_core import Value

torch = pytest.importorskip("torch")
TF = torch.nn.functional
# NumPy warns where edge values overflow or divide by zero, as it should; PyTorch does not.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
INF, NAN = np.inf, np.nan
DTYPES = [np.float16, np.float32, np.float64]


def _same(ours, theirs, dtype):
    """Equal up to a few roundings of the dtype; NaN exactly where PyTorch has NaN."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    ours = np.asarray(ours)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours, theirs)
    rtol = {np.float16: 4e-3, np.float32: 1e-6, np.float64: 1e-12}[np.dtype(dtype).type]
    np.testing.assert_allclose(ours.astype(np.float64), theirs.astype(np.float64), rtol=rtol, atol=0)


def like_torch(fn, tfn, *arrays, dtype=np.float64, cot=None):
    """fn on Values and tfn on tensors of the same data: same output, same gradients."""
    arrays = [np.asarray(a, dtype=dtype) for a in arrays]
    with np.errstate(all="ignore"):
        vs = [Value(a) for a in arrays]
        out = fn(*vs)
        ts = [torch.tensor(a, requires_grad=True) for a in arrays]
        tout = tfn(*ts)
        _same(out.data, tout, dtype)
        cot = np.ones(out.shape, dtype) if cot is None else np.asarray(cot, dtype)
        out.backward(cot)
        tout.backward(torch.tensor(cot))
    for v, t in zip(vs, ts):
        _same(v.grad, t.grad, dtype)
    return out, vs


# ---------------------------------------------------------------------- pow
A = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -2.0, -2.0, -INF, INF, NAN, 1.0, 1.0, -0.0]
B = [0.0, 1.0, 2.0, -1.0, 0.5, -0.5, -2.0, 2.0, 0.5, 2.0, -1.0, 0.0, NAN, INF, -1.0]


@pytest.mark.parametrize("dtype", DTYPES)
def test_pow_and_both_gradients_at_zero_inf_and_nan(dtype):
    like_torch(lambda a, b: a ** b, lambda a, b: a ** b, A, B, dtype=dtype)


@pytest.mark.parametrize("k", [0, 1, 2, 3, -1, -2, 0.0, 0.5, -0.5, 1.5])
def test_pow_with_a_constant_exponent(k):
    like_torch(lambda a: a ** k, lambda a: a ** k, [0.0, -0.0, INF, -INF, NAN, 1e-300, 1e300, -2.0])


@pytest.mark.parametrize("base", [0.0, 1.0, 2.0, -2.0, INF])
def test_pow_with_a_constant_base(base):
    like_torch(lambda b: base ** b, lambda b: base ** b, [0.0, 1.0, -1.0, 0.5, INF, -INF, NAN])


def test_x_to_the_first_at_zero_has_gradient_one():
    x = Value(0.0)
    (x ** 1).backward()
    assert x.grad == 1.0
    x, y = Value(0.0), Value(1.0)
    (x ** y).backward()
    assert (x.grad, y.grad) == (1.0, 0.0)  # d/dy is 0 at x = 0 (PyTorch: the limit from x > 0)


# ------------------------------------------------- unary ops at edge values
EDGE = [0.0, -0.0, INF, -INF, NAN, 1e-300, -1e-300, 1e300, -1e300, 1.0, -1.0]
UNARY = {"exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "tanh": torch.tanh,
         "sigmoid": torch.sigmoid, "relu": torch.relu, "abs": torch.abs}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_at_edge_values(name, dtype):
    like_torch(lambda a: getattr(a, name)(), UNARY[name], EDGE, dtype=dtype)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_on_scalars_at_edge_values(name):
    for x in EDGE:
        like_torch(lambda a: getattr(a, name)(), UNARY[name], x)


def test_masked_gradients_stay_zero_where_the_upstream_gradient_is_inf():
    # sqrt's gradient at 0 is inf; relu, clip, where and maximum drop it, as in PyTorch.
    x = [-1.0, 0.0, 4.0]
    like_torch(lambda a: a.relu().sqrt(), lambda a: a.relu().sqrt(), x)
    like_torch(lambda a: a.clip(0.0, 1.0).sqrt(), lambda a: a.clamp(0.0, 1.0).sqrt(), x)
    like_torch(lambda a: ag.where(np.array([True, False, True]), a, 0.0).sqrt(),
               lambda a: torch.where(torch.tensor([True, False, True]), a, 0.0).sqrt(), x)
    like_torch(lambda a: ag.maximum(a, 0.0).sqrt(),
               lambda a: torch.maximum(a, torch.tensor(0.0, dtype=a.dtype)).sqrt(), x)
    like_torch(lambda a: a.relu(), lambda a: a.relu(), x, cot=[NAN, INF, 1.0])


def test_nan_passes_max_min_clip_relu_like_torch():
    a, b = [NAN, 1.0, 2.0, NAN, 3.0], [1.0, NAN, 2.0, NAN, 3.0]
    like_torch(ag.maximum, torch.maximum, a, b)
    like_torch(ag.minimum, torch.minimum, a, b)
    like_torch(lambda v: v.clip(-1.0, 1.0), lambda t: t.clamp(-1.0, 1.0), [NAN, -1.0, 1.0, 2.0])
    like_torch(lambda v: v.max(), lambda t: t.amax(), [NAN, 1.0, 2.0])
    like_torch(lambda v: v.min(axis=1), lambda t: t.amin(dim=1), [[NAN, 1.0], [2.0, 2.0]])


def test_division_and_matmul_with_zero_and_inf():
    like_torch(lambda a, b: a / b, lambda a, b: a / b, [0.0, 1.0, -1.0, INF, 0.0], [0.0, 0.0, -0.0, INF, INF])
    like_torch(lambda a, b: a @ b, lambda a, b: a @ b, [[INF, 0.0], [1.0, 2.0]], [[0.0, 1.0], [1.0, -INF]])


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_softmax_with_minus_inf_and_whole_rows_of_it(method):
    z = [[0.0, -INF, 1.0], [-INF, -INF, -INF], [INF, 0.0, 1.0], [1e300, -1e300, 0.0]]
    like_torch(lambda v: getattr(v, method)(), lambda t: getattr(t, method)(-1), z,
               cot=np.arange(12.0).reshape(4, 3))


# ------------------------------------------------------------- reductions
def test_float16_mean_over_more_elements_than_float16_can_count():
    x = np.full(70000, 0.5, np.float16)
    out, (v,) = like_torch(lambda a: a.mean(), lambda a: a.mean(), x, dtype=np.float16)
    assert out.item() == 0.5 and v.grad[0] == np.float16(1 / 70000)


def test_float16_sums_do_not_overflow_halfway():
    x = np.array([[60000.0], [60000.0], [-60000.0]], np.float16)
    for axis in (0, None):
        out, _ = like_torch(lambda a: a.sum(axis=axis), lambda a: a.sum() if axis is None else a.sum(0),
                            x, dtype=np.float16)
        assert np.all(out.data == 60000)


@pytest.mark.parametrize("dtype", DTYPES)
def test_reductions_over_empty_arrays(dtype):
    e = np.zeros((0, 3), dtype)
    like_torch(lambda a: a.sum(), lambda a: a.sum(), e, dtype=dtype)       # 0
    like_torch(lambda a: a.mean(), lambda a: a.mean(), e, dtype=dtype)     # NaN
    like_torch(lambda a: a.mean(axis=0), lambda a: a.mean(0), e, dtype=dtype)  # NaN, NaN, NaN
    like_torch(lambda a: a.sum(axis=1), lambda a: a.sum(1), e, dtype=dtype)
    for method in ("softmax", "log_softmax"):
        like_torch(lambda a: getattr(a, method)(axis=0), lambda a: getattr(a, method)(0), e, dtype=dtype)


@pytest.mark.parametrize("method", ["max", "min"])
def test_max_and_min_over_empty_arrays_give_nan_and_an_empty_gradient(method):
    # API.md: NaN and an empty gradient (PyTorch's amax/amin raise here).
    for axis, shape in [(None, ()), (0, (3,)), ((0, 1), ())]:
        v = Value(np.zeros((0, 3)))
        out = getattr(v, method)(axis=axis)
        assert out.shape == shape and np.isnan(out.data).all()
        out.backward(np.ones(shape))
        assert v.grad.shape == (0, 3)
    out = getattr(Value(np.zeros((0, 3))), method)(axis=1)  # nothing reduced is empty: an empty result
    assert out.shape == (0,)


# ------------------------------------------------------------------ losses
def test_cross_entropy_with_minus_inf_logits_for_other_classes():
    z = [[0.0, -INF, 1.0]]
    out, _ = like_torch(lambda v: F.cross_entropy(v, np.array([0])),
                        lambda t: TF.cross_entropy(t, torch.tensor([0])), z)
    assert out.item() == pytest.approx(1.3132616875182228)


def test_cross_entropy_probabilities_of_zero_where_the_logit_is_minus_inf():
    # 0 * log(0) = 0: the same as the class index (PyTorch gives NaN for this form).
    z, p = Value([[0.0, -INF, 1.0]]), np.array([[1.0, 0.0, 0.0]])
    loss = F.cross_entropy(z, p)
    loss.backward()
    t = torch.tensor([[0.0, -INF, 1.0]], dtype=torch.float64, requires_grad=True)
    TF.cross_entropy(t, torch.tensor([0])).backward()
    assert loss.item() == pytest.approx(1.3132616875182228)
    np.testing.assert_allclose(z.grad, t.grad.numpy(), rtol=1e-15)


def test_cross_entropy_probabilities_that_do_not_sum_to_one():
    z, p = np.array([[0.5, -1.0, 2.0], [1.0, 1.0, 0.0]]), np.array([[0.5, 0.5, 0.5], [0.0, 0.2, 0.0]])
    for red in ("mean", "sum", "none"):
        like_torch(lambda v: F.cross_entropy(v, p, reduction=red),
                   lambda t: TF.cross_entropy(t, torch.tensor(p), reduction=red), z)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_at_probabilities_zero_and_one(dtype, reduction):
    p, y = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5], [0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 1.0]
    like_torch(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
               lambda a, b: TF.binary_cross_entropy(a, b, reduction=reduction), p, y, dtype=dtype)


def test_binary_cross_entropy_rejects_targets_outside_the_unit_interval():
    with pytest.raises(ValueError, match=r"target.*\[0, 1\]"):
        F.binary_cross_entropy(Value([0.5, 0.5]), np.array([1.5, 0.0]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_with_logits_at_infinities(dtype):
    x, y = [INF, INF, INF, -INF, -INF, -INF, 0.0, NAN], [0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 1.0, 1.0]
    like_torch(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none"),
               lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction="none"), x, y, dtype=dtype)


def test_l1_and_mse_at_zero_inf_and_empty():
    like_torch(lambda a, b: F.l1_loss(a, b), lambda a, b: TF.l1_loss(a, b), [0.0, 1.0, INF], [0.0, 1.0, INF])
    like_torch(lambda a, b: F.mse_loss(a, b), lambda a, b: TF.mse_loss(a, b), [INF, 1.0], [INF, 2.0])
    for red in ("mean", "sum"):
        like_torch(lambda a, b: F.mse_loss(a, b, reduction=red), lambda a, b: TF.mse_loss(a, b, reduction=red),
                   np.zeros((0, 2)), np.zeros((0, 2)))
        like_torch(lambda a, b: F.l1_loss(a, b, reduction=red), lambda a, b: TF.l1_loss(a, b, reduction=red),
                   np.zeros(0), np.zeros(0))


def test_float16_mse_squares_overflow_as_in_torch():
    like_torch(lambda a, b: F.mse_loss(a, b), lambda a, b: TF.mse_loss(a, b), [300.0, 1.0], [0.0, 0.0],
               dtype=np.float16)


def _no_farther_than_torch(fn, tfn, x, cot):
    """In float16, our value and gradient are no farther from the exact (float64)
    ones than PyTorch's float16 results, give or take a float16 rounding."""
    x16 = np.asarray(x, np.float16)
    v = Value(x16)
    out = fn(v)
    out.backward(np.asarray(cot, np.float16))
    res = []
    for dtype in (torch.float16, torch.float64):
        t = torch.tensor(x16, dtype=dtype, requires_grad=True)
        tout = tfn(t)
        tout.backward(torch.tensor(np.asarray(cot, np.float16), dtype=dtype))
        res.append((tout.detach().double().numpy(), t.grad.double().numpy()))
    (tv, tg), (ev, eg) = res
    for ours, theirs, exact in ((out.data, tv, ev), (v.grad, tg, eg)):
        assert ours.dtype == np.float16
        slack = np.abs(exact) * 2.0 ** -11  # half a float16 rounding
        assert np.all(np.abs(ours - exact) <= np.abs(theirs - exact) + slack), (ours, theirs, exact)


def test_float16_softmax_family_and_sigmoid_keep_their_digits_where_they_cancel():
    # Computed in float16 throughout, 1 - sigmoid near 1, a log-sum-exp and softmax * sum(t) - t
    # would lose most of their digits; here PyTorch's own float16 results are off by up to 30%.
    _no_farther_than_torch(lambda a: a.sigmoid(), torch.sigmoid, [7.39, -7.39, 3.0, 10.0], [1.0, 1.0, 1.0, 1.0])
    _no_farther_than_torch(lambda a: a.log_softmax(), lambda z: z.log_softmax(-1), [[0.0, 1.0, 8.0]],
                           [[1.0, 0.5, 1.0]])
    t = np.array([[0.2306, 0.635]], np.float16)
    _no_farther_than_torch(lambda v: F.cross_entropy(v, t, reduction="sum"),
                           lambda z: TF.cross_entropy(z, torch.tensor(t, dtype=z.dtype), reduction="sum"),
                           [[0.0, 1.0]], 0.306)


def test_pow_with_an_exponent_value_of_one_half_is_c_pow_like_torch():
    # NumPy takes sqrt for an exponent 0.5 given as one number: NaN at -inf, where
    # PyTorch's pow (with a tensor exponent) gives inf.
    like_torch(lambda a, b: a ** b, lambda a, b: a ** b, [-INF, 4.0, -INF], 0.5)
    like_torch(lambda a, b: a ** b, lambda a, b: a ** b, -INF, [0.5, 1.5], dtype=np.float32)


def test_float16_broadcast_gradient_is_summed_in_float32():
    """A bias broadcast over a batch: its gradient is summed without overflowing halfway."""
    g = np.full((200, 3), 1000.0, np.float16)
    g[100:] = -1000.0  # adding the rows in float16 reaches inf after 66 of them
    like_torch(lambda x, b: x + b, lambda x, b: x + b, np.zeros((200, 3)), np.zeros(3),
               dtype=np.float16, cot=g)
