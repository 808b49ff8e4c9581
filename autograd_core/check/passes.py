"""`vjp` and `layer`: a learner's backward pass against finite differences and
against the library's own op of the same name.

Both draw a random upstream gradient `g` (seeded, so a report is the same on
every run), call the learner's backward with it, and compare each input's
gradient with central finite differences of `sum(forward(...) * g)`, and, where
`autograd_core.OPS` has an op of the forward's name, with that op's VJPs. Every
failure is a row of the report, never a crash: a forward or backward that raises,
a gradient missing or of the wrong shape.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from ..registry import OPS, Op
from ..value import Value
from .arrays import row
from .diagnose import broadcasts, sum_to
from .report import Row, finish, table

__all__ = ["layer", "vjp"]

_FD_TOL = (1e-3, 1e-5)  # finite differences are good to about 1e-7 in float64
_EPS = 1e-6


def _arrays(inputs: tuple) -> list:
    """float64 copies of the float inputs (and numbers); anything else as it is."""
    out = []
    for x in inputs:
        data = x.data if isinstance(x, Value) else x
        if isinstance(data, (float, int)) and not isinstance(data, bool):
            data = np.array(data, dtype=np.float64)
        if isinstance(data, np.ndarray) and data.dtype.kind == "f":
            data = data.astype(np.float64)
        out.append(data)
    return out


def _differentiable(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind == "f"


def _names(fn: Callable, n: int) -> list[str]:
    """The forward's parameter names for its first `n` inputs, else x0, x1, ..."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[k] if k < len(params) else f"x{k}" for k in range(n)]


def _read_only(xs: list) -> list:
    """Read-only views, as the engine hands a VJP its arguments."""
    views = []
    for x in xs:
        if isinstance(x, np.ndarray):
            x = x.view()
            x.flags.writeable = False
        views.append(x)
    return views


def _call(what: str, fn: Callable, *args: Any, **kwargs: Any) -> tuple[Any, str]:
    """fn(*args, **kwargs), or None and what went wrong, in words."""
    try:
        return fn(*args, **kwargs), ""
    except NotImplementedError:
        return None, f"{what} is not written yet: it raises NotImplementedError"
    except Exception as exc:  # a learner's bug: report it, do not crash
        return None, f"{what} raised {type(exc).__name__}: {exc}"


def _numeric(f: Callable[[list], np.ndarray], xs: list, k: int, g: np.ndarray) -> np.ndarray:
    """d sum(f(xs) * g) / d xs[k], by central differences."""
    xs = [x.copy() if isinstance(x, np.ndarray) else x for x in xs]
    flat = xs[k].reshape(-1)  # a view of the copy: perturbs it in place
    grad = np.zeros(flat.size)
    for j in range(flat.size):
        orig = flat[j]
        flat[j] = orig + _EPS
        hi = np.vdot(np.asarray(f(xs), dtype=np.float64), g)
        flat[j] = orig - _EPS
        lo = np.vdot(np.asarray(f(xs), dtype=np.float64), g)
        flat[j] = orig
        grad[j] = (hi - lo) / (2 * _EPS)
    return grad.reshape(xs[k].shape)


def _library(name: str, xs: list, params: dict, g: np.ndarray) -> tuple[Any, list] | None:
    """The library op `name`'s output and input gradients, or None where there is
    no such op or it does not take these arguments."""
    ref = OPS.get(name)
    if ref is None:
        return None
    try:
        out = np.asarray(ref.forward(*xs, **params))
        if out.shape != g.shape:
            return None
        args = _read_only([g, out] + xs)
        if ref.vjps is not None:
            grads = [v(*args, **params) for v in ref.vjps]
        else:
            grads = list(ref.vjp_all(*args, **params))
        return out, [np.asarray(gr, dtype=np.float64) if gr is not None else None
                     for gr in grads]
    except Exception:  # its own signature: not this forward's
        return None


def _fit(got: Any, x: np.ndarray, reduce: bool) -> Any:
    """The gradient summed to x's shape where it has the broadcast output's shape
    (as the engine sums an op's gradient), if `reduce`."""
    if reduce and isinstance(got, np.ndarray) and got.shape != x.shape and \
            broadcasts(x.shape, got.shape):
        return sum_to(got, x.shape)
    return got


def _check(title: str, f: Callable[[list], Any], backward: Callable[[np.ndarray, Any], Any],
           names: list[str], xs: list, op_name: str, params: dict, reduce: bool,
           strict: bool | None) -> bool:
    """Run the learner's forward and backward, compare, print, return the verdict."""
    rows: list[Row] = []
    out, problem = _call("the forward", f, _read_only(xs))
    if not problem and np.asarray(out).dtype.kind not in "fiub":
        problem = f"the forward returned {type(out).__name__}, not an array of numbers"
    if problem:
        rows.append(Row("forward", False, False, None, problem))
        return finish(rows, strict, f"{title}\n{table(rows)}")
    out = np.asarray(out)
    g = np.random.default_rng(0).standard_normal(out.shape)
    library = _library(op_name, xs, params, g)
    where = f"library op {op_name!r}"
    if library is not None:
        rows.append(row(f"forward (vs {where})", out.astype(np.float64), library[0]))
    grads, problem = _call("the backward", backward, g.copy(), out)
    inputs = [k for k, x in enumerate(xs) if _differentiable(x)]
    if not problem:
        grads = list(grads) if isinstance(grads, (tuple, list)) else [grads]
        if len(grads) == len(xs) and len(inputs) < len(xs):
            grads = [grads[k] for k in inputs]
        if len(grads) != len(inputs):
            problem = (f"the backward returned {len(grads)} gradient(s) for "
                       f"{len(inputs)} input(s) ({', '.join(names[k] for k in inputs)})")
            grads = None
    if problem:
        rows.append(Row("backward", False, False, None, problem))
        return finish(rows, strict, f"{title}\n{table(rows)}")
    for k, got in zip(inputs, grads):
        got = _fit(got, xs[k], reduce)
        numeric = _numeric(lambda ys: np.asarray(f(ys)), xs, k, g)
        rows.append(row(f"d{names[k]} (vs finite differences)", got, numeric, _FD_TOL))
        right = library[1][k] if library is not None and k < len(library[1]) else None
        right = _fit(right, xs[k], True)
        if isinstance(right, np.ndarray) and right.shape == xs[k].shape:
            rows.append(row(f"d{names[k]} (vs {where})", got, right))
    return finish(rows, strict, f"{title}\n{table(rows)}")


def vjp(forward: Callable, vjp: Callable | tuple, *inputs: Any, strict: bool | None = None,
        **params: Any) -> bool:
    """Check a hand-written VJP: against finite differences, and against the
    library's own op of the forward's name where `OPS` has one.

    The forward runs on ndarrays; `vjp(g, out, *inputs, **params)` returns the
    gradient of each input (a tuple, or one array for one input) for a random
    upstream gradient `g`, as an op's VJPs do (and as there, a gradient of the
    broadcast output's shape is summed to its input's). Prints a table with a
    row per input and reference, each with its diagnosis.

    Args:
        forward: the forward on ndarrays, or an op made with `@op` (its forward
            is used, its name looked up).
        vjp: the backward, `vjp(g, out, *inputs, **params)`; or one VJP per
            input (a tuple, as `@op` takes them), each returning its input's gradient.
        *inputs: the arrays (or numbers) to check at; float inputs are checked
            (in float64), others (integer indices) are passed as they are.
        strict: True raises `Mismatch` on a mismatch; None follows `check.strict()`.
        **params: keyword parameters for the forward and the VJP (e.g. `axis=0`).

    Returns:
        True if every gradient is close to every reference.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import check
        >>> def tanh(x):
        ...     return np.tanh(x)
        >>> def tanh_vjp(g, out, x):
        ...     return g * (1 - out ** 2)
        >>> check.vjp(tanh, tanh_vjp, np.linspace(-2, 2, 5))
        check.vjp: tanh
        name                          exact  close  max diff
        forward (vs library op 'tanh')  True   True   0
        dx (vs finite differences)    False  True   ...
        dx (vs library op 'tanh')     True   True   0
        True
    """
    fn = forward.forward if isinstance(forward, Op) else forward
    name = forward.name if isinstance(forward, Op) else getattr(forward, "__name__", "")
    xs = _arrays(inputs)
    names = _names(fn, len(xs))
    f = lambda ys: fn(*ys, **params)  # noqa: E731
    vjps = list(vjp) if isinstance(vjp, (tuple, list)) else None

    def back(g: np.ndarray, out: np.ndarray) -> Any:
        args = _read_only([g, out] + xs)
        return vjp(*args, **params) if vjps is None else [v(*args, **params) for v in vjps]

    return _check(f"check.vjp: {name or 'forward'}", f, back, names, xs, name, params,
                  True, strict)


def layer(forward: Callable, backward: Callable, *inputs: Any, strict: bool | None = None,
          **params: Any) -> bool:
    """Check a layer written in CS231n's style: `forward(x, ...) -> (out, cache)`
    and `backward(dout, cache) -> grads`, one gradient per float array input (in
    order; a dict of settings such as `bn_param` gets none).

    The gradients are compared with finite differences of the forward, and with
    the library's op named like the forward without `_forward` (`relu_forward`:
    `relu`) where there is one. A gradient must have its input's shape.

    Args:
        forward: `forward(*inputs, **params)` returning `(out, cache)`.
        backward: `backward(dout, cache)` returning the gradients.
        *inputs: the arrays and settings the forward takes.
        strict: True raises `Mismatch` on a mismatch; None follows `check.strict()`.
        **params: keyword parameters for the forward.

    Returns:
        True if every gradient is close to every reference.
    """
    xs = _arrays(inputs)
    names = _names(forward, len(xs))
    name = getattr(forward, "__name__", "")
    caches: list = []

    def f(ys: list) -> Any:
        result = forward(*ys, **params)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"it should return (out, cache), got {type(result).__name__}")
        if not caches:  # the first call's, made at the inputs themselves
            caches.append(result[1])
        return result[0]

    def back(g: np.ndarray, out: np.ndarray) -> Any:
        return backward(g, caches[0])

    op_name = name[: -len("_forward")] if name.endswith("_forward") else name
    return _check(f"check.layer: {name or 'forward'}", f, back, names, xs, op_name,
                  params, False, strict)
