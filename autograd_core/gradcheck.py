"""Checking the engine's gradients against central finite differences."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .checks import real_number
from .differential_operators import compute_grads
from .modes import enable_grad, no_grad
from .value import Value

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree; the message is a table of the worst elements.

    Each row names the input (its label, else `input 0`, `input 1`, ... by
    position), the element's index as a plain tuple such as `(1, 2)`, and the
    analytic and numerical values; at most ten rows, then a count of the rest.
    With `fast=True` the message gives the two directional derivatives instead.
    An `AssertionError`, so that test runners report it as a failed check.
    """


def _project(out: Any) -> Value:
    """A scalar from fn's output: itself, or its dot product with a fixed random
    cotangent, so the check covers the full vector-Jacobian product."""
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}")
    if out.size == 1:
        return out.reshape(())
    v = np.random.default_rng(20240601).standard_normal(out.shape)
    return (out * v).sum()


def _prepare(inputs: tuple) -> tuple[list, list, list]:
    """float64 copies of the inputs; which of them are checked; their names."""
    xs, checked, names = [], [], []
    for k, x in enumerate(inputs):
        if isinstance(x, Value):
            # C order: the check perturbs the data through a flat view of it.
            c = Value(np.array(x.data, dtype=np.float64, order="C"), requires_grad=x.requires_grad,
                      label=x.label)
            if x.requires_grad:
                checked.append(k)
            names.append(x.label or f"input {k}")
            xs.append(c)
        else:
            xs.append(x)
            names.append(f"input {k}")
    if not checked:
        raise ValueError("gradcheck: no input is a Value that requires grad")
    return xs, checked, names


def _steps(eps: Any, atol: Any, rtol: Any, what: str) -> tuple[float, float, float]:
    """`eps` (a step of 0 would divide by 0), `atol` and `rtol`, checked."""
    return (real_number(f"{what}: eps", eps, low_inclusive=False),
            real_number(f"{what}: atol", atol), real_number(f"{what}: rtol", rtol))


def _check(f: Callable[..., Value], xs: list, checked: list, names: list,
           eps: float, atol: float, rtol: float, what: str, record: bool = False) -> bool:
    eps, atol, rtol = _steps(eps, atol, rtol, what)
    out = f(*xs)
    targets = [xs[k] for k in checked]
    found = compute_grads(out, targets=targets) if out.requires_grad else {}
    rows = []
    for k in checked:
        x = xs[k]
        analytic = np.asarray(found[x] if x in found else np.zeros_like(x.data), dtype=np.float64)
        numeric = np.zeros_like(x.data)
        flat = x.data.reshape(-1)  # a view: perturbs x in place
        with (enable_grad() if record else no_grad()):
            for j in range(flat.size):
                orig = flat[j]
                flat[j] = orig + eps
                hi = f(*xs).data.item()
                flat[j] = orig - eps
                lo = f(*xs).data.item()
                flat[j] = orig
                numeric.reshape(-1)[j] = (hi - lo) / (2 * eps)
        excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        excess = np.where(np.isnan(analytic) | np.isnan(numeric), np.inf, excess)
        for j in np.flatnonzero(excess.reshape(-1) > 0):
            idx = tuple(int(i) for i in np.unravel_index(j, x.shape))
            rows.append((excess.reshape(-1)[j], names[k], idx,
                         analytic.reshape(-1)[j], numeric.reshape(-1)[j]))
    if rows:
        rows.sort(key=lambda r: -r[0])
        lines = [f"{what}: {len(rows)} element(s) differ beyond atol={atol}, rtol={rtol}",
                 f"{'input':<12} {'index':<14} {'analytic':>14} {'numerical':>14}"]
        lines += [f"{n:<12} {str(i):<14} {a:>14.6g} {nu:>14.6g}" for _, n, i, a, nu in rows[:10]]
        if len(rows) > 10:
            lines.append(f"... and {len(rows) - 10} more")
        raise GradcheckError("\n".join(lines))
    return True


def _check_fast(f: Callable[..., Value], xs: list, checked: list, eps: float, atol: float,
                rtol: float, what: str, record: bool = False) -> bool:
    """One random direction v: the engine's vdot(grad, v) against the central difference
    (f(x + eps v) - f(x - eps v)) / 2 eps, as HIPS autograd's `check_vjp` does.
    Three evaluations of `f` whatever the number of elements."""
    eps, atol, rtol = _steps(eps, atol, rtol, what)
    out = f(*xs)
    targets = [xs[k] for k in checked]
    found = compute_grads(out, targets=targets) if out.requires_grad else {}
    rng = np.random.default_rng(20240603)
    vs = {k: rng.standard_normal(np.shape(xs[k].data)) for k in checked}
    analytic = sum(float(np.vdot(np.asarray(found[xs[k]], dtype=np.float64), vs[k]))
                   for k in checked if xs[k] in found)
    originals = {k: xs[k].data.copy() for k in checked}
    values = []
    try:
        with (enable_grad() if record else no_grad()):
            for sign in (1.0, -1.0):
                for k in checked:
                    xs[k].data[...] = originals[k] + sign * eps * vs[k]  # in place, as _check
                values.append(f(*xs).data.item())
    finally:
        for k in checked:
            xs[k].data[...] = originals[k]
    numeric = (values[0] - values[1]) / (2 * eps)
    if not abs(analytic - numeric) <= atol + rtol * abs(numeric):  # NaN fails too
        raise GradcheckError(
            f"{what} (fast=True): along one random direction the analytic derivative "
            f"{analytic:.6g} differs from the numerical {numeric:.6g} beyond atol={atol}, "
            f"rtol={rtol}; run with fast=False for a table of the worst elements")
    return True


def gradcheck(fn: Callable[..., Value], *inputs: Any, eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, fast: bool = False) -> bool:
    """Compare the engine's gradients of `fn(*inputs)` with central finite differences.

    The check runs in float64: the inputs are copied and promoted, and left
    exactly as they were. A non-scalar output is reduced to a scalar by a dot
    product with a fixed random vector, which checks the whole
    vector-Jacobian product. An element fails when
    `|analytic - numerical| > atol + rtol * |numerical|`, or when either is NaN.
    With `fast=True` only one random direction `v` is checked (all inputs
    moved at once): the engine's `vdot(grad, v)` against the central
    difference of `fn` along `v`, three evaluations of `fn` whatever the number
    of elements, as HIPS autograd's `check_vjp` and PyTorch's `fast_mode` do.

    Args:
        fn: a function of the inputs returning a Value.
        *inputs: its arguments; those that are Values requiring grad are
            checked, the others (numbers, arrays, Values that require no grad)
            are passed as they are.
        eps: the step of the finite differences.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        fast: check one random direction instead of every element.

    Returns:
        True when every element (with `fast`, the direction) agrees.

    Raises:
        GradcheckError: some elements disagree; the message lists the worst
            (with `fast`, it gives the two directional derivatives and
            suggests `fast=False` for the table).
        ValueError: no input is a Value that requires grad, or `eps` is not a
            positive finite number (`atol`, `rtol`: not finite and >= 0).
        TypeError: `fn` does not return a Value.

    Examples:
        >>> from autograd_core import Value, gradcheck
        >>> gradcheck(lambda x: x.tanh(), Value([0.5, 1.0]))
        True
    """
    xs, checked, names = _prepare(inputs)
    if fast:
        return _check_fast(lambda *a: _project(fn(*a)), xs, checked, eps, atol, rtol, "gradcheck")
    return _check(lambda *a: _project(fn(*a)), xs, checked, names, eps, atol, rtol, "gradcheck")


def gradgradcheck(fn: Callable[..., Value], *inputs: Any, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, fast: bool = False) -> bool:
    """Like `gradcheck`, for second derivatives.

    Checks the gradient of `sum(u * grad fn)` for fixed random `u` against
    finite differences of the first gradient, which is recorded by
    `create_graph=True`: so it checks that the ops' VJPs are themselves
    differentiated correctly. With `fast=True`, along one random direction,
    as for `gradcheck` (three first-gradient computations).

    Args:
        fn: a function of the inputs returning a Value.
        *inputs: its arguments, as for `gradcheck`.
        eps: the step of the finite differences of the first gradient.
        atol: the absolute tolerance, as for `gradcheck`.
        rtol: the relative tolerance, as for `gradcheck`.
        fast: check one random direction instead of every element.

    Returns:
        True when every element of the second derivatives (with `fast`, the
        direction) agrees.

    Raises:
        GradcheckError: some elements disagree; the message lists the worst.
        ValueError: as for `gradcheck`.
        TypeError: as for `gradcheck`.

    Examples:
        >>> from autograd_core import Value, gradgradcheck
        >>> gradgradcheck(lambda x: (x ** 3).sum(), Value([0.5, 1.0]))
        True
    """
    xs, checked, names = _prepare(inputs)
    rng = np.random.default_rng(20240602)
    us = {k: rng.standard_normal(np.shape(xs[k].data)) for k in checked}

    def first(*a: Any) -> Value:
        out = _project(fn(*a))
        targets = [a[k] for k in checked]
        found = compute_grads(out, targets=targets, create_graph=True) if out.requires_grad else {}
        total = Value(0.0, requires_grad=False)
        for k in checked:
            if a[k] in found:
                total = total + (found[a[k]] * us[k]).sum()
        return total

    if fast:
        return _check_fast(first, xs, checked, eps, atol, rtol, "gradgradcheck", record=True)
    return _check(first, xs, checked, names, eps, atol, rtol, "gradgradcheck", record=True)
