"""Random-number seeding, mini-batching and train/validation splits."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from typing import Union

import numpy as np

from autograd_core.checks import positive_int, real_array, real_number

RngLike = Union[int, np.integer, np.random.Generator, None]
"""What an `rng` argument takes: an int seed, a `numpy.random.Generator`, or None."""

__all__ = ["RngLike", "DataLoader", "as_rng", "batches", "check_pair", "train_val_split"]


def as_rng(rng: RngLike = None) -> np.random.Generator:
    """Turn a seed into a `numpy.random.Generator`.

    Args:
        rng: a non-negative int (the same seed always gives the same stream),
            an existing `Generator` (returned as is, so drawing from the result
            advances it), or None (fresh entropy from the operating system).

    Returns:
        The generator.

    Raises:
        TypeError: `rng` is of another kind (a float, a bool, a string, ...).
        ValueError: a negative seed.

    Examples:
        >>> import nn
        >>> int(nn.as_rng(0).integers(10)) == int(nn.as_rng(0).integers(10))
        True
    """
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"rng seed must be a non-negative int, got {int(rng)}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be an int seed, a numpy.random.Generator or None, "
        f"got {type(rng).__name__}"
    )


def _as_rows(name: str, a: object) -> np.ndarray:
    """Convert `a` to an ndarray of real numbers with at least one dimension
    (rows on axis 0); other data raises `TypeError` (see `real_array`)."""
    arr = real_array(name, a)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (one row per sample), got a scalar")
    return arr


def check_pair(X: object, y: object, where: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Convert `X` and `y` to arrays of real numbers with the same number of rows.

    Args:
        X: the inputs, one row per sample.
        y: the targets, one row per sample.
        where: a prefix naming the caller in error messages, e.g. `"fit: "`.

    Returns:
        `(X, y)` as ndarrays (arrays are not copied).

    Raises:
        TypeError: either holds anything but real numbers (see `real_array`).
        ValueError: either is a scalar, or their numbers of rows differ.
    """
    X_arr, y_arr = _as_rows(f"{where}X", X), _as_rows(f"{where}y", y)
    if len(X_arr) != len(y_arr):
        raise ValueError(
            f"{where}X and y must have the same number of rows, got len(X)={len(X_arr)} "
            f"and len(y)={len(y_arr)}"
        )
    return X_arr, y_arr


class DataLoader:
    """Mini-batches of `(X, y)`, iterable once per epoch, like PyTorch's `DataLoader`.

    Each `for` loop over the loader is one epoch: every row appears exactly
    once, taken along axis 0 of `X` and `y` (`y` may be 1-D class labels or a
    2-D array of targets); the last batch holds the remaining
    `len(X) % batch_size` rows when the size does not divide evenly. With
    `shuffle`, each loop draws a new permutation from the loader's generator,
    so a second `for` over the same loader reshuffles. The arguments are
    checked when the loader is made, not at the first batch.

    Args:
        X: the inputs, one row per sample (real numbers).
        y: the targets, one row per sample (real numbers).
        batch_size: the number of rows of a batch (a positive int).
        shuffle: take the rows in a random order drawn from `rng` each
            epoch; without it, the batches are views of consecutive rows, in
            order, the same every epoch.
        rng: an int seed (the same seed gives the same sequence of epochs),
            a `Generator` (advanced by each epoch), or None.

    Raises:
        ValueError: `len(X) != len(y)`, an empty `X`, a scalar, or a
            `batch_size` that is not a positive int.
        TypeError: `X` or `y` holds anything but real numbers (complex,
            strings, dates, objects, None).

    Examples:
        >>> import numpy as np
        >>> import nn
        >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
        >>> loader = nn.DataLoader(X, y, batch_size=2, shuffle=False)
        >>> len(loader), [yb.tolist() for _, yb in loader]
        (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        batch_size: int,
        shuffle: bool = True,
        rng: RngLike = None,
    ) -> None:
        self.X, self.y = check_pair(X, y)
        self.batch_size = positive_int("batch_size", batch_size)
        if len(self.X) == 0:
            raise ValueError("batches() and DataLoader need at least one row, got an empty X")
        self.shuffle = bool(shuffle)
        self._gen = as_rng(rng) if self.shuffle else None

    def __len__(self) -> int:
        """The number of batches of an epoch."""
        return -(-len(self.X) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """One epoch of batches (a new permutation of the rows with `shuffle`)."""
        order = self._gen.permutation(len(self.X)) if self._gen is not None else None
        return _iterate(self.X, self.y, self.batch_size, order)

    def __repr__(self) -> str:
        return (f"DataLoader({len(self.X)} rows, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle})")


def batches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    rng: RngLike = None,
) -> DataLoader:
    """The `(X_batch, y_batch)` mini-batches of `X` and `y`, one epoch per `for` loop.

    The same as `DataLoader(X, y, batch_size, shuffle, rng)` (see there): a
    loop over the result goes through every row once, in batches of
    `batch_size` rows (the last, partial batch is kept); a second loop over
    it is another epoch, reshuffled with `shuffle`.

    Args:
        X: the inputs, one row per sample (real numbers).
        y: the targets, one row per sample (real numbers).
        batch_size: the number of rows of a batch (a positive int).
        shuffle: take the rows in a random order, drawn from `rng` for each
            epoch; without it, the batches are views of consecutive rows.
        rng: an int seed (the same seed gives the same order), a `Generator`
            (advanced, so reusing it gives a new order each epoch), or None.

    Returns:
        A `DataLoader` over the batches, pairs of ndarrays.

    Raises:
        ValueError: `len(X) != len(y)`, an empty `X`, a scalar, or a
            `batch_size` that is not a positive int.
        TypeError: `X` or `y` holds anything but real numbers (complex,
            strings, dates, objects, None).

    Examples:
        >>> import numpy as np
        >>> import nn
        >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
        >>> [yb.tolist() for _, yb in nn.batches(X, y, batch_size=2, shuffle=False)]
        [[0, 1], [2, 3], [4]]
    """
    return DataLoader(X, y, batch_size, shuffle, rng)


def _iterate(
    X: np.ndarray, y: np.ndarray, size: int, order: np.ndarray | None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield consecutive batches, through the permutation `order` if given."""
    for start in range(0, len(X), size):
        if order is None:
            yield X[start:start + size], y[start:start + size]
        else:
            idx = order[start:start + size]
            yield X[idx], y[idx]


def train_val_split(
    X: np.ndarray,
    y: np.ndarray,
    fraction: float,
    rng: RngLike = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Randomly split off a validation set.

    The validation part has `round(fraction * len(X))` rows, kept between 1
    and `len(X) - 1` so that neither part is empty; the rows of each part are
    in shuffled order (one permutation drawn from `rng`).

    Args:
        X: the inputs, one row per sample, at least 2 rows (real numbers).
        y: the targets, one row per sample (real numbers).
        fraction: the share of rows held out, strictly between 0 and 1.
        rng: an int seed, a `Generator` or None (see `as_rng`).

    Returns:
        `((X_train, y_train), (X_val, y_val))`.

    Raises:
        ValueError: `fraction` is not strictly between 0 and 1, fewer than 2
            rows, or `len(X) != len(y)`.
        TypeError: `X` or `y` holds anything but real numbers.

    Examples:
        >>> import numpy as np
        >>> import nn
        >>> (X_train, y_train), (X_val, y_val) = nn.train_val_split(
        ...     np.ones((10, 2)), np.ones(10), 0.2, rng=0)
        >>> X_train.shape, X_val.shape
        ((8, 2), (2, 2))
    """
    X_arr, y_arr = check_pair(X, y)
    fraction = real_number("fraction", fraction, 0.0, 1.0, low_inclusive=False)
    n = len(X_arr)
    if n < 2:
        raise ValueError(f"train_val_split needs at least 2 rows, got {n}")
    n_val = min(max(int(math.floor(fraction * n + 0.5)), 1), n - 1)
    order = as_rng(rng).permutation(n)
    val, train = order[:n_val], order[n_val:]
    return (X_arr[train], y_arr[train]), (X_arr[val], y_arr[val])
