"""autograd-core: a reverse-mode automatic differentiation engine on NumPy.

>>> from autograd_core import Value
>>> x = Value(3.0)
>>> y = x * x + 2 * x
>>> y.backward()
>>> float(x.grad)
8.0
"""
from .engine import (detect_anomaly, enable_grad, get_default_dtype, is_grad_enabled,
                     no_grad, set_default_dtype)
from .value import Value
from .functional import concat, grad, maximum, minimum, stack, value_and_grad, where
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops import OPS


# Drawing lives in `.viz`, which imports graphviz; it is loaded on first use (PEP 562) so
# that `import autograd_core` needs only NumPy, and the engine works where graphviz does not.
def __getattr__(name: str) -> object:
    """`draw_graph` and `backward_steps`, imported from `.viz` when first asked for."""
    if name in ("draw_graph", "backward_steps"):
        from . import viz
        return getattr(viz, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
    "set_default_dtype", "get_default_dtype", "concat", "stack", "where", "maximum",
    "minimum", "grad", "value_and_grad", "gradcheck", "gradgradcheck", "GradcheckError",
    "OPS", "draw_graph", "backward_steps",
]
