"""The models of ``autograd-core train --model``: an `nn.MLP`, or a small CNN for the digits.

`build` returns the model with two texts for the report: what it is, and the
expression that rebuilds it for `nn.load`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MODELS", "CNN_CHANNELS", "build", "cnn", "image_shape"]

MODELS = {
    "mlp": "an nn.MLP with relu hidden layers (--hidden)",
    "cnn": "two 3x3 Conv2d + ReLU + MaxPool2d(2) blocks, then a Linear head (digits only)",
}
"""The models of ``--model``, by name, with what each is."""

CNN_CHANNELS = (16, 32)
"""The channels of the CNN's two convolutions."""


def image_shape(n_features: int) -> tuple[int, int, int]:
    """The `(C, H, W)` of square one-channel images of `n_features` pixels (64: 8x8)."""
    side = int(round(n_features ** 0.5))
    return 1, side, side


def cnn(side: int, n_out: int, channels: tuple[int, int] = CNN_CHANNELS,
        rng: Any = None) -> Any:
    """Conv2d(1, c1, 3, padding=1), ReLU, MaxPool2d(2), Conv2d(c1, c2, 3, padding=1),
    ReLU, MaxPool2d(2), Flatten, Linear(c2 * (side // 4)**2, n_out)."""
    from autograd_core import nn

    c1, c2 = channels
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1, rng=rng), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1, rng=rng), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * (side // 4) ** 2, n_out, rng=rng))


def build(kind: str, n_features: int, hidden: list[int], n_out: int,
          rng: np.random.Generator) -> tuple[Any, str, str]:
    """`(model, description, rebuild)` for `--model kind`; `rebuild` is the
    expression that makes the same architecture for `nn.load`."""
    from autograd_core import nn

    if kind == "cnn":
        _, side, _ = image_shape(n_features)
        c1, c2 = CNN_CHANNELS
        model = cnn(side, n_out, rng=rng)
        text = (f"a CNN on 1x{side}x{side} images: Conv2d(1, {c1}, 3, padding=1), ReLU, "
                f"MaxPool2d(2), Conv2d({c1}, {c2}, 3, padding=1), ReLU, MaxPool2d(2), "
                f"Flatten, Linear({c2 * (side // 4) ** 2}, {n_out})")
        rebuild = f"autograd_core.cli.models.cnn({side}, {n_out})"
        return model, text, rebuild
    widths = list(hidden) + [n_out]
    model = nn.MLP(n_features, widths, activation="relu", rng=rng)
    kind_text = "relu hidden layers" if hidden else "no hidden layer (a linear model)"
    return model, f"nn.MLP({n_features}, {widths}), {kind_text}", \
        f"nn.MLP({n_features}, {widths})"
