"""Dropout: the module and its function."""

from __future__ import annotations

from typing import Any

from autograd_core import Value
from autograd_core.checks import real_number

from .data import RngLike, as_rng
from .inputs import as_value
from .module import Module

__all__ = ["Dropout", "dropout"]


class Dropout(Module):
    """Inverted dropout: in training, each element is zeroed with probability `p`.

    The survivors are scaled by `1 / (1 - p)`, so the expected output equals
    the input; with `p == 1` every element is zeroed (gradient 0), as in
    PyTorch. In evaluation mode (`module.eval()`) it is the identity.

    Args:
        p: the probability of zeroing an element, in [0, 1].
        rng: an int seed or a `numpy.random.Generator` for the masks; None
            for fresh entropy.

    Raises:
        ValueError: `p` is outside [0, 1], or a negative seed.
        TypeError: an `rng` of another kind.
    """

    def __init__(self, p: float = 0.5, rng: RngLike = None) -> None:
        self.p = real_number("Dropout probability p", p, 0.0, 1.0, high_inclusive=True)
        """The probability of zeroing an element."""
        self.rng = as_rng(rng)
        """The generator the masks are drawn from."""

    def forward(self, x: Any) -> Value:
        """Apply dropout: the identity in evaluation mode or when `p == 0`.

        Args:
            x: a Value, or real numbers made a constant Value.

        Returns:
            A new Value of the shape of `x` (`x` itself, as a Value, in
            evaluation mode).

        Raises:
            TypeError: `x` is not real numbers.
        """
        return dropout(as_value(x, "Dropout"), self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def dropout(input: Any, p: float = 0.5, training: bool = True, rng: RngLike = None) -> Value:
    """Inverted dropout, as `nn.functional.dropout`: each element zeroed with
    probability `p`, the others scaled by `1 / (1 - p)`.

    Args:
        input: a Value, or real numbers made a constant Value.
        p: the probability of zeroing an element, in [0, 1].
        training: False (or `p == 0`) makes it the identity.
        rng: an int seed or a `numpy.random.Generator` for the mask.

    Returns:
        A new Value of the input's shape (the input itself, as a Value, when
        it is the identity).

    Raises:
        ValueError: `p` is outside [0, 1].
        TypeError: `input` is not real numbers.
    """
    p = real_number("dropout probability p", p, 0.0, 1.0, high_inclusive=True)
    x = as_value(input, "dropout")
    if not training or p == 0.0:
        return x
    keep = as_rng(rng).random(x.shape) >= p  # all False for p == 1
    scale = 1.0 / (1.0 - p) if p < 1.0 else 0.0
    return x * (keep * scale).astype(x.dtype)
