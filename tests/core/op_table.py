"""The gradient-check table: one row per registered op.

Each row gives, for one op, how to call it on Values, the same computation in
plain NumPy (forward reference) and in PyTorch (oracle), the input shapes to
try, how to draw inputs, and whether the op is smooth enough for a
second-order check. `tests/test_ops.py` enumerates `autograd_core.OPS` and
fails for any op without a row here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import autograd_core as ag
from autograd_core import ops

BCAST = [((3,), (3,)), ((3, 1), (1, 4)), ((), (2, 3)), ((2, 3), (3,))]
UNARY = [((),), ((5,),), ((2, 3),)]


def normal(rng, shape):
    return rng.standard_normal(shape)


def positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def away_from_zero(rng, shape):
    x = rng.standard_normal(shape)
    return np.sign(x) * (0.2 + np.abs(x)) + (x == 0)


def probability(rng, shape):
    return rng.uniform(0.05, 0.95, shape)


def distinct(rng, shape):
    """Values with pairwise gaps of at least 0.1, shuffled: no ties, no kinks."""
    n = int(np.prod(shape, dtype=int))
    return (rng.permutation(n) * 0.1 + rng.uniform(0, 0.01, n) - n * 0.05).reshape(shape)


@dataclass
class Row:
    fn: Callable           # on Values
    ref: Callable          # on ndarrays
    torch: Callable | None  # on tensors
    shapes: list
    gen: list | None = None  # one generator per input, default normal
    smooth: bool = True
    cases: list = field(default_factory=list)

    def inputs(self, rng, shapes):
        gens = self.gen or [normal] * len(shapes)
        return [g(rng, s) for g, s in zip(gens, shapes)]


def _binary(name, np_fn, torch_name, gen=None, smooth=True):
    return Row(lambda a, b: ops.OPS[name](a, b), np_fn,
               lambda a, b: getattr(__import__("torch"), torch_name)(a, b), BCAST, gen, smooth)


def _unary(method, np_fn, torch_name, gen=None, smooth=True, cases=()):
    return Row(lambda a: getattr(a, method)(), np_fn,
               lambda a: getattr(a, torch_name)(), UNARY, gen, smooth, list(cases))


def _np_sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _np_softmax(a, axis=-1):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_normal_cdf(a):
    import math
    return 0.5 * (1 + np.vectorize(math.erf, otypes=[float])(np.asarray(a) / math.sqrt(2)))


def _tf():
    return __import__("torch").nn.functional


def _np_windows(x, k, d, p, s, fill=0.0):
    """Every window of the padded x by plain loops: [n, c, i, j, oh, ow]."""
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=fill)
    oh = (xp.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (xp.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    out = np.zeros(x.shape[:2] + tuple(k) + (oh, ow))
    for i in range(k[0]):
        for j in range(k[1]):
            for a in range(oh):
                for b in range(ow):
                    out[:, :, i, j, a, b] = xp[:, :, a * s[0] + i * d[0], b * s[1] + j * d[1]]
    return out


def _np_unfold(x, k, d, p, s):
    w = _np_windows(x, k, d, p, s)
    return w.reshape(w.shape[0], -1, w.shape[4] * w.shape[5])


def _np_fold(c, size, k, d, p, s):
    n = c.shape[0]
    ch = c.shape[1] // (k[0] * k[1])
    out = np.zeros((n, ch, size[0] + 2 * p[0], size[1] + 2 * p[1]))
    oh = (out.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (out.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    cols = c.reshape(n, ch, k[0], k[1], oh, ow)
    for i in range(k[0]):
        for j in range(k[1]):
            for a in range(oh):
                for b in range(ow):
                    out[:, :, a * s[0] + i * d[0], b * s[1] + j * d[1]] += cols[:, :, i, j, a, b]
    return out[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]


def _np_conv2d(x, w, b, s, p, d, groups):
    win = _np_windows(x, w.shape[2:], d, p, s)
    og, cg = w.shape[0] // groups, x.shape[1] // groups
    out = [np.einsum("ncijab,ocij->noab", win[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og])
           for g in range(groups)]
    return np.concatenate(out, axis=1) + b.reshape(-1, 1, 1)


def _np_max_pool2d(x, k, s, p):
    return _np_windows(x, k, (1, 1), p, s, fill=-np.inf).max(axis=(2, 3))


IDX = (np.array([0, 2, 0]), slice(None))  # repeated rows accumulate

ROWS: dict[str, Row] = {
    "add": _binary("add", np.add, "add"),
    "sub": _binary("sub", np.subtract, "sub"),
    "mul": _binary("mul", np.multiply, "mul"),
    "div": _binary("div", np.divide, "div", [normal, away_from_zero]),
    "pow": _binary("pow", np.power, "pow", [positive, normal]),
    "maximum": _binary("maximum", np.maximum, "maximum", [distinct, distinct], smooth=False),
    "minimum": _binary("minimum", np.minimum, "minimum", [distinct, distinct], smooth=False),
    "neg": Row(lambda a: -a, np.negative, lambda a: -a, UNARY),
    "exp": _unary("exp", np.exp, "exp"),
    "log": _unary("log", np.log, "log", [positive]),
    "sqrt": _unary("sqrt", np.sqrt, "sqrt", [positive]),
    "tanh": _unary("tanh", np.tanh, "tanh"),
    "sigmoid": _unary("sigmoid", _np_sigmoid, "sigmoid"),
    "relu": _unary("relu", lambda a: np.maximum(a, 0), "relu", [away_from_zero], smooth=False),
    "abs": _unary("abs", np.abs, "abs", [away_from_zero], smooth=False),
    "sin": _unary("sin", np.sin, "sin", cases=[(lambda a: a.sin() * a.cos(), (2, 3))]),
    "cos": _unary("cos", np.cos, "cos", cases=[(lambda a: (3 * a).cos(), (4,))]),
    "clip": Row(lambda a: a.clip(-0.5, 0.7), lambda a: np.clip(a, -0.5, 0.7),
                lambda a: a.clamp(-0.5, 0.7), UNARY, [distinct], smooth=False),
    "where": Row(lambda a, b: ag.where(np.arange(a.size).reshape(a.shape) % 2 == 0, a, b),
                 lambda a, b: np.where(np.arange(a.size).reshape(a.shape) % 2 == 0, a, b),
                 lambda a, b: __import__("torch").where(
                     __import__("torch").arange(a.numel()).reshape(a.shape) % 2 == 0, a, b),
                 [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), ())]),
    "matmul": Row(lambda a, b: a @ b, np.matmul, lambda a, b: a @ b,
                  [((3, 4), (4, 5)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)),
                   ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 2)),
                   ((2, 3, 4), (4,)), ((4,), (2, 4, 3))]),
    "linear": Row(lambda x, w, b: ops.linear(x, w, b), lambda x, w, b: x @ w + b,
                  lambda x, w, b: __import__("torch").nn.functional.linear(x, w.T, b),
                  [((5, 3), (3, 4), (4,)), ((2, 5, 3), (3, 4), (4,)), ((3,), (3, 4), (4,))]),
    "sum": Row(lambda a: a.sum(axis=1), lambda a: a.sum(axis=1), lambda a: a.sum(dim=1),
               [((3, 4),), ((2, 3, 4),)],
               cases=[(lambda a: a.sum(), (3, 4)), (lambda a: a.sum(axis=(0, 2), keepdims=True), (2, 3, 4)),
                      (lambda a: a.sum(axis=-1), (2, 3))]),
    "mean": Row(lambda a: a.mean(axis=0), lambda a: a.mean(axis=0), lambda a: a.mean(dim=0),
                [((3, 4),), ((2, 3, 4),)],
                cases=[(lambda a: a.mean(), (3, 4)), (lambda a: a.mean(axis=(1, 2), keepdims=True), (2, 3, 4))]),
    "max": Row(lambda a: a.max(axis=1), lambda a: a.max(axis=1), lambda a: a.amax(dim=1),
               [((3, 4),), ((2, 3, 4),)], [distinct], smooth=False,
               cases=[(lambda a: a.max(), (3, 4)), (lambda a: a.max(axis=(0, 2), keepdims=True), (2, 3, 4))]),
    "min": Row(lambda a: a.min(axis=0), lambda a: a.min(axis=0), lambda a: a.amin(dim=0),
               [((3, 4),), ((2, 3, 4),)], [distinct], smooth=False,
               cases=[(lambda a: a.min(), (3, 4))]),
    "softmax": Row(lambda a: a.softmax(), _np_softmax, lambda a: a.softmax(-1),
                   [((5,),), ((3, 4),), ((2, 3, 4),)],
                   cases=[(lambda a: a.softmax(axis=0), (3, 4))]),
    "log_softmax": Row(lambda a: a.log_softmax(), lambda a: np.log(_np_softmax(a)),
                       lambda a: a.log_softmax(-1), [((5,),), ((3, 4),), ((2, 3, 4),)],
                       cases=[(lambda a: a.log_softmax(axis=1), (2, 3, 4))]),
    "mse": Row(lambda a, t: ops.mse(a, t, reduction="none"), lambda a, t: (a - t) ** 2,
               lambda a, t: __import__("torch").nn.functional.mse_loss(a, t, reduction="none"),
               [((3, 4), (3, 4)), ((5,), (5,))],
               cases=[(lambda a: ops.mse(a, np.arange(6.0).reshape(2, 3), reduction="mean"), (2, 3)),
                      (lambda a: ops.mse(a, np.arange(6.0).reshape(2, 3), reduction="sum"), (2, 3))]),
    "cross_entropy": Row(lambda z, t: ops.cross_entropy(z, t.softmax(), reduction="none"),
                         lambda z, t: -(_np_softmax(t) * np.log(_np_softmax(z))).sum(-1),
                         lambda z, t: __import__("torch").nn.functional.cross_entropy(
                             z, t.softmax(-1), reduction="none"),
                         [((4, 3), (4, 3))],
                         cases=[(lambda z: ops.cross_entropy(z, np.eye(3)[[0, 2, 1, 0]], reduction="mean"), (4, 3)),
                                (lambda z: ops.cross_entropy(z, np.eye(3)[[0, 2, 1, 0]], reduction="sum"), (4, 3)),
                                (lambda z: ops.cross_entropy(z, np.full((2, 4, 3), 1 / 3), reduction="mean"), (2, 4, 3))]),
    "bce": Row(lambda p, y: ops.bce(p, y, reduction="none"),
               lambda p, y: -(y * np.log(p) + (1 - y) * np.log1p(-p)),
               lambda p, y: __import__("torch").nn.functional.binary_cross_entropy(p, y, reduction="none"),
               [((3, 4), (3, 4)), ((5,), (5,))], [probability, probability],
               cases=[(lambda p: ops.bce(p, np.linspace(0, 1, 6).reshape(2, 3), reduction="mean"), (2, 3)),
                      (lambda p: ops.bce(p, np.linspace(0, 1, 6).reshape(2, 3), reduction="sum"), (2, 3))]),
    "bce_with_logits": Row(lambda x, y: ops.bce_with_logits(x, y, reduction="none"),
                           lambda x, y: (1 - y) * x + np.log1p(np.exp(-x)),
                           lambda x, y: __import__("torch").nn.functional.binary_cross_entropy_with_logits(
                               x, y, reduction="none"),
                           [((3, 4), (3, 4)), ((5,), (5,))], [normal, probability],
                           cases=[(lambda x: ops.bce_with_logits(x, np.linspace(0, 1, 6).reshape(2, 3),
                                                                 reduction="mean"), (2, 3)),
                                  (lambda x: ops.bce_with_logits(x, np.linspace(0, 1, 6).reshape(2, 3),
                                                                 reduction="sum"), (2, 3))]),
    "reshape": Row(lambda a: a.reshape(4, 3), lambda a: a.reshape(4, 3),
                   lambda a: a.reshape(4, 3), [((3, 4),), ((2, 6),), ((12,),)]),
    "transpose": Row(lambda a: a.transpose(1, 2, 0), lambda a: a.transpose(1, 2, 0),
                     lambda a: a.permute(1, 2, 0), [((2, 3, 4),)],
                     cases=[(lambda a: a.T, (3, 4))]),
    "broadcast_to": Row(lambda a: ops.broadcast_to(a, shape=(2, 3, 4)),
                        lambda a: np.broadcast_to(a, (2, 3, 4)),
                        lambda a: a.expand(2, 3, 4), [((3, 1),), ((4,),), ((),)]),
    "sum_to": Row(lambda a: ops.sum_to(a, shape=(3, 1)), lambda a: a.sum(axis=(0, 2)).reshape(3, 1),
                  lambda a: a.sum(dim=(0, 2)).reshape(3, 1), [((2, 3, 4),), ((2, 3, 1),)]),
    "getitem": Row(lambda a: a[1:, ::2], lambda a: a[1:, ::2], lambda a: a[1:, ::2], [((3, 4),)],
                   cases=[(lambda a: a[IDX], (3, 4)), (lambda a: a[a.data > 0], (3, 4)),
                          (lambda a: a[None, 1, ..., -1], (3, 4, 2)), (lambda a: a[2], (5,))]),
    "scatter": Row(lambda a: ops.scatter(a, index=IDX, shape=(3, 4), accumulate=True),
                   lambda a: _np_scatter(a, IDX, (3, 4)),
                   lambda a: __import__("torch").zeros(3, 4, dtype=a.dtype).index_put(
                       (__import__("torch").tensor(IDX[0]),), a, accumulate=True),
                   [((3, 4),)]),
    "concat": Row(lambda a, b: ag.concat([a, b], axis=1), lambda a, b: np.concatenate([a, b], axis=1),
                  lambda a, b: __import__("torch").cat([a, b], dim=1), [((2, 3), (2, 4)), ((3, 1, 2), (3, 2, 2))]),
    "stack": Row(lambda a, b: ag.stack([a, b], axis=1), lambda a, b: np.stack([a, b], axis=1),
                 lambda a, b: __import__("torch").stack([a, b], dim=1), [((2, 3), (2, 3)), ((4,), (4,))]),
    "softplus": Row(lambda a: ops.softplus(a, beta=2.0, threshold=3.0),
                    lambda a: np.where(2 * a > 3, a, np.log1p(np.exp(2 * a)) / 2),
                    lambda a: __import__("torch").nn.functional.softplus(a, beta=2.0, threshold=3.0),
                    UNARY, [distinct],
                    cases=[(lambda a: ops.softplus(a * 30, beta=1.0, threshold=20.0), (3, 4)),
                           (lambda a: -ops.softplus(-a, beta=1.0, threshold=float("inf")), (5,))]),
    "conv2d": Row(lambda x, w, b: ops.conv2d(x, w, b, stride=(1, 2), padding=(1, 0),
                                             dilation=(1, 1), groups=1),
                  lambda x, w, b: _np_conv2d(x, w, b, (1, 2), (1, 0), (1, 1), 1),
                  lambda x, w, b: _tf().conv2d(x, w, b, (1, 2), (1, 0), (1, 1), 1),
                  [((2, 3, 5, 4), (4, 3, 3, 2), (4,)), ((1, 4, 6, 5), (2, 4, 1, 1), (2,))],
                  cases=[(lambda x: ops.conv2d(x, np.linspace(-1, 1, 48).reshape(4, 2, 3, 2), np.ones(4),
                                               stride=(2, 1), padding=(2, 1), dilation=(2, 1),
                                               groups=2), (2, 4, 6, 5)),
                         (lambda x: ops.conv2d(x, np.linspace(-1, 1, 36).reshape(2, 3, 3, 2), np.ones(2),
                                               stride=(1, 1), padding=(1, 2), dilation=(2, 1),
                                               groups=1), (2, 3, 5, 4))]),
    "unfold": Row(lambda x: ops.unfold(x, kernel_size=(2, 3), dilation=(1, 2), padding=(1, 1),
                                       stride=(2, 1)),
                  lambda x: _np_unfold(x, (2, 3), (1, 2), (1, 1), (2, 1)),
                  lambda x: _tf().unfold(x, (2, 3), (1, 2), (1, 1), (2, 1)), [((2, 3, 5, 6),)]),
    "fold": Row(lambda c: ops.fold(c, output_size=(5, 6), kernel_size=(2, 3), dilation=(1, 2),
                                   padding=(1, 1), stride=(2, 1)),
                lambda c: _np_fold(c, (5, 6), (2, 3), (1, 2), (1, 1), (2, 1)),
                lambda c: _tf().fold(c, (5, 6), (2, 3), (1, 2), (1, 1), (2, 1)), [((2, 18, 12),)]),
    "max_pool2d": Row(lambda x: ops.max_pool2d(x, kernel_size=(2, 3), stride=(2, 1), padding=(1, 1),
                                               dilation=(1, 1)),
                      lambda x: _np_max_pool2d(x, (2, 3), (2, 1), (1, 1)),
                      lambda x: _tf().max_pool2d(x, (2, 3), (2, 1), (1, 1)),
                      [((2, 3, 5, 6),), ((1, 2, 4, 4),)], [distinct], smooth=False),
    "normal_cdf": Row(lambda a: ops.normal_cdf(a), _np_normal_cdf,
                      lambda a: 0.5 * (1 + __import__("torch").erf(a / 2 ** 0.5)), UNARY),
}


def _np_scatter(a, idx, shape):
    z = np.zeros(shape)
    np.add.at(z, idx, a)
    return z


from op_table_more import rows as _more_rows  # noqa: E402 (the rows above are the model for these)

ROWS.update(_more_rows(Row, normal, positive, away_from_zero))
