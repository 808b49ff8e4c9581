"""Float64 models for ONNX Runtime: convolution and average pooling written with `unfold`.

ONNX Runtime's CPU provider has no float64 kernel for `Conv` or `AveragePool`
(nor `Erf`), so a float64 model using them is written with what it has: a
convolution as im2col (`torch.nn.functional.unfold`, which the exporter writes
with gathers) and one matmul per group, an average as a sum of the same
columns. The result equals PyTorch's to float64 rounding. `export_onnx`
applies this to its own copy of the torch module, never to the user's.
"""

from __future__ import annotations

from typing import Any

__all__ = ["double_safe", "FLOAT64_OPS"]


def _pairs(v: Any, n: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def conv2d(T: Any, x: Any, w: Any, b: Any, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Any:
    """`torch.nn.functional.conv2d`, as unfold and one matmul per group."""
    F = T.nn.functional
    kh, kw = w.shape[2:]
    stride, dilation = _pairs(stride, 2), _pairs(dilation, 2)
    if isinstance(padding, str):  # "valid" or "same" (stride 1): explicit zeros
        if padding == "same":
            total = [d * (k - 1) for d, k in zip(dilation, (kh, kw))]
            x = F.pad(x, (total[1] // 2, total[1] - total[1] // 2,
                          total[0] // 2, total[0] - total[0] // 2))
        padding = (0, 0)
    padding = _pairs(padding, 2)
    n, _, h, wd = x.shape
    oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    cols = F.unfold(x, (kh, kw), dilation, padding, stride)  # (N, C*kh*kw, L)
    o = w.shape[0]
    cols = cols.reshape(n, groups, -1, oh * ow)
    out = T.matmul(w.reshape(groups, o // groups, -1), cols)  # (N, g, O/g, L)
    out = out.reshape(n, o, oh, ow)
    return out if b is None else out + b.reshape(1, o, 1, 1)


def avg_pool2d(T: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               count_include_pad: bool = True) -> Any:
    """`torch.nn.functional.avg_pool2d` (floor mode), as a sum of unfolded columns."""
    F = T.nn.functional
    k = _pairs(kernel_size, 2)
    s = k if stride is None or stride == [] else _pairs(stride, 2)
    p = _pairs(padding, 2)
    n, c, h, w = x.shape
    oh, ow = (h + 2 * p[0] - k[0]) // s[0] + 1, (w + 2 * p[1] - k[1]) // s[1] + 1
    sums = F.unfold(x.reshape(n * c, 1, h, w), k, 1, p, s).sum(dim=1)
    if count_include_pad or p == (0, 0):
        means = sums / (k[0] * k[1])
    else:
        ones = T.ones((1, 1, h, w), dtype=x.dtype)
        means = sums / F.unfold(ones, k, 1, p, s).sum(dim=1)
    return means.reshape(n, c, oh, ow)


FLOAT64_OPS: dict[str, Any] = {
    "conv2d": lambda T, x, w, b, stride, padding, dilation, groups: conv2d(
        T, x, w, b, stride, padding, dilation, groups),
}
"""Entries that replace `nn.bridge_ops.TORCH_OPS`' in a float64 export."""


def double_safe(torch: Any, module: Any) -> Any:
    """`module` with its Conv1d, Conv2d and AvgPool2d layers computing as above.

    Args:
        torch: the torch module.
        module: a torch module (changed in place: pass a copy).

    Returns:
        `module`, or its replacement when it is such a layer itself.
    """
    tnn = torch.nn

    class Conv(tnn.Module):
        def __init__(self, conv: Any) -> None:
            super().__init__()
            self.conv = conv

        def forward(self, x: Any) -> Any:
            c = self.conv
            if isinstance(c, tnn.Conv1d):
                pad = c.padding if isinstance(c.padding, str) else (0, c.padding[0])
                y = conv2d(torch, x.unsqueeze(2), c.weight.unsqueeze(2), c.bias,
                           (1, c.stride[0]), pad, (1, c.dilation[0]), c.groups)
                return y.squeeze(2)
            return conv2d(torch, x, c.weight, c.bias, c.stride, c.padding, c.dilation,
                          c.groups)

    class AvgPool(tnn.Module):
        def __init__(self, pool: Any) -> None:
            super().__init__()
            self.pool = pool

        def forward(self, x: Any) -> Any:
            p = self.pool
            return avg_pool2d(torch, x, p.kernel_size, p.stride, p.padding, p.count_include_pad)

    def swap(m: Any) -> Any:
        if isinstance(m, (tnn.Conv1d, tnn.Conv2d)):
            return Conv(m)
        if isinstance(m, tnn.AvgPool2d):
            return AvgPool(m)
        for name, child in list(m.named_children()):
            new = swap(child)
            if new is not child:
                setattr(m, name, new)
        if hasattr(m, "steps"):  # a traced module: its conv2d steps too
            m.op_table = {**m.op_table, **FLOAT64_OPS}
        return m

    return swap(module)
