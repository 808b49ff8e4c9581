"""Values that share memory share the version check, as PyTorch's views share
their base's version counter: a change in place through a view (basic
indexing, reshape, .T, detach()) or through its base makes a backward pass
that needs the other raise, naming the op."""
from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Value, no_grad


def _saved_output(method, view):
    def scenario():
        x = Value([[0.5, 1.0], [2.0, 3.0]])
        y = getattr(x, method)()
        with no_grad():
            v = view(y)
            v += 1.0
        return y.sum()
    return scenario


VIEWS = {"detach": lambda y: y.detach(), "slice": lambda y: y[0:1],
         "reshape": lambda y: y.reshape(4), "T": lambda y: y.T}


def _base_written_view_saved():
    v = Value([0.5, 1.0, 2.0])
    w = v[0:2]
    y = (w * w).sum()
    with no_grad():
        v += 1.0
    return y


def _detached_leaf_written():
    p = Value([0.5, 1.0])
    loss = (p * p).sum()
    d = p.detach()
    d += 1.0  # requires no grad: allowed with recording on
    return loss


def _item_through_transpose():
    w = Value([[1.0, 2.0], [3.0, 4.0]])
    y = (w.T @ Value([1.0, 1.0])).sum()
    with no_grad():
        w[0, 0] = 5.0
    return y


def _setitem_on_a_detached_output():
    y = Value([0.5, 1.0, 2.0]).exp()
    with no_grad():
        y.detach()[1] = 7.0
    return y.sum()


SCENARIOS = {f"{m} output through {name}": _saved_output(m, view)
             for m in ("exp", "tanh", "sigmoid", "sqrt") for name, view in VIEWS.items()}
SCENARIOS.update({"base written, slice saved": _base_written_view_saved,
                  "detached leaf written": _detached_leaf_written,
                  "v[i] = x, transpose saved": _item_through_transpose,
                  "setitem on a detached output": _setitem_on_a_detached_output})


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_a_write_through_shared_memory_makes_backward_raise(scenario) -> None:
    root = scenario()
    with pytest.raises(RuntimeError, match="backward through .*changed in place"):
        root.backward()


def test_the_message_says_it_was_through_shared_memory() -> None:
    with pytest.raises(RuntimeError, match=r"backward through exp: its output .* through a "
                                           r"Value that shares its memory"):
        _saved_output("exp", VIEWS["detach"])().backward()


def test_writes_that_no_gradient_needs_change_nothing() -> None:
    x = Value([0.5, 1.0, 2.0])
    y = (x + 1.0).sum()  # add never reads its inputs
    d = x.detach()
    d += 1.0
    other = Value([1.0, 2.0, 3.0])
    z = (x * x).sum()
    with no_grad():
        other += 1.0  # shares no memory with x
    y.backward()
    z.backward()
    np.testing.assert_array_equal(x.grad, 1.0 + 2 * np.array([1.5, 2.0, 3.0]))


def test_a_copy_is_not_a_view() -> None:
    x = Value([[0.5, 1.0], [2.0, 3.0]])
    y = x.exp()
    c = y.T.reshape(4)  # not contiguous: reshape copies, as PyTorch's does
    with no_grad():
        c += 1.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad, np.exp(x.data))


def test_an_op_whose_forward_returns_a_view_needs_no_declaration() -> None:
    from autograd_core import op

    @op(lambda g, out, x: np.concatenate([g[None], np.zeros_like(x[1:])]))
    def first_row(x):
        """x[0], as NumPy gives it: a view of x."""
        return x[0]

    x = Value([[1.0, 2.0], [3.0, 4.0]])
    y = first_row(x)  # shares x's memory
    s = (y * y).sum()  # mul reads y
    with no_grad():
        x += 1.0  # so y changes too
    with pytest.raises(RuntimeError, match="backward through mul: input 0"):
        s.backward()


def test_pytorch_raises_in_the_same_scenarios() -> None:
    torch = pytest.importorskip("torch", reason="the comparison with PyTorch needs torch")
    for method in ("exp", "tanh", "sigmoid", "sqrt"):
        for view in (lambda y: y.detach(), lambda y: y[0:1], lambda y: y.reshape(4),
                     lambda y: y.T):
            x = torch.tensor([[0.5, 1.0], [2.0, 3.0]], dtype=torch.float64, requires_grad=True)
            y = getattr(x, method)()
            with torch.no_grad():
                view(y).add_(1.0)
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                y.sum().backward()


@pytest.mark.parametrize("write", ["add", "setitem"])
def test_writing_into_a_broadcast_view_is_refused_by_name(write) -> None:
    e = np.broadcast_to(Value([1.0, 2.0]), (3, 2))
    with no_grad(), pytest.raises(ValueError, match="read-only .*broadcast"):
        if write == "add":
            e += 1.0
        else:
            e[0, 0] = 1.0
