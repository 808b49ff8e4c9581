"""One check for a function on Values against the same function in PyTorch,
in float64: the values, the gradients (plain and recorded backward passes,
and central finite differences) and, for smooth functions, the second
derivatives (a Hessian-vector product through `backward(create_graph=True)`)."""
import numpy as np
import pytest

from autograd_core import Value, gradcheck

try:
    import torch
except ImportError:  # the comparisons with PyTorch skip
    torch = None

requires_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

TOL = dict(rtol=1e-10, atol=1e-12)


def _close(got, expect, shape):
    """Compare a gradient (None: never reached, i.e. zero) with PyTorch's."""
    got = np.zeros(shape) if got is None else np.asarray(got.data if isinstance(got, Value) else got)
    expect = np.zeros(shape) if expect is None else expect.detach().numpy()
    assert got.shape == tuple(shape)
    np.testing.assert_allclose(got, expect, **TOL)


def assert_matches_torch(fn, tfn, *arrays, smooth=True, seed=0):
    """`fn` on Values against `tfn` on tensors, at the float64 `arrays`.

    Every array is an input that requires grad. Gradients are compared for a
    random output cotangent; second derivatives (if `smooth`) for a random
    direction, the derivative of <grad, c> with respect to every input."""
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    tout = tfn(*ts)
    vs = [Value(a) for a in arrays]
    out = fn(*vs)
    assert isinstance(out, Value) and out.dtype == np.float64
    assert out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), **TOL)
    w = rng.standard_normal(out.shape)
    tgrads = torch.autograd.grad((tout * torch.tensor(w)).sum(), ts, create_graph=smooth,
                                 allow_unused=True)
    (out * w).sum().backward()
    for v, tg in zip(vs, tgrads):
        _close(v.grad, tg, v.shape)
    assert gradcheck(fn, *[Value(a) for a in arrays])
    if not smooth:
        return
    vs = [Value(a) for a in arrays]
    (fn(*vs) * w).sum().backward(create_graph=True)
    for v, tg in zip(vs, tgrads):
        _close(v.grad, tg, v.shape)
    cs = [rng.standard_normal(a.shape) for a in arrays]
    first = sum((v.grad * c).sum() for v, c in zip(vs, cs) if v.grad is not None)
    tfirst = sum((g * torch.tensor(c)).sum() for g, c in zip(tgrads, cs) if g is not None)
    for v in vs:
        v.grad = None
    if isinstance(first, Value) and first.requires_grad:
        first.backward()
    tsecond = (torch.autograd.grad(tfirst, ts, allow_unused=True)
               if torch.is_tensor(tfirst) and tfirst.requires_grad else [None] * len(ts))
    for v, ts2 in zip(vs, tsecond):
        _close(v.grad, ts2, v.shape)
