"""autograd-core: a reverse-mode automatic differentiation engine on NumPy.

>>> from autograd_core import Value
>>> x = Value(3.0)
>>> y = x * x + 2 * x
>>> y.backward()
>>> float(x.grad)
8.0

The engine's modules import one another one way, bottom to top: `dtypes`,
`modes`, `registry` (the op record) and `dual`; the op table `ops/`;
`backward` (the walk); `methods` and `value` (`Value`, and applying an op);
`functional` and `gradcheck`. Drawing (`viz/`) and the command line (`cli/`)
are wings above the engine, loaded on first use.
"""
from __future__ import annotations

from typing import Any

from . import dual, ops
from .dtypes import get_default_dtype, set_default_dtype
from .functional import (compute_grads, concat, grad, maximum, minimum, stack, value_and_grad,
                         where)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .registry import OPS, Op, op, passthrough
from .value import Value

__version__ = "0.1.0"

__all__ = [
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
    "set_default_dtype", "get_default_dtype", "concat", "stack", "where", "maximum",
    "minimum", "grad", "value_and_grad", "compute_grads", "gradcheck", "gradgradcheck",
    "GradcheckError", "op", "Op", "passthrough", "dual", "OPS", "draw_graph",
    "backward_steps", "step_through", "__version__",
]

# Drawing needs graphviz, which `import autograd_core` must not: its names are
# imported from the viz wing on first use (PEP 562).
_LAZY = {"draw_graph": "viz", "backward_steps": "viz", "step_through": "viz"}


def __getattr__(name: str) -> Any:
    """The drawing names of `_LAZY`, imported from `.viz` when first asked for."""
    if name in _LAZY:
        import importlib
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
