"""Rows of the gradient-check table for the wider op set: elementwise math,
statistics and scans, flips, rolls, pads, contractions and casts (see
`op_table.py` for what a row holds; its `ROWS` takes these in)."""
from __future__ import annotations

import numpy as np

from autograd_core import ops

UNARY = [((),), ((5,),), ((2, 3),)]
BCAST = [((3,), (3,)), ((3, 1), (1, 4)), ((), (2, 3)), ((2, 3), (3,))]
W34 = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
ZEROS34 = np.ones((3, 4)) - np.isin(np.arange(12), [5, 8, 11]).reshape(3, 4)  # one zero in row 1, two in row 2


def _torch():
    return __import__("torch")


def inside_unit(rng, shape):
    return rng.uniform(-0.9, 0.9, shape)


def above_one(rng, shape):
    return rng.uniform(1.2, 3.0, shape)


def off_integer(rng, shape):
    """Away from the integers and the halves, where the rounding ops jump."""
    return rng.integers(-3, 3, shape) + rng.choice([0.2, 0.3, 0.7, 0.8], shape)


def rows(Row, normal, positive, away_from_zero):
    """The rows, made with `op_table`'s `Row` and generators."""
    def unary(name, np_fn, torch_fn, gen=None, smooth=True, cases=()):
        return Row(lambda a: getattr(ops, name)(a), np_fn, torch_fn, UNARY, gen and [gen], smooth,
                   list(cases))

    def binary(name, np_fn, torch_fn, gen=None, smooth=True):
        return Row(lambda a, b: getattr(ops, name)(a, b), np_fn, torch_fn, BCAST, gen, smooth)

    t = _torch
    return {
        "tan": unary("tan", np.tan, lambda a: t().tan(a), inside_unit),
        "asin": unary("asin", np.arcsin, lambda a: t().asin(a), inside_unit),
        "acos": unary("acos", np.arccos, lambda a: t().acos(a), inside_unit),
        "atan": unary("atan", np.arctan, lambda a: t().atan(a)),
        "sinh": unary("sinh", np.sinh, lambda a: t().sinh(a)),
        "cosh": unary("cosh", np.cosh, lambda a: t().cosh(a)),
        "asinh": unary("asinh", np.arcsinh, lambda a: t().asinh(a)),
        "acosh": unary("acosh", np.arccosh, lambda a: t().acosh(a), above_one),
        "atanh": unary("atanh", np.arctanh, lambda a: t().atanh(a), inside_unit),
        "log2": unary("log2", np.log2, lambda a: t().log2(a), positive),
        "log10": unary("log10", np.log10, lambda a: t().log10(a), positive),
        "log1p": unary("log1p", np.log1p, lambda a: t().log1p(a), positive),
        "exp2": unary("exp2", np.exp2, lambda a: t().exp2(a)),
        "expm1": unary("expm1", np.expm1, lambda a: t().expm1(a)),
        "reciprocal": unary("reciprocal", np.reciprocal, lambda a: t().reciprocal(a), away_from_zero),
        "rsqrt": unary("rsqrt", lambda a: 1 / np.sqrt(a), lambda a: t().rsqrt(a), positive),
        "erf": unary("erf", lambda a: np.vectorize(__import__("math").erf)(a), lambda a: t().erf(a)),
        "sign": unary("sign", np.sign, lambda a: t().sign(a), away_from_zero, smooth=False),
        "floor": unary("floor", np.floor, lambda a: t().floor(a), off_integer, smooth=False),
        "ceil": unary("ceil", np.ceil, lambda a: t().ceil(a), off_integer, smooth=False),
        "trunc": unary("trunc", np.trunc, lambda a: t().trunc(a), off_integer, smooth=False),
        "round": Row(lambda a: ops.round_(a, decimals=0), np.round, lambda a: t().round(a), UNARY,
                     [off_integer], smooth=False, cases=[(lambda a: ops.round_(a, decimals=1), (2, 3))]),
        "nan_to_num": Row(lambda a: ops.nan_to_num(a, nan=0.0, posinf=1.0, neginf=-1.0),
                          lambda a: np.nan_to_num(a), lambda a: t().nan_to_num(a, 0.0, 1.0, -1.0), UNARY),
        "atan2": binary("atan2", np.arctan2, lambda a, b: t().atan2(a, b), [away_from_zero, away_from_zero]),
        "logaddexp": binary("logaddexp", np.logaddexp, lambda a, b: t().logaddexp(a, b)),
        "hypot": binary("hypot", np.hypot, lambda a, b: t().hypot(a, b), [away_from_zero, away_from_zero]),
        "fmod": binary("fmod", np.fmod, lambda a, b: t().fmod(a, b), [off_integer, away_from_zero]),
        "remainder": binary("remainder", np.remainder, lambda a, b: t().remainder(a, b),
                            [off_integer, away_from_zero]),
        "floor_divide": binary("floor_divide", np.floor_divide, lambda a, b: t().floor(a / b),  # torch.floor_divide has no gradient
                               [off_integer, away_from_zero], smooth=False),
        "lerp": Row(lambda a, b, w: ops.lerp(a, b, w), lambda a, b, w: a + w * (b - a),
                    lambda a, b, w: t().lerp(a, b, w), [((3,), (3,), (3,)), ((2, 3), (2, 3), (2, 3))]),
        "prod": Row(lambda a: ops.prod(a, axis=(1,), keepdims=False), lambda a: a.prod(axis=1),
                    lambda a: a.prod(dim=1), [((3, 4),), ((2, 3, 4),)],
                    cases=[(lambda a: ops.prod(a, axis=None, keepdims=False), (2, 3)),
                           (lambda a: ops.prod(a, axis=(0, 2), keepdims=True), (2, 3, 2)),
                           (lambda a: ops.prod(ops.mul(a, ZEROS34), axis=(1,), keepdims=False), (3, 4))]),
        "var": Row(lambda a: ops.var(a, axis=(0,), ddof=1, keepdims=False), lambda a: a.var(axis=0, ddof=1),
                   lambda a: a.var(dim=0), [((3, 4),), ((4, 3, 2),)],
                   cases=[(lambda a: ops.var(a, axis=None, ddof=0, keepdims=False), (3, 4)),
                          (lambda a: ops.var(a, axis=(1, 2), ddof=1, keepdims=True), (2, 3, 4))]),
        "std": Row(lambda a: ops.std(a, axis=(1,), ddof=1, keepdims=False), lambda a: a.std(axis=1, ddof=1),
                   lambda a: a.std(dim=1), [((3, 4),), ((2, 5),)],
                   cases=[(lambda a: ops.std(a, axis=None, ddof=0, keepdims=True), (3, 4))]),
        "norm": Row(lambda a: ops.norm(a, axis=None, keepdims=False), lambda a: np.sqrt((a * a).sum()),
                    lambda a: t().linalg.vector_norm(a), UNARY,
                    cases=[(lambda a: ops.norm(a, axis=(1,), keepdims=True), (3, 4))]),
        "logsumexp": Row(lambda a: ops.logsumexp(a, axis=(1,), keepdims=False),
                         lambda a: np.log(np.exp(a).sum(axis=1)), lambda a: t().logsumexp(a, 1),
                         [((3, 4),), ((2, 3, 4),)],
                         cases=[(lambda a: ops.logsumexp(a, axis=None, keepdims=True), (3, 4))]),
        "cumsum": Row(lambda a: ops.cumsum(a, axis=1), lambda a: np.cumsum(a, 1), lambda a: t().cumsum(a, 1),
                      [((3, 4),), ((2, 3, 4),)], cases=[(lambda a: ops.cumsum(a, axis=0), (5,))]),
        "cumprod": Row(lambda a: ops.cumprod(a, axis=1), lambda a: np.cumprod(a, 1),
                       lambda a: t().cumprod(a, 1), [((3, 4),), ((2, 3, 4),)], [away_from_zero],
                       cases=[(lambda a: ops.cumprod(ops.mul(a, ZEROS34), axis=1), (3, 4))]),
        "flip": Row(lambda a: ops.flip(a, axes=(0,)), lambda a: np.flip(a, 0), lambda a: t().flip(a, (0,)),
                    [((3, 4),), ((5,),)], cases=[(lambda a: ops.flip(a, axes=(0, 2)), (2, 3, 2))]),
        "roll": Row(lambda a: ops.roll(a, shifts=(1,), axes=(0,)), lambda a: np.roll(a, 1, 0),
                    lambda a: t().roll(a, 1, 0), [((3, 4),), ((5,),)],
                    cases=[(lambda a: ops.roll(a, shifts=(2, -1), axes=(0, 1)), (3, 4))]),
        "tile": Row(lambda a: ops.tile(a, reps=(2, 1)), lambda a: np.tile(a, (2, 1)), lambda a: a.repeat(2, 1),
                    [((3, 4),), ((1, 2),)], cases=[(lambda a: ops.tile(a, reps=(2, 1, 3)), (2, 3)),
                                                   (lambda a: ops.tile(a, reps=(3,)), (4,))]),
        "pad": Row(lambda a: ops.pad(a, widths=((1, 0), (2, 1)), value=0.5),
                   lambda a: np.pad(a, ((1, 0), (2, 1)), constant_values=0.5),
                   lambda a: t().nn.functional.pad(a, (2, 1, 1, 0), value=0.5), [((3, 4),), ((1, 2),)],
                   cases=[(lambda a: ops.pad(a, widths=((-1, 1), (2, -2)), value=0.5), (3, 4))]),
        "tril": Row(lambda a: ops.tril(a, k=0), np.tril, lambda a: t().tril(a), [((3, 4),), ((2, 3, 3),)],
                    cases=[(lambda a: ops.tril(a, k=-1), (4, 3))]),
        "triu": Row(lambda a: ops.triu(a, k=1), lambda a: np.triu(a, 1), lambda a: t().triu(a, 1),
                    [((3, 4),), ((2, 3, 3),)]),
        "diff": Row(lambda a: ops.diff(a, axis=0), lambda a: np.diff(a, axis=0), lambda a: t().diff(a, dim=0),
                    [((3, 4),), ((5,),)], cases=[(lambda a: ops.diff(ops.diff(a, axis=1), axis=1), (2, 5))]),
        "einsum": Row(lambda a, b: ops.einsum(a, b, subscripts="ij,jk->ik"),
                      lambda a, b: np.einsum("ij,jk->ik", a, b),
                      lambda a, b: t().einsum("ij,jk->ik", a, b), [((3, 4), (4, 2)), ((1, 2), (2, 5))],
                      cases=[(lambda a: ops.einsum(a, subscripts="ii->"), (3, 3)),
                             (lambda a: ops.einsum(a, subscripts="ii->i"), (4, 4)),
                             (lambda a: ops.einsum(a, subscripts="ij->j"), (3, 4)),
                             (lambda a: ops.einsum(a, W34, a, subscripts="ij,ij,kj->ik"), (3, 4))]),
        "tensordot": Row(lambda a, b: ops.tensordot(a, b, axes=((1, 2), (0, 1)) if a.ndim == 3 else ((1,), (0,))),
                         lambda a, b: np.tensordot(a, b, 2 if a.ndim == 3 else 1),
                         lambda a, b: t().tensordot(a, b, 2 if a.ndim == 3 else 1),
                         [((2, 3, 4), (3, 4, 5)), ((3, 4), (4, 2))],
                         cases=[(lambda a: ops.tensordot(a, W34, axes=((0,), (1,))), (4, 2))]),
        "clone": Row(lambda a: a.clone(), lambda a: a.copy(), lambda a: a.clone(), UNARY),
        "cast": Row(lambda a: ops.cast(a, dtype=np.dtype(np.float64)), lambda a: a,
                    lambda a: a.to(t().float64), UNARY),
    }
