"""The steps the differential fuzzer draws, one maker per op.

A step applies one op of the table (or one loss of `nn.functional`) to
operands taken from the graph built so far (`refs`, indices into the pool of
results) and to fresh arrays (`fresh`: `(array, requires_grad)`), and carries
the same computation in PyTorch. `MAKERS` maps each op's name to the function
that draws such a step; `tests/core/test_fuzz.py` builds graphs from them.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from hypothesis import strategies as st

import autograd_core as ag
import nn.functional as F
from autograd_core import ops
from fuzz_draw import ELEMENTS, INF, NAN, Ctx, Step, broadcastable, partner_shape

TF = torch.nn.functional
SCALARS = [0.0, 1.0, 2.0, -1.5, 0.5, INF, -INF, NAN]
EXPONENTS = [0, 1, 2, 3, -1, -2, 0.0, 0.5, -0.5, 1.5, 2.0]
UNIT = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1))  # probabilities, 0 and 1 often


def binary(name: str, ours: Callable, theirs: Callable, scalars=SCALARS) -> Callable:
    def make(c: Ctx, pool: list) -> Step:
        i = c.pick(pool)
        kind = c.draw(st.sampled_from(["pool", "fresh", "scalar", "scalar-left"]))
        if kind == "pool":
            j = c.pick(pool, lambda s: broadcastable(s, pool[i]))
            return Step(f"{name}(#{i}, #{j})", ours, theirs, (i, j))
        if kind == "fresh":
            return Step(f"{name}(#{i}, fresh)", ours, theirs, (i,), (c.fresh(partner_shape(c, pool[i])),))
        k = c.draw(st.sampled_from(scalars))
        # torch.maximum takes tensors only; and PyTorch's `k / t` is `t.reciprocal() * k` (NaN for
        # 0 / 1e-45 in float32, where 1/t overflows): its division op is `tensor(k) / t`.
        tk = (lambda t: torch.tensor(k, dtype=t.dtype)) if name in ("maximum", "minimum", "div") \
            else (lambda t: k)
        if kind == "scalar":
            return Step(f"{name}(#{i}, {k!r})", lambda v: ours(v, k), lambda t: theirs(t, tk(t)), (i,))
        return Step(f"{name}({k!r}, #{i})", lambda v: ours(k, v), lambda t: theirs(tk(t), t), (i,))
    return make


def unary(name: str, ours: Callable, theirs: Callable) -> Callable:
    def make(c: Ctx, pool: list) -> Step:
        i = c.pick(pool)
        return Step(f"{name}(#{i})", ours, theirs, (i,))
    return make


def reduction(name: str) -> Callable:
    tname = {"max": "amax", "min": "amin"}.get(name, name)

    def make(c: Ctx, pool: list) -> Step:
        i = c.pick(pool)
        axes, keep = c.axes(len(pool[i])), c.draw(st.booleans())

        def theirs(t):
            dims = tuple(range(t.ndim)) if axes is None else axes
            if not t.ndim:
                return getattr(t, tname)()
            if name in ("max", "min") and not np.prod([t.shape[d] for d in dims]):
                return t.sum(dim=dims, keepdim=keep) * NAN  # API.md: NaN (torch raises), empty gradient
            return getattr(torch, tname)(t, dim=dims, keepdim=keep)
        return Step(f"{name}(#{i}, axis={axes}, keepdims={keep})",
                    lambda v: getattr(v, name)(axis=axes, keepdims=keep), theirs, (i,))
    return make


def softmaxes(name: str) -> Callable:
    def make(c: Ctx, pool: list) -> Step:
        i = c.pick(pool)
        n = len(pool[i])
        ax = c.draw(st.integers(-n, n - 1)) if n else -1
        return Step(f"{name}(#{i}, axis={ax})", lambda v: getattr(v, name)(axis=ax),
                    lambda t: getattr(t, name)(ax), (i,))
    return make


def _getitem(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: len(s) > 0)
    if i is None:
        return None
    shape, kinds = pool[i], ["slice", "mask", "none"] + (["int", "array"] if pool[i][0] else [])
    kind = c.draw(st.sampled_from(kinds))
    n = shape[0]
    if kind == "int":
        idx = c.draw(st.integers(-n, n - 1))
    elif kind == "slice":
        idx = slice(c.draw(st.integers(0, n)), c.draw(st.integers(0, n)), c.draw(st.integers(1, 2)))
    elif kind == "array":
        idx = c.ints(0, n, max_size=4)
    elif kind == "mask":
        idx = c.mask(shape)
    else:
        idx = (None, Ellipsis, 0) if n else (None, Ellipsis)
    tidx = torch.from_numpy(idx) if isinstance(idx, np.ndarray) else idx
    return Step(f"getitem(#{i}, {idx!r})", lambda v: v[idx], lambda t: t[tidx], (i,))


def _joined(name: str) -> Callable:
    def make(c: Ctx, pool: list) -> Step | None:
        i = c.pick(pool, lambda s: len(s) > 0 or name == "stack")
        if i is None:
            return None
        shape, n = pool[i], len(pool[i])
        ax = c.draw(st.integers(-n, n - 1) if name == "concat" else st.integers(-n - 1, n))
        other = shape if name == "stack" else tuple(
            c.draw(st.integers(0, 2)) if k == ax % n else s for k, s in enumerate(shape))
        j = c.pick(pool, lambda s: s == other) if c.draw(st.booleans()) else None
        ours = ag.concat if name == "concat" else ag.stack
        theirs = torch.cat if name == "concat" else torch.stack
        if j is not None:
            return Step(f"{name}([#{i}, #{j}], {ax})", lambda a, b: ours([a, b], ax),
                        lambda a, b: theirs([a, b], ax), (i, j))
        return Step(f"{name}([#{i}, fresh], {ax})", lambda a, b: ours([a, b], ax),
                    lambda a, b: theirs([a, b], ax), (i,), (c.fresh(other),))
    return make


def _reshape(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    new = c.draw(st.sampled_from([pool[i][::-1], (-1,), (1,) + pool[i], pool[i] + (1,)]))
    return Step(f"reshape(#{i}, {new})", lambda v: v.reshape(new), lambda t: t.reshape(new), (i,))


def _transpose(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    perm = tuple(c.draw(st.permutations(range(len(pool[i])))))
    # one tuple: NumPy's whole permutation (two ints would be PyTorch's swap of two axes)
    return Step(f"transpose(#{i}, {perm})", lambda v: v.transpose(perm), lambda t: t.permute(perm), (i,))


def _broadcast_to(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    new = (c.draw(st.integers(0, 2)),) + tuple(c.draw(st.integers(0, 2)) if n == 1 else n for n in pool[i])
    return Step(f"broadcast_to(#{i}, {new})", lambda v: ops.broadcast_to(v, shape=new),
                lambda t: t.broadcast_to(new), (i,))


def _sum_to(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    new = partner_shape(c, pool[i])
    return Step(f"sum_to(#{i}, {new})", lambda v: ops.sum_to(v, shape=new),
                lambda t: t.sum_to_size(new) if new else t.sum(), (i,))


def _scatter(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: len(s) > 0)
    if i is None:
        return None
    m = c.draw(st.integers(1, 3))
    idx, shape = c.ints(pool[i][0], m), (m,) + pool[i][1:]
    return Step(f"scatter(#{i}, {idx!r}, {shape})",
                lambda v: ops.scatter(v, index=(idx,), shape=shape, accumulate=True),
                lambda t: torch.zeros(shape, dtype=t.dtype).index_put((torch.from_numpy(idx),), t,
                                                                       accumulate=True), (i,))


def _clip(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    lo = c.draw(st.sampled_from([None, -1.0, 0.5, -INF]))
    hi = c.draw(st.sampled_from([None, 0.5, 2.0, INF, -2.0]))  # -2.0: lo > hi gives hi, as clamp
    tlo, thi = (-INF if lo is None and hi is None else lo), hi
    return Step(f"clip(#{i}, {lo}, {hi})", lambda v: v.clip(lo, hi), lambda t: t.clamp(tlo, thi), (i,))


def _where(c: Ctx, pool: list) -> Step:
    i = c.pick(pool)
    j = c.pick(pool, lambda s: broadcastable(s, pool[i]))
    shape = np.broadcast_shapes(pool[i], pool[j])
    cond = c.mask(shape)
    return Step(f"where({cond!r}, #{i}, #{j})", lambda a, b: ag.where(cond, a, b),
                lambda a, b: torch.where(torch.from_numpy(cond), a, b), (i, j))


def _matmul(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: len(s) > 0)
    if i is None:
        return None
    s, k = pool[i], c.draw(st.integers(0, 2))
    if c.draw(st.booleans()):  # x @ fresh
        n = s[-1]
        other = c.draw(st.sampled_from([(n,), (n, k), s[:-2] + (n, k)]))
        return Step(f"matmul(#{i}, fresh)", lambda a, b: a @ b, lambda a, b: a @ b, (i,), (c.fresh(other),))
    n = s[0] if len(s) == 1 else s[-2]
    other = c.draw(st.sampled_from([(n,), (k, n)]))
    return Step(f"matmul(fresh, #{i})", lambda a, b: b @ a, lambda a, b: b @ a, (i,), (c.fresh(other),))


def _linear(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: len(s) in (1, 2))
    if i is None:
        return None
    n, k = pool[i][-1], c.draw(st.integers(0, 2))
    return Step(f"linear(#{i}, fresh, fresh)", lambda x, w, b: ops.linear(x, w, b),
                lambda x, w, b: TF.linear(x, w.T, b), (i,), (c.fresh((n, k)), c.fresh((k,))))


def loss(name: str, unit_target: bool = False, unit_input: bool = False) -> Callable:
    def make(c: Ctx, pool: list) -> Step:
        i = c.pick(pool)
        red = c.draw(st.sampled_from(["mean", "sum", "none"]))
        ours, theirs = getattr(F, name), getattr(TF, name)
        clip = (lambda v: v.clip(0, 1)) if unit_input else (lambda v: v)
        tclip = (lambda t: t.clamp(0, 1)) if unit_input else (lambda t: t)
        return Step(f"{name}({'clip(#%d, 0, 1)' % i if unit_input else '#%d' % i}, fresh, {red!r})",
                    lambda v, y: ours(clip(v), y, reduction=red),
                    lambda t, y: theirs(tclip(t), y, reduction=red),
                    (i,), (c.fresh(pool[i], UNIT if unit_target else ELEMENTS),))
    return make


def _cross_entropy(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: (s[-1] if s else 1) > 0)
    if i is None:
        return None
    s = pool[i]
    rows, cols = int(np.prod(s[:-1], dtype=int)) if s else 1, s[-1] if s else 1
    red = c.draw(st.sampled_from(["mean", "sum", "none"]))
    shape = (rows, cols)
    if c.draw(st.booleans()):  # class indices
        idx = c.ints(rows, cols)
        return Step(f"cross_entropy(#{i} as {shape}, {idx!r}, {red!r})",
                    lambda v: F.cross_entropy(v.reshape(shape), idx, reduction=red),
                    lambda t: TF.cross_entropy(t.reshape(shape), torch.from_numpy(idx), reduction=red), (i,))

    y = c.values(shape, UNIT)  # a constant: see test_fuzz's docstring
    ty = torch.from_numpy(y)

    def theirs(t):  # a class of target 0 adds nothing: 0 * log(0) = 0 (PyTorch: NaN)
        losses = -torch.where(ty == 0, 0, ty * t.reshape(shape).log_softmax(-1)).sum(-1)
        return {"none": losses, "sum": losses.sum(), "mean": losses.sum() / rows}[red]
    return Step(f"cross_entropy(#{i} as {shape}, {y!r}, {red!r})",
                lambda v: F.cross_entropy(v.reshape(shape), y, reduction=red), theirs, (i,))


def _image(c: Ctx, pool: list) -> tuple | None:
    """A pool entry of at least one element seen as a one-channel image (1, 1, H, W)."""
    i = c.pick(pool, lambda s: int(np.prod(s, dtype=int)) > 0)
    if i is None:
        return None
    s = pool[i]
    w = s[-1] if s else 1
    return i, (1, 1, int(np.prod(s, dtype=int)) // w, w)


def _window(c: Ctx, hw: tuple, pool_padding: bool = False) -> tuple:
    """A kernel that fits (H, W), a stride, a padding and a dilation, as pairs."""
    k = tuple(c.draw(st.integers(1, min(n, 3))) for n in hw)
    s = tuple(c.draw(st.integers(1, 2)) for _ in hw)
    p = tuple(c.draw(st.integers(0, kk // 2 if pool_padding else 1)) for kk in k)
    d = tuple(c.draw(st.integers(1, 2)) if (n - 1) // 2 >= kk - 1 else 1 for n, kk in zip(hw, k))
    return k, s, p, d


def _conv2d(c: Ctx, pool: list) -> Step | None:
    found = _image(c, pool)
    if found is None:
        return None
    i, shape = found
    k, s, p, d = _window(c, shape[2:])
    o = c.draw(st.integers(1, 2))
    return Step(f"conv2d(#{i} as {shape}, fresh, fresh, {s}, {p}, {d})",
                lambda x, w, b: ops.conv2d(x.reshape(shape), w, b, stride=s, padding=p,
                                           dilation=d, groups=1),
                lambda x, w, b: TF.conv2d(x.reshape(shape), w, b, s, p, d), (i,),
                (c.fresh((o, 1) + k), c.fresh((o,))))


def _unfold(c: Ctx, pool: list) -> Step | None:
    found = _image(c, pool)
    if found is None:
        return None
    i, shape = found
    k, s, p, d = _window(c, shape[2:])
    return Step(f"unfold(#{i} as {shape}, {k}, {d}, {p}, {s})",
                lambda x: ops.unfold(x.reshape(shape), kernel_size=k, dilation=d, padding=p,
                                     stride=s),
                lambda x: TF.unfold(x.reshape(shape), k, d, p, s), (i,))


def _fold(c: Ctx, pool: list) -> Step | None:
    i = c.pick(pool, lambda s: int(np.prod(s, dtype=int)) > 0)
    if i is None:
        return None
    n = int(np.prod(pool[i], dtype=int))
    k = c.draw(st.sampled_from([j for j in (1, 2, 3) if n % j == 0]))
    shape, size = (1, k, n // k), (1, n // k + k - 1)  # windows (1, k) at stride 1: n // k of them
    return Step(f"fold(#{i} as {shape}, {size}, (1, {k}))",
                lambda x: ops.fold(x.reshape(shape), output_size=size, kernel_size=(1, k),
                                   dilation=(1, 1), padding=(0, 0), stride=(1, 1)),
                lambda x: TF.fold(x.reshape(shape), size, (1, k)), (i,))


def _max_pool2d(c: Ctx, pool: list) -> Step | None:
    found = _image(c, pool)
    if found is None:
        return None
    i, shape = found
    k, s, p, d = _window(c, shape[2:], pool_padding=True)
    return Step(f"max_pool2d(#{i} as {shape}, {k}, {s}, {p}, {d})",
                lambda x: ops.max_pool2d(x.reshape(shape), kernel_size=k, stride=s, padding=p,
                                         dilation=d),
                lambda x: TF.max_pool2d(x.reshape(shape), k, s, p, d), (i,))


# Steps whose result varies smoothly with every operand value but 0 (no comparisons,
# bounds or powers of negative numbers), and steps that add up no terms (one operand,
# elementwise or a shape): the tolerances of test_fuzz depend on both.
SMOOTH = {"add", "sub", "mul", "div", "neg", "exp", "log", "sqrt", "tanh", "sigmoid", "matmul", "linear",
          "sum", "mean", "softmax", "log_softmax", "reshape", "transpose", "broadcast_to", "sum_to",
          "getitem", "scatter", "concat", "stack", "mse_loss", "binary_cross_entropy_with_logits",
          "cross_entropy", "softplus", "normal_cdf", "unfold", "fold"}
NO_SUMS = {"neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "clip", "reshape", "transpose",
           "softplus", "normal_cdf", "unfold", "max_pool2d"}


def op_name(step: Step) -> str:
    """The name of the op (or loss) a step applies, from its text."""
    return step.text.partition("(")[0]


MAKERS: dict[str, Callable] = {
    "add": binary("add", lambda a, b: a + b, lambda a, b: a + b),
    "sub": binary("sub", lambda a, b: a - b, lambda a, b: a - b),
    "mul": binary("mul", lambda a, b: a * b, lambda a, b: a * b),
    "div": binary("div", lambda a, b: a / b, lambda a, b: a / b),
    "pow": binary("pow", lambda a, b: a ** b, lambda a, b: a ** b, EXPONENTS),
    "maximum": binary("maximum", ag.maximum, torch.maximum),
    "minimum": binary("minimum", ag.minimum, torch.minimum),
    "neg": unary("neg", lambda v: -v, lambda t: -t),
    "exp": unary("exp", lambda v: v.exp(), torch.exp),
    "log": unary("log", lambda v: v.log(), torch.log),
    "sqrt": unary("sqrt", lambda v: v.sqrt(), torch.sqrt),
    "tanh": unary("tanh", lambda v: v.tanh(), torch.tanh),
    "sigmoid": unary("sigmoid", lambda v: v.sigmoid(), torch.sigmoid),
    "relu": unary("relu", lambda v: v.relu(), torch.relu),
    "abs": unary("abs", lambda v: v.abs(), torch.abs),
    "sin": unary("sin", lambda v: v.sin(), torch.sin),
    "cos": unary("cos", lambda v: v.cos(), torch.cos),
    "clip": _clip,
    "where": _where,
    "matmul": _matmul,
    "linear": _linear,
    "sum": reduction("sum"), "mean": reduction("mean"), "max": reduction("max"), "min": reduction("min"),
    "softmax": softmaxes("softmax"), "log_softmax": softmaxes("log_softmax"),
    "reshape": _reshape, "transpose": _transpose, "broadcast_to": _broadcast_to, "sum_to": _sum_to,
    "getitem": _getitem, "scatter": _scatter, "concat": _joined("concat"), "stack": _joined("stack"),
    "mse": loss("mse_loss"), "l1_loss": loss("l1_loss"),
    "bce": loss("binary_cross_entropy", unit_target=True, unit_input=True),
    "bce_with_logits": loss("binary_cross_entropy_with_logits", unit_target=True),
    "cross_entropy": _cross_entropy,
    "softplus": unary("softplus", lambda v: ops.softplus(v, beta=2.0, threshold=10.0),
                      lambda t: TF.softplus(t, beta=2.0, threshold=10.0)),
    "conv2d": _conv2d, "unfold": _unfold, "fold": _fold, "max_pool2d": _max_pool2d,
    "normal_cdf": unary("normal_cdf", ops.normal_cdf,
                        lambda t: 0.5 * (1 + torch.erf(t * 0.7071067811865476))),
}


from fuzz_ops_more import NO_SUMS as _NO_SUMS, SMOOTH as _SMOOTH, makers as _makers  # noqa: E402

MAKERS.update(_makers(unary, binary))
SMOOTH |= _SMOOTH
NO_SUMS |= _NO_SUMS
