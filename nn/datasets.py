"""Small datasets for training and teaching: XOR, parity, moons, spirals, digits, names.

Every function returns `(X, y)` NumPy arrays with one sample per row of
`X`. Inputs are float64. The logical datasets (`xor`, `parity`) give
float64 targets of shape `(n, 1)`, ready for a sigmoid output and a binary
loss; the classification datasets (`moons`, `spirals`, `digits`) give
int64 class labels of shape `(n,)`, ready for `cross_entropy`. `names`
returns a list of strings, for character-level models.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TextIO

import numpy as np

from autograd_core.checks import positive_int, real_number

from .data import RngLike, as_rng

__all__ = ["xor", "parity", "moons", "spirals", "digits", "names", "MAX_PARITY_BITS"]

MAX_PARITY_BITS = 20
"""The largest `n_bits` of `parity` (2**20 rows)."""


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four rows of the XOR truth table.

    Returns:
        `X`, float64 of shape `(4, 2)` (`[[0, 0], [0, 1], [1, 0], [1, 1]]`),
        and `y`, float64 of shape `(4, 1)` (`[[0], [1], [1], [0]]`).

    Examples:
        >>> import nn
        >>> X, y = nn.datasets.xor()
        >>> y.ravel()
        array([0., 1., 1., 0.])
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return X, y


def parity(n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """All `2**n_bits` bit strings and their parity.

    Row `i` of `X` is `i` written in binary, most significant bit first, so
    the rows are in counting order; `y` is 1 where the row has an odd number
    of ones, else 0. `parity(2)` equals `xor()`.

    Args:
        n_bits: the length of the bit strings, an int from 1 to 20.

    Returns:
        `X`, float64 of shape `(2**n_bits, n_bits)`, and `y`, float64 of
        shape `(2**n_bits, 1)`.

    Raises:
        ValueError: `n_bits` is not an int from 1 to 20.

    Examples:
        >>> import nn
        >>> X, y = nn.datasets.parity(3)
        >>> X.shape, y.ravel().tolist()
        ((8, 3), [0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    """
    bits = positive_int("n_bits", n_bits, maximum=MAX_PARITY_BITS)
    rows = np.arange(2 ** bits, dtype=np.int64)
    shifts = np.arange(bits - 1, -1, -1, dtype=np.int64)
    X = ((rows[:, None] >> shifts) & 1).astype(np.float64)
    y = (X.sum(axis=1, keepdims=True) % 2).astype(np.float64)
    return X, y


def _shuffled(
    X: np.ndarray, y: np.ndarray, gen: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Apply one random permutation to the rows of `X` and `y`."""
    order = gen.permutation(len(X))
    return X[order], y[order]


def moons(n: int, noise: float = 0.1, rng: RngLike = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, like `sklearn.datasets.make_moons`.

    `n // 2` points lie on the upper half circle of radius 1 centred at
    `(0, 0)` (class 0) and `n - n // 2` on the lower half circle centred at
    `(1, 0.5)` (class 1), evenly spaced along each arc, plus Gaussian noise
    on both coordinates. The rows are shuffled.

    Args:
        n: the number of samples in all, at least 2.
        noise: the standard deviation of the noise (>= 0).
        rng: an int seed, a `numpy.random.Generator` or None; the same seed
            gives the same data.

    Returns:
        `X`, float64 of shape `(n, 2)`, and `y`, int64 of shape `(n,)`.

    Raises:
        ValueError: `n` below 2 or not an int, or a negative `noise`.
    """
    total = positive_int("n", n)
    if total < 2:
        raise ValueError(f"moons needs n >= 2 (one sample per class at least), got {total}")
    std = real_number("noise", noise)
    gen = as_rng(rng)
    n_out = total // 2
    n_in = total - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
        np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    if std > 0:
        X = X + gen.normal(0.0, std, size=X.shape)
    return _shuffled(X, y, gen)


def spirals(
    n: int, classes: int = 3, rng: RngLike = None, *, noise: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the CS231n spiral dataset).

    The samples are split as evenly as possible between the arms (the first
    `n % classes` classes get one more). The points of arm `k` have radii
    evenly spaced in `[0, 1]` and angles `2*pi*k/classes + 4*radius`, plus
    Gaussian noise on the angle (so every point stays within the unit disc).
    The rows are shuffled.

    Args:
        n: the number of samples in all, at least `classes`.
        classes: the number of arms, at least 2.
        rng: an int seed, a `numpy.random.Generator` or None; the same seed
            gives the same data.
        noise: the standard deviation of the noise on the angle (>= 0).

    Returns:
        `X`, float64 of shape `(n, 2)`, and `y`, int64 of shape `(n,)`.

    Raises:
        ValueError: `classes` below 2, `n` below `classes`, either not an
            int, or a negative `noise`.
    """
    total = positive_int("n", n)
    k = positive_int("classes", classes)
    if k < 2:
        raise ValueError(f"spirals needs classes >= 2, got {k}")
    if total < k:
        raise ValueError(f"spirals needs n >= classes (one sample per class at least), got n={total}, classes={k}")
    std = real_number("noise", noise)
    gen = as_rng(rng)
    counts = [total // k + (1 if j < total % k else 0) for j in range(k)]
    radius = np.concatenate([np.linspace(0.0, 1.0, m) for m in counts])
    y = np.repeat(np.arange(k, dtype=np.int64), counts)
    angle = 2.0 * np.pi * y / k + 4.0 * radius
    if std > 0:
        angle = angle + gen.normal(0.0, std, size=total)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return _shuffled(X, y, gen)


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 8x8 handwritten digits, the same data as scikit-learn's `load_digits`.

    The images of the UCI ML hand-written digits dataset ("Optical Recognition
    of Handwritten Digits", test set), shipped with this package as the file
    that scikit-learn bundles (`nn/_data/digits.csv.gz`; its origin and
    license are in `nn/_data/LICENSE_digits.txt`). Nothing is downloaded and
    scikit-learn is not needed.

    Returns:
        `X` float64 of shape `(1797, 64)`, each row one image flattened row
        by row, with the pixel counts (integers 0..16 in the data) divided by
        16 so that they lie in `[0, 1]`; and `y` int64 of shape
        `(1797,)`, the digit 0..9. `X * 16` and `y` equal what
        `sklearn.datasets.load_digits(return_X_y=True)` returns.
    """
    with _open_data("digits.csv.gz") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.float64)
    return table[:, :-1] / 16.0, table[:, -1].astype(np.int64)


def names() -> list[str]:
    """30,000 lower-case first names, for makemore-style character models.

    The US Social Security Administration's public-domain baby-name counts
    (1880-2017, every name given to at least 5 babies of one sex in a year):
    the 30,000 names with the largest counts summed over the years and both
    sexes, most frequent first. Shipped with the package
    (`nn/_data/names.txt.gz`; its source, the selection and the notice are
    in `nn/_data/LICENSE_names.txt`); nothing is downloaded.

    Returns:
        A new list of 30,000 distinct strings of the letters a-z (2 to 14
        letters), starting `["james", "john", "robert", ...]`.

    Examples:
        >>> import nn
        >>> words = nn.datasets.names()
        >>> len(words), words[:3]
        (30000, ['james', 'john', 'robert'])
    """
    with _open_data("names.txt.gz") as text:
        return text.read().split()


@contextmanager
def _open_data(filename: str) -> Iterator[TextIO]:
    """Open a gzip text file shipped in `nn/_data` for reading (ASCII)."""
    source = resources.files(__package__).joinpath("_data").joinpath(filename)
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as text:
        yield text
