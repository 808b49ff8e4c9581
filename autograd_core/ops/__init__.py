"""The op table: every op's forward beside its vector-Jacobian products.

Grouped by kind: `elementwise` (arithmetic, the unary functions, `matmul`),
`reductions` (sum, mean, max, min, softmax), `shape` (reshape, transpose,
broadcasting, indexing, concat, stack), `fused` (the layer and loss ops
that `nn` uses), `activations` (softplus, and the normal distribution
function of GELU) and `conv` (im2col and col2im, convolution, max pooling); `numeric` holds the sums and divisions they share (float16
accumulated in float32, as PyTorch does). Each module's ops are registered in `registry.OPS`, which the
gradient-check table enumerates.
"""
from __future__ import annotations

from ..registry import OPS, register
from . import activations, conv, elementwise, fused, reductions, shape
from .elementwise import (abs, add, clip, cos, div, exp, log, matmul, maximum, minimum,  # noqa: A004
                          mul, neg, pow, relu, sigmoid, sin, sqrt, sub, tanh, where)
from .activations import normal_cdf, softplus
from .conv import conv2d, fold, max_pool2d, unfold
from .fused import bce, bce_with_logits, cross_entropy, linear, mse
from .reductions import log_softmax, max, mean, min, softmax, sum  # noqa: A004
from .shape import broadcast_to, concat, getitem, reshape, scatter, stack, sum_to, transpose

for _module in (elementwise, reductions, shape, fused, activations, conv):
    register(_module)

__all__ = ["OPS", "abs", "add", "bce", "bce_with_logits", "broadcast_to", "clip", "concat",
           "conv2d", "cos", "cross_entropy", "div", "exp", "fold", "getitem", "linear", "log", "log_softmax",
           "matmul", "max", "max_pool2d", "maximum", "mean", "min",
           "minimum", "mse", "mul", "neg", "normal_cdf", "pow", "relu", "reshape", "scatter", "sigmoid",
           "sin", "softmax", "softplus", "sqrt", "stack", "sub", "sum", "sum_to", "tanh", "transpose", "unfold",
           "where"]
