"""`Embedding` (a lookup table of learned vectors), `embedding` and `one_hot`."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value, get_default_dtype
from autograd_core.checks import positive_int, real_array

from .data import RngLike, as_rng
from .module import Module

__all__ = ["Embedding", "embedding", "one_hot"]


def _indices(where: str, input: Any) -> np.ndarray:
    """Integer indices as an int64 array; anything else raises `TypeError`."""
    if isinstance(input, Value):
        raise TypeError(f"{where}: indices must be integers (an int array or list), "
                        f"got a Value of dtype {input.dtype}")
    idx = real_array(f"{where}: indices", input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{where}: indices must be integers, got dtype {idx.dtype}")
    return idx.astype(np.int64, copy=False)


def _check_range(where: str, idx: np.ndarray, n: int) -> None:
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)].flat[0]
        raise IndexError(f"{where}: index {int(bad)} is out of range for {n} rows "
                         f"(valid: 0..{n - 1}; indices of shape {idx.shape})")


def embedding(input: Any, weight: Value) -> Value:
    """Rows of `weight` picked by the integer `input`: `out[..., :] = weight[input[...], :]`.

    Shapes: `input` any shape `S` of integers in `0..num_embeddings-1`,
    `weight` `(num_embeddings, embedding_dim)`, output `S + (embedding_dim,)`.
    The gradient of `weight` sums the gradients of the rows picked more than once.

    Raises:
        TypeError: `input` is not integers, or `weight` is not a 2-D Value.
        IndexError: an index outside `0..num_embeddings-1` (negative included).
    """
    if not isinstance(weight, Value) or weight.ndim != 2:
        raise TypeError(f"embedding: weight must be a 2-D Value, got "
                        f"{type(weight).__name__} of shape {np.shape(weight)}")
    idx = _indices("embedding", input)
    _check_range("embedding", idx, weight.shape[0])
    return weight[idx]


def one_hot(tensor: Any, num_classes: int = -1) -> np.ndarray:
    """One-hot rows of the integer classes in `tensor`, as `torch.nn.functional.one_hot`.

    Shapes: `tensor` any shape `S`, output `S + (num_classes,)`, int64 (not a
    Value: it carries no gradient). `num_classes=-1` takes the largest class
    plus one.

    Raises:
        TypeError: `tensor` is not integers.
        IndexError: a class outside `0..num_classes-1`.
    """
    idx = _indices("one_hot", tensor)
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    num_classes = positive_int("one_hot: num_classes", num_classes) if num_classes else 0
    _check_range("one_hot", idx, num_classes)
    return np.eye(num_classes, dtype=np.int64)[idx]


class Embedding(Module):
    """A lookup table: `Embedding(n, d)(idx)` is `weight[idx]`, one learned row per index.

    `weight` has shape `(num_embeddings, embedding_dim)` and starts N(0, 1), as in
    PyTorch. Shapes: input integers of any shape `S`, output `S + (embedding_dim,)`.
    Multiplying a one-hot row by `weight` gives the same row: an embedding is
    a `Linear` layer without bias on one-hot input, computed without the product.

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the length of each row.
        rng: an int seed or a `numpy.random.Generator`; None for fresh entropy.
        dtype: the weight's dtype; None for the default dtype.

    Raises:
        TypeError: a size that is not an int.
        ValueError: a size below 1.

    Examples:
        >>> import nn
        >>> emb = nn.Embedding(27, 2, rng=0)
        >>> emb([[1, 2, 3], [4, 5, 6]]).shape
        (2, 3, 2)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, rng: RngLike = None,
                 dtype: Any = None) -> None:
        self.num_embeddings = positive_int("Embedding: num_embeddings", num_embeddings,
                                           type_error=TypeError)
        """The number of rows."""
        self.embedding_dim = positive_int("Embedding: embedding_dim", embedding_dim,
                                          type_error=TypeError)
        """The length of each row."""
        dt = np.dtype(get_default_dtype() if dtype is None else dtype)
        w = as_rng(rng).standard_normal((self.num_embeddings, self.embedding_dim))
        self.weight = Value(w.astype(dt), dtype=dt, label="weight")
        """The table, of shape `(num_embeddings, embedding_dim)`: a parameter."""

    def forward(self, input: Any) -> Value:
        """Look up the rows of `input`'s indices.

        Args:
            input: integers (an int array or nested lists) of any shape.

        Returns:
            A Value of shape `input.shape + (embedding_dim,)`.

        Raises:
            TypeError: `input` is not integers.
            IndexError: an index outside `0..num_embeddings-1`.
        """
        idx = _indices("Embedding", input)
        _check_range("Embedding", idx, self.num_embeddings)
        return self.weight[idx]

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
