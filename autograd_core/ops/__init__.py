"""The op table: every op's forward beside its vector-Jacobian products.

Grouped by kind: `elementwise` (arithmetic, the unary functions, `matmul`),
`reductions` (sum, mean, max, min, softmax), `shape` (reshape, transpose,
broadcasting, indexing, concat, stack), `fused` (the layer and loss ops
that `nn` uses), `activations` (softplus, and the normal distribution
function of GELU), `conv` (im2col and col2im, convolution, max pooling),
`math` (trigonometry, logs, rounding and the other elementwise functions),
`scans` (prod, var, std, logsumexp, norm, cumsum, cumprod), `arrange` (flip, tile,
roll, pad, tril, triu, diff), `linalg` (einsum, tensordot) and `convert`
(casts between float dtypes, clone); `numeric` holds the sums and divisions they share (float16
accumulated in float32, as PyTorch does). Each module's ops are registered in `registry.OPS`, which the
gradient-check table enumerates. The ops named after Python's builtins are
`sum_`, `max_`, `min_`, `abs_` and `pow_` here (registered as "sum", ...), so
that no module hides the builtin.
"""
from __future__ import annotations

from ..registry import OPS, register
from . import (activations, arrange, conv, convert, elementwise, fused, linalg, math, reductions,
               scans, shape)
from .activations import normal_cdf, softplus
from .conv import conv2d, fold, max_pool2d, unfold
from .elementwise import (abs_, add, clip, cos, div, exp, log, matmul, maximum, minimum, mul,
                          neg, pow_, relu, sigmoid, sin, sqrt, sub, tanh, where)
from .fused import bce, bce_with_logits, cross_entropy, linear, mse
from .reductions import log_softmax, max_, mean, min_, softmax, sum_
from .shape import broadcast_to, concat, getitem, reshape, scatter, stack, sum_to, transpose
from .math import (acos, acosh, asin, asinh, atan, atan2, atanh, ceil, cosh, erf, exp2, expm1,
                   floor, floor_divide, fmod, hypot, lerp, log1p, log2, log10, logaddexp,
                   nan_to_num, reciprocal, remainder, round_, rsqrt, sign, sinh, tan, trunc)
from .scans import cumprod, cumsum, logsumexp, norm, prod, std, var
from .arrange import diff, flip, pad, roll, tile, tril, triu
from .linalg import einsum, tensordot
from .convert import cast, clone

for _module in (elementwise, reductions, shape, fused, activations, conv, math, scans, arrange,
                linalg, convert):
    register(_module)

__all__ = ["OPS", "abs_", "add", "bce", "bce_with_logits", "broadcast_to", "clip", "concat",
           "conv2d", "cos", "cross_entropy", "div", "exp", "fold", "getitem", "linear", "log",
           "log_softmax", "matmul", "max_", "max_pool2d", "maximum", "mean", "min_", "minimum",
           "mse", "mul", "neg", "normal_cdf", "pow_", "relu", "reshape", "scatter", "sigmoid",
           "sin", "softmax", "softplus", "sqrt", "stack", "sub", "sum_", "sum_to", "tanh",
           "transpose", "unfold", "where",
           "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "cosh", "erf", "exp2",
           "expm1", "floor", "floor_divide", "fmod", "hypot", "lerp", "log1p", "log2", "log10",
           "logaddexp", "nan_to_num", "reciprocal", "remainder", "round_", "rsqrt", "sign", "sinh",
           "tan", "trunc", "cumprod", "cumsum", "logsumexp", "norm", "prod", "std", "var", "flip",
           "pad", "roll", "tile", "tril", "triu", "diff", "einsum", "tensordot", "cast", "clone"]
