"""The parts of `Value` beyond its core, one module per kind of method.

`value.py` holds the core (construction, properties, `backward`; `node.py`
has `apply`, which records a node); `Value` inherits the rest from these mixins. A new
method goes where its kind is, whatever library its name comes from (NumPy's
and PyTorch's spellings sit side by side):

- `operators.py`: Python's operators, `+ - * / ** @`, unary `-`, comparisons,
  and the in-place ones (`+=`, ..., `v[idx] = x`).
- `elementwise.py`: elementwise math (`exp`, `tanh`, `abs`, `clip`, `square`, ...).
- `reduce.py`: reductions over axes (`sum`, `mean`, `max`, `softmax`, ...).
- `shape.py`: shape and indexing (`reshape`, `transpose`, `permute`,
  `flatten`, `v[idx]`, ...).
- `convert.py`: the data out as Python objects (`item`, `tolist`, `numpy`,
  `float(v)`, `repr`, ...).

Argument checks shared between methods (axes, shapes, indices, PyTorch's
`dim=`) are in `autograd_core.args`. The mixins know `Value` only as `self`;
they record ops through the op table (`registry.apply` for the hot ones).
"""
from __future__ import annotations

from .convert import ConvertMixin
from .elementwise import ElementwiseMixin
from .operators import OperatorMixin
from .reduce import ReduceMixin
from .shape import ShapeMixin

__all__ = ["ValueMixin", "OperatorMixin", "ElementwiseMixin", "ReduceMixin", "ShapeMixin",
           "ConvertMixin"]


class ValueMixin(OperatorMixin, ElementwiseMixin, ReduceMixin, ShapeMixin, ConvertMixin):
    """Every method of `Value` beyond its core, by kind (the class `Value` derives from)."""

    __slots__ = ()
