"""Each op of the engine as the same computation on torch tensors, for the tracer.

`TORCH_OPS[name](torch, *inputs, **params)` computes what the op `name`
computes, with the op's own keyword parameters (our `axis` tuples, `shape`,
`index`, `reduction`, ...). The tracer (`nn.bridge_trace`) replays a recorded
graph through this table; an op is carried to PyTorch by adding its entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["TORCH_OPS"]


def _reduced(fn: Callable) -> Callable:
    """A reduction `fn(a, dim, keepdim)` taking our `axis` (a tuple or None) and `keepdims`."""
    def reduce(T: Any, a: Any, axis: Any, keepdims: bool) -> Any:
        dims = tuple(range(a.ndim)) if axis is None else tuple(axis)
        return fn(T, a, dims, keepdims) if dims else a
    return reduce


def _sum_to(T: Any, a: Any, shape: tuple) -> Any:
    lead = a.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape)
                                      if n == 1 and a.shape[i + lead] != 1)
    return (a.sum(dim=dims, keepdim=True) if dims else a).reshape(shape)


def _scatter(T: Any, a: Any, index: Any, shape: tuple, accumulate: bool) -> Any:
    z = a.new_zeros(shape)
    parts = index if isinstance(index, tuple) else (index,)
    if accumulate and all(isinstance(i, T.Tensor) for i in parts):
        return z.index_put(parts, a, accumulate=True)
    z[index] = a
    return z


def _softmax(log: bool) -> Callable:
    def softmax(T: Any, a: Any, axis: tuple) -> Any:
        if len(axis) == 1:
            return (T.log_softmax if log else T.softmax)(a, dim=axis[0])
        logp = a - T.logsumexp(a, dim=axis, keepdim=True)
        return logp if log else T.exp(logp)
    return softmax


def _cross_entropy(T: Any, z: Any, t: Any, reduction: str) -> Any:
    # Ours takes the classes on the last axis and targets as probabilities.
    losses = -(t * T.log_softmax(z, dim=-1)).sum(dim=-1)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / max(losses.numel(), 1)


def _loss(name: str) -> Callable:
    return lambda T, a, t, reduction: getattr(T.nn.functional, name)(a, t, reduction=reduction)


TORCH_OPS: dict[str, Callable[..., Any]] = {
    "add": lambda T, a, b: T.add(a, b),
    "sub": lambda T, a, b: T.sub(a, b),
    "mul": lambda T, a, b: T.mul(a, b),
    "div": lambda T, a, b: T.div(a, b),
    "pow": lambda T, a, b: T.pow(a, b),
    "neg": lambda T, a: T.neg(a),
    "exp": lambda T, a: T.exp(a),
    "log": lambda T, a: T.log(a),
    "sqrt": lambda T, a: T.sqrt(a),
    "tanh": lambda T, a: T.tanh(a),
    "sigmoid": lambda T, a: T.sigmoid(a),
    "relu": lambda T, a: T.relu(a),
    "abs": lambda T, a: T.abs(a),
    "sin": lambda T, a: T.sin(a),
    "cos": lambda T, a: T.cos(a),
    "clip": lambda T, a, lo, hi: T.clamp(a, lo, hi),
    "maximum": lambda T, a, b: T.maximum(a, b),
    "minimum": lambda T, a, b: T.minimum(a, b),
    "where": lambda T, a, b, cond: T.where(cond, a, b),
    "matmul": lambda T, a, b: T.matmul(a, b),
    "linear": lambda T, x, w, b: T.matmul(x, w) + b,
    "getitem": lambda T, a, index, accumulate: a[index],
    "scatter": _scatter,
    "reshape": lambda T, a, shape: a.reshape(shape),
    "transpose": lambda T, a, axes: a.permute(axes),
    "broadcast_to": lambda T, a, shape: T.broadcast_to(a, shape),
    # The same, keeping the input's batch axis (see nn.bridge_trace).
    "reshape_batch": lambda T, a, shape: a.reshape((a.shape[0],) + tuple(shape[1:])),
    "broadcast_to_batch": lambda T, a, shape: T.broadcast_to(a, (a.shape[0],) + tuple(shape[1:])),
    "sum_to": _sum_to,
    "sum": _reduced(lambda T, a, dims, keep: T.sum(a, dim=dims, keepdim=keep)),
    "mean": _reduced(lambda T, a, dims, keep: T.mean(a, dim=dims, keepdim=keep)),
    "max": _reduced(lambda T, a, dims, keep: T.amax(a, dim=dims, keepdim=keep)),
    "min": _reduced(lambda T, a, dims, keep: T.amin(a, dim=dims, keepdim=keep)),
    "softmax": _softmax(log=False),
    "log_softmax": _softmax(log=True),
    "concat": lambda T, *arrays, axis, sizes: T.cat(arrays, dim=axis),
    "stack": lambda T, *arrays, axis: T.stack(arrays, dim=axis),
    "mse": _loss("mse_loss"),
    "bce": _loss("binary_cross_entropy"),
    "bce_with_logits": _loss("binary_cross_entropy_with_logits"),
    "cross_entropy": _cross_entropy,
    "softplus": lambda T, x, beta, threshold: T.nn.functional.softplus(x, beta, threshold),
    "normal_cdf": lambda T, x: T.special.ndtr(x),
    "conv2d": lambda T, x, w, b, stride, padding, dilation, groups: T.nn.functional.conv2d(
        x, w, b, stride, padding, dilation, groups),
    "max_pool2d": lambda T, x, kernel_size, stride, padding, dilation:
        T.nn.functional.max_pool2d(x, kernel_size, stride, padding, dilation),
    "unfold": lambda T, x, kernel_size, dilation, padding, stride: T.nn.functional.unfold(
        x, kernel_size, dilation, padding, stride),
    "fold": lambda T, cols, output_size, kernel_size, dilation, padding, stride:
        T.nn.functional.fold(cols, output_size, kernel_size, dilation, padding, stride),
}
"""Each op of the engine by name -> the same computation on torch tensors,
`fn(torch, *inputs, **params)`. A new op is carried by adding its entry."""
