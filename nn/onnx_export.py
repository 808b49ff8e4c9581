"""`export_onnx`: a module written as an ONNX model, through PyTorch's exporter, and
checked in ONNX Runtime before it is handed back."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core import Value, get_default_dtype, no_grad
from autograd_core.checks import real_array

from .bridge import require, to_torch
from .module import Module
from .onnx_float64 import double_safe

__all__ = ["export_onnx"]


def export_onnx(module: Module, example_input: Any, path: str | os.PathLike[str]) -> Path:
    """Write `module` as an ONNX model, and check it in ONNX Runtime.

    The module is carried to PyTorch (`nn.to_torch`) and written by
    `torch.onnx.export` (the exporter built on `torch.export`, which needs
    `onnxscript`), as it computes in evaluation mode: Dropout is the identity.
    In float64, convolutions and average pooling are written as `unfold`
    and a matmul (`nn.onnx_float64`): ONNX Runtime has no float64 kernel for
    them. The model has one input, `"input"`, and one output, `"output"`; the
    first axis of the input (the batch) may have any length when the example
    has two axes or more. The dtype is kept: ONNX Runtime's CPU provider runs
    float64 models in float64 (and float32 in float32). Before returning, the
    file is loaded in ONNX Runtime (`onnxruntime.InferenceSession`, CPU
    provider) and its output on `example_input` is compared with the module's
    (in evaluation mode) to float rounding: relative and absolute tolerance of
    the square root of the dtype's machine epsilon (1.5e-8 for float64, 3.5e-4
    for float32).

    Args:
        module: a module that `nn.to_torch` carries: the layers it maps and
            their compositions, and any module whose forward uses the op set
            (carried by tracing one pass on `example_input`).
        example_input: a batch the module accepts (an array, a nested list or a
            Value), converted to the dtype of the module's parameters.
        path: the file to write (conventionally ending in `.onnx`).

    Returns:
        The path written, as a `pathlib.Path`.

    Raises:
        ImportError: torch, onnxscript or onnxruntime is not installed.
        TypeError: the module cannot be carried to PyTorch, or `example_input`
            is not real numbers (complex, strings, ...).
        RuntimeError: ONNX Runtime cannot run the file (it has no float64 `Erf`,
            which GELU needs), or its output differs from the module's.
    """
    torch = require("torch", "export_onnx")
    require("onnxscript", "export_onnx (PyTorch's ONNX exporter)")
    ort = require("onnxruntime", "export_onnx")
    torch_module = to_torch(module, example_input=example_input).eval()
    params = module.parameters()
    x = real_array("export_onnx: example_input",
                   example_input.data if isinstance(example_input, Value) else example_input)
    if params:
        dtype = params[0].dtype
    else:
        dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.dtype(get_default_dtype())
    if not np.issubdtype(x.dtype, np.integer):  # indices (an Embedding's input) stay integers
        x = x.astype(dtype)
    expected = _evaluate(module, x)
    if dtype == np.float64:  # ONNX Runtime has no float64 Conv or AveragePool
        torch_module = double_safe(torch, torch_module).eval()
    path = Path(path)
    batch = ({0: torch.export.Dim("batch")},) if x.ndim >= 2 else None
    with warnings.catch_warnings(), _quiet("torch.onnx"):
        # Warnings about torch's own internals (deprecations inside torch.export),
        # which say nothing about this model.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(torch_module, (torch.from_numpy(x),), str(path), dynamo=True,
                          input_names=["input"], output_names=["output"],
                          dynamic_shapes=batch, verbose=False)
    try:
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime's own error classes, e.g. NOT_IMPLEMENTED
        raise RuntimeError(f"export_onnx: the file {path} was written, but ONNX Runtime "
                           f"cannot run it in {dtype}: {e}") from None
    got = session.run(None, {"input": x})[0]
    tol = float(np.sqrt(np.finfo(dtype).eps))
    # NaN where the module gives NaN (a NaN row in the example) is a match.
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=tol, atol=tol,
                                                      equal_nan=True):
        worst = np.nanmax(np.abs(got - expected)) if got.shape == expected.shape else "shape"
        raise RuntimeError(f"export_onnx: ONNX Runtime's output on the example input "
                           f"differs from the module's (largest difference {worst}); "
                           f"the file {path} was written but does not compute the module")
    return path


def _evaluate(module: Module, x: np.ndarray) -> np.ndarray:
    """The module's output on `x` in evaluation mode; each submodule's mode is
    restored afterwards."""
    modes = [(m, m.training) for m in module.modules()]
    try:
        with no_grad():
            out = module.eval()(x)
    finally:
        for m, mode in modes:
            m.training = mode
    return np.asarray(out.data if isinstance(out, Value) else out)


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Raise a logger's level to ERROR for a while: torch's ONNX exporter logs a
    warning for each torchvision op it cannot register when torchvision is not
    installed, which says nothing about the model being exported."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
