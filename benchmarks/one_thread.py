"""One BLAS thread and one torch thread, so that every timing compares one core with one.

Imported before NumPy (the BLAS reads its thread count when it loads).
"""
from __future__ import annotations

import os
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"


def torch_or_none() -> Any:
    """torch set to one thread, or None where it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch
