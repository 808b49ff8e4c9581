"""Engine semantics: the graph, the backward walk, modes and dtypes."""
import gc
import weakref

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value, no_grad
from autograd_core.backward import toposort, walk_order
from autograd_core.differential_operators import compute_grads


def test_data_is_always_an_ndarray_with_float_dtype():
    assert Value(3).data.dtype == np.float64 and Value(3).data.shape == ()
    assert Value(True).data.dtype == np.float64
    assert Value([[1, 2], [3, 4]]).data.dtype == np.float64
    assert Value(np.arange(3)).data.dtype == np.float64
    assert Value(np.ones(2, np.float32)).data.dtype == np.float32
    assert Value(np.float32(2)).data.dtype == np.float32
    assert Value(1.0, dtype=np.float32).data.dtype == np.float32
    assert isinstance(Value(Value(2.0)).data, np.ndarray)


def test_value_copies_its_data_and_keeps_no_graph_link():
    arr = np.ones(3)
    v = Value(arr)
    arr[0] = 5
    assert v.data[0] == 1
    w = Value(v * 2)
    assert w.parents == () and w.op == ""


def test_default_dtype():
    try:
        ag.set_default_dtype(np.float32)
        assert ag.get_default_dtype() == np.float32
        assert Value(1.5).dtype == np.float32
        assert Value(np.arange(2)).dtype == np.float32
        assert Value(np.ones(2)).dtype == np.float64
    finally:
        ag.set_default_dtype(np.float64)
    with pytest.raises(ValueError, match="set_default_dtype: expected float16, float32 or float64, got int32"):
        ag.set_default_dtype(np.int32)


def test_float32_stays_float32_through_ops_and_grads():
    x = Value(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))
    w = Value(np.ones((3, 2), np.float32))
    y = ((x @ w).tanh() * 2.5 + 1).sigmoid().log_softmax().sum() / 3
    y = y + ag.maximum(x, 0.0).sum() + x[0, 1] ** 2 + x.abs().max()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_mixed_precision_grads_take_each_inputs_dtype():
    a = Value(np.ones(2, np.float32))
    b = Value(np.ones(2, np.float64))
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_grad_is_none_until_reached_and_kept_on_intermediates():
    a, b = Value(2.0, label="a"), Value(3.0)
    c = a * b
    d = c + a
    unused = Value(1.0)
    assert a.grad is None
    d.backward()
    assert a.grad == 4.0 and b.grad == 2.0 and c.grad == 1.0 and d.grad == 1.0
    assert unused.grad is None
    assert c.op == "mul" and c.parents == (a, b) and a.op == ""


def test_reuse_and_diamonds_count_each_path_once():
    a = Value(3.0)
    b = a + a
    assert (b.backward() or a.grad) == 2.0
    x = Value(2.0)
    y = x * 3
    z = y * y + y  # diamond through y
    z.backward()
    assert x.grad == pytest.approx(3 * (2 * 6 + 1))


def test_gradients_accumulate_over_backward_calls():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0 and y.grad == 2.0
    h = x * 3
    w = h * h
    w.backward()  # intermediate grads from an earlier call do not leak into later ones
    assert x.grad == 8.0 + 36.0


def test_leaf_grads_never_alias_each_other_or_the_seed():
    a, b = Value(np.ones(3)), Value(np.ones(3))
    seed = np.full(3, 2.0)
    (a + b).backward(seed)
    a.grad *= 10
    assert b.grad.tolist() == [2.0, 2.0, 2.0] and seed.tolist() == [2.0, 2.0, 2.0]
    x = Value(np.ones((2, 3)))
    x.sum().backward()
    x.grad[0, 0] = 7.0  # writable, not a broadcast view
    assert x.grad.flags.writeable


def test_requires_grad_false_and_no_grad():
    c = Value(2.0, requires_grad=False)
    x = Value(3.0)
    y = c * x
    y.backward()
    assert c.grad is None and x.grad == 2.0
    with no_grad():
        z = x * 2
    assert not z.requires_grad and z.parents == () and z.op == ""
    assert ag.is_grad_enabled()

    @no_grad()
    def f(v):
        return v * 2

    assert not f(x).requires_grad

    @no_grad
    def bare(v):
        return v * 2

    assert not bare(x).requires_grad and bare.__name__ == "bare"
    with no_grad():
        with ag.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    only_consts = Value(1.0, requires_grad=False) + 1
    assert not only_consts.requires_grad and only_consts.parents == ()


def test_detach_cuts_the_graph():
    x = Value(2.0)
    y = (x * 3).detach()
    assert not y.requires_grad and y.parents == ()
    (y * x).backward()
    assert x.grad == 6.0


def test_item_numpy_shape_properties():
    v = Value(np.arange(6.0).reshape(2, 3), label="v")
    assert v.shape == (2, 3) and v.ndim == 2 and v.size == 6 and v.dtype == np.float64
    assert v.T.shape == (3, 2) and isinstance(v.numpy(), np.ndarray)
    assert Value(2.5).item() == 2.5 and isinstance(Value(2.5).item(), float)
    v.label = "w"
    assert v.label == "w" and "w" in repr(v)


def test_operators_with_numbers_and_arrays_on_either_side():
    x = Value(np.array([1.0, 2.0]))
    arr = np.array([3.0, 4.0])
    cases = [(x + 1, [2, 3]), (1 + x, [2, 3]), (x - 1, [0, 1]), (1 - x, [0, -1]),
             (x * arr, [3, 8]), (arr * x, [3, 8]), (x / 2, [0.5, 1]), (2 / x, [2, 1]),
             (x ** 2, [1, 4]), (2 ** x, [2, 4]), (-x, [-1, -2]), (arr @ x, 11), (x @ arr, 11),
             (np.float64(2) * x, [2, 4])]
    for v, expect in cases:
        assert isinstance(v, Value)
        np.testing.assert_allclose(v.data, expect)


def test_comparisons_return_plain_boolean_arrays():
    x = Value([1.0, 2.0, 3.0])
    for r, expect in [(x < 2, [1, 0, 0]), (x <= 2, [1, 1, 0]), (x > 2, [0, 0, 1]),
                      (x >= 2, [0, 1, 1]), (x == Value(2.0), [0, 1, 0])]:
        assert isinstance(r, np.ndarray) and r.dtype == bool
        assert r.tolist() == [bool(e) for e in expect]


@pytest.mark.slow
def test_a_million_node_chain_runs_forward_and_backward():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad == pytest.approx(1.0000001 ** 1_000_000, rel=1e-9)
    del y
    gc.collect()


def test_a_dropped_graph_is_freed():
    x = Value(np.ones(3))
    y = (x * 2).exp()
    z = y.sum()
    ref = weakref.ref(y)
    z.backward()
    del y, z
    gc.collect()
    assert ref() is None
    assert x.grad is not None


def test_toposort_puts_every_node_before_its_parents():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = toposort(e)
    pos = {id(n): i for i, n in enumerate(order)}
    assert order[0] is e and len(order) == 5
    for n in order:
        for p in n.parents:
            assert pos[id(n)] < pos[id(p)]
    assert len(toposort(a * 2, include_constants=True)) == 3


def test_the_walk_visits_the_nodes_newest_first_then_the_leaves():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    f = Value(3.0, requires_grad=False) * e
    order = walk_order(f)
    assert order[:4] == [f, e, d, c]
    assert {id(n) for n in order[4:]} == {id(a), id(b)}  # the constant 3 requires no grad
    assert walk_order(c)[0] is c and len(walk_order(c)) == 3
    assert walk_order(a) == [a]  # a leaf as the root: the walk is the leaf alone


def test_compute_grads_leaves_grad_untouched():
    x = Value(3.0)
    y = x * x
    g = compute_grads(y, targets=[x])
    assert g[x] == 6.0 and x.grad is None and y.grad is None


def test_second_derivatives_with_create_graph():
    x = Value(2.0)
    y = x ** 3
    y.backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value) and g.data == 12.0
    x.grad = None
    g.backward()
    assert x.grad == pytest.approx(12.0)  # d2/dx2 x^3 = 6x


def test_hessian_vector_product():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))
    A = A + A.T
    x = Value(rng.standard_normal(3))
    v = rng.standard_normal(3)
    f = 0.5 * (x @ (A @ x))
    f.backward(create_graph=True)
    gx = x.grad
    x.grad = None
    (gx * v).sum().backward()
    np.testing.assert_allclose(x.grad, A @ v, rtol=1e-12)


def test_grad_and_value_and_grad_nest():
    f = lambda x: (x ** 3).sum()
    np.testing.assert_allclose(ag.grad(f)(np.array([1.0, 2.0])), [3, 12])
    assert ag.grad(ag.grad(lambda x: x ** 3))(2.0) == pytest.approx(12.0)
    assert ag.grad(ag.grad(ag.grad(lambda x: x ** 4)))(2.0) == pytest.approx(48.0)
    val, (ga, gb) = ag.value_and_grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(
        np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    assert val == 11.0 and ga.tolist() == [3, 4] and gb.tolist() == [1, 2]
    assert ag.grad(lambda x, c: x * c, argnums=0)(2.0, 5.0) == 5.0
    assert ag.grad(lambda x: x * 0 + 1)(3.0) == 0.0
    assert ag.grad(ag.grad(lambda x: 3 * x))(1.0) == 0.0


def test_grad_rejects_non_scalar_outputs():
    with pytest.raises(ValueError, match="single-element"):
        ag.grad(lambda x: x * 2)(np.ones(3))


def test_detect_anomaly_names_the_op_forward_and_backward():
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match="log"):
            with np.errstate(all="ignore"):
                Value([1.0, -1.0]).log()
        x = Value([0.0, 1.0])
        y = x.sqrt()
        with pytest.raises(FloatingPointError, match=r"sqrt.*\(2,\)"):
            with np.errstate(all="ignore"):
                y.sum().backward()
    with np.errstate(all="ignore"):
        assert np.isnan(Value(-1.0).log().data)  # outside the context: no error


def test_where_concat_stack_accept_numbers_and_arrays():
    x = Value([1.0, -2.0])
    w = ag.where(x > 0, x, 0.0)
    np.testing.assert_allclose(w.data, [1, 0])
    c = ag.concat([x, np.array([5.0])])
    s = ag.stack([x, [3.0, 4.0]], axis=1)
    (c.sum() + s.sum() + w.sum() + ag.minimum(x, 0).sum()).backward()
    np.testing.assert_allclose(x.grad, [1 + 1 + 1 + 0, 1 + 1 + 0 + 1])


def test_clip_with_one_open_bound():
    v = Value([-1.0, 0.5, 2.0])
    (v.clip(0.0, None).sum() + v.clip(None, 1.0).sum()).backward()
    np.testing.assert_allclose(v.grad, [1, 2, 1])
    np.testing.assert_array_equal(v.clip(2.0, 1.0).data, np.ones(v.shape))  # hi, as torch.clamp
