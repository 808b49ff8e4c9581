"""autograd-core: a reverse-mode automatic differentiation engine on NumPy.

>>> from autograd_core import Value
>>> x = Value(3.0)
>>> y = x * x + 2 * x
>>> y.backward()
>>> float(x.grad)
8.0

The engine's modules import one another one way, bottom to top: `dtypes`,
`modes`, `registry` (the op record), `vjp_tools` and `args`; the op table
`ops/`; `backward` (the walk); `combine` (concat, stack, where) and the
functions of the wider op set (`statistics`, `shaping`, `assembly`,
`contract`, `matrices`, `selection`, `casts`); `mixins/` (Value's methods by kind),
`numpy_api` (with `numpy_functions`) and `value` (`Value`, and applying an
op); `creation`, `differential_operators` (grad) and `gradcheck`. Drawing
(`viz/`), the checks of hand-written gradients (`check/`) and the command line
(`cli/`) are wings above the engine, loaded on first use. `from autograd_core import nn,
optim` gives the libraries built on the engine (the packages `nn` and `optim`,
also loaded on first use), even where a student's own `nn.py` shadows `import nn`.
"""
from __future__ import annotations

from typing import Any

from . import accelerator

accelerator.install()  # first: its finder decides, for each module below, compiled or source
from . import ops, vjp_tools  # noqa: E402 (the imports from here on go through the finder)
from .combine import concat, hstack, maximum, minimum, stack, vstack, where
from .differential_operators import compute_grads, grad, value_and_grad
from .dtypes import get_default_dtype, set_default_dtype
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .registry import OPS, Op, op, passthrough
from .value import Value
from .assembly import array_split, chunk, pad, split
from .casts import astype
from .contract import einsum, inner, kron, outer, tensordot
from .matrices import diag, diagonal, trace, tril, triu
from .creation import (arange, eye, full, full_like, linspace, ones, ones_like, rand, randn,
                       tensor, zeros, zeros_like)
from .ops import (acos, acos as arccos, acosh, acosh as arccosh, asin, asin as arcsin, asinh,
                  asinh as arcsinh, atan, atan as arctan, atan2, atan2 as arctan2, atanh,
                  atanh as arctanh, ceil, cosh, erf, exp2, expm1, floor, floor_divide, fmod, hypot,
                  lerp, log1p, log2, log10, logaddexp, reciprocal, remainder, rsqrt, sign, sinh,
                  tan, trunc)
from .ops import round_ as round  # PyTorch's and NumPy's name (this module calls no round)
from .selection import (gather, index_select, isfinite, isinf, isnan, masked_fill, nan_to_num,
                        scatter_add, sort, take_along_axis, topk)
from .shaping import (broadcast_to, diff, expand, flip, moveaxis, repeat, repeat_interleave, roll, swapaxes,
                      tile, view)
from .statistics import argmax, argmin, cumprod, cumsum, logsumexp, norm, prod, std, var
from .statistics import all_ as all, any_ as any  # PyTorch's and NumPy's names (this module calls neither)

__version__ = "0.1.0"
"""The version of this distribution, as a string."""

__all__ = [
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
    "set_default_dtype", "get_default_dtype", "concat", "stack", "where", "maximum",
    "minimum", "grad", "value_and_grad", "compute_grads", "gradcheck", "gradgradcheck",
    "GradcheckError", "op", "Op", "passthrough", "vjp_tools", "OPS", "draw_graph",
    "backward_steps", "step_through", "check", "__version__",
    # the wider op set
    "tan", "sinh", "cosh", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "asinh",
    "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "log2", "log10", "log1p", "exp2", "expm1",
    "reciprocal", "rsqrt", "sign", "erf", "floor", "ceil", "round", "trunc", "atan2", "arctan2",
    "logaddexp", "hypot", "fmod", "remainder", "floor_divide", "lerp",
    "prod", "var", "std", "logsumexp", "cumsum", "cumprod", "norm", "argmax", "argmin", "any", "all",
    "view", "expand", "broadcast_to", "flip", "roll", "repeat", "repeat_interleave", "tile",
    "split", "chunk", "array_split", "swapaxes", "moveaxis", "pad", "vstack", "hstack", "diff",
    "einsum", "tensordot", "outer", "inner", "kron", "trace", "diagonal", "diag", "tril", "triu",
    "gather", "take_along_axis", "index_select", "masked_fill", "scatter_add", "sort", "topk",
    "isnan", "isinf", "isfinite", "nan_to_num", "astype",
    "tensor", "zeros", "ones", "full", "zeros_like", "ones_like", "full_like", "eye", "arange",
    "linspace", "randn", "rand",
]

# Drawing needs graphviz, which `import autograd_core` must not: its names are
# imported from the viz wing on first use (PEP 562). `nn` and `optim`, the
# libraries built on the engine, are top-level packages of this distribution;
# `from autograd_core import nn, optim` gives them, also loaded on first use, so
# that importing the engine never imports the layers built on it.
# `check` (exercises that grade themselves) is a wing too: the module itself.
_LAZY = {"draw_graph": "viz", "backward_steps": "viz", "step_through": "viz.step",
         "nn": None, "optim": None, "check": "check"}


def __dir__() -> list[str]:
    """The public names (`__all__`) and the packages `nn`, `optim` and `viz`: no
    helper, typing name or internal module."""
    return sorted({*__all__, "nn", "optim", "viz"})


def __getattr__(name: str) -> Any:
    """The drawing names from `.viz`, the module `.check`, and the packages `nn`
    and `optim`, imported when first asked for."""
    if name in _LAZY:
        import importlib
        if _LAZY[name] is None:
            value = _library_package(name)
        elif _LAZY[name] == name:
            value = importlib.import_module(f".{name}", __name__)
        else:
            value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _library_package(name: str) -> Any:
    """This distribution's top-level package `name` (`nn` or `optim`), installed
    beside `autograd_core`.

    Normally that is the module `import nn` gives (the same object). Where the
    name means another module (a student's own `nn.py` in the working
    directory, found first on `sys.path` or already imported), the library's
    package is loaded from its own folder under the name `autograd_core.nn`,
    and `import nn` goes on giving the student's module; the student's file is
    never run by this. Where the package is not beside `autograd_core` (some
    other layout), the import system decides, as `import nn` would.
    """
    import importlib
    import importlib.util
    import os
    import sys

    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), name)
    init = os.path.realpath(os.path.join(folder, "__init__.py"))
    if not os.path.isfile(init):
        return importlib.import_module(name)

    def ours(origin: str | None) -> bool:
        return isinstance(origin, str) and os.path.realpath(origin) == init

    current = sys.modules.get(name)
    if current is not None and ours(getattr(current, "__file__", None)):
        return current
    if current is None and name not in sys.modules:
        spec = importlib.util.find_spec(name)  # finds, does not run, what `import` would load
        if spec is not None and ours(spec.origin):
            return importlib.import_module(name)
    private = f"{__name__}.{name}"
    if private in sys.modules:
        return sys.modules[private]
    spec = importlib.util.spec_from_file_location(private, init,
                                                  submodule_search_locations=[folder])
    assert spec is not None and spec.loader is not None  # a file that exists
    module = importlib.util.module_from_spec(spec)
    sys.modules[private] = module  # before running it: its own relative imports need it
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[private]
        raise
    return module
