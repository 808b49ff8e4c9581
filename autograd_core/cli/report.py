"""The text `autograd-core train` prints about its run: how it ended, and losses
and percentages that fit their columns and never round up to 100%."""

from __future__ import annotations

from typing import Any

__all__ = ["loss_text", "percent", "stop_line"]


def stop_line(history: Any, patience: int | None) -> str:
    """How the run ended, and which epoch's weights the model keeps."""
    best = None if history.best_epoch is None else history.best_epoch + 1
    if history.stop_reason == "patience":
        return (f"stopped after {history.epochs_run} epochs: the validation loss did not "
                f"improve for {patience} epochs; restored the weights of epoch {best}")
    line = f"trained for {history.epochs_run} epochs"
    if patience is None or best is None:
        return line
    if best == history.epochs_run:
        return line + " (the last had the lowest validation loss; its weights are kept)"
    return (line + f"; restored the weights of epoch {best}, which had the lowest "
            "validation loss (the numbers below are for those weights, not the last epoch's)")


def loss_text(x: float) -> str:
    """A loss in at most 10 characters: 4 decimals, or 4 significant digits when
    it is very large (a diverging run) or very small."""
    return f"{x:.4f}" if x == 0 or 1e-3 <= abs(x) < 1e5 else f"{x:.4g}"


def percent(x: float, decimals: int = 0) -> str:
    """``x`` as a percentage, with more decimals where rounding would make a
    fraction below 1 read 100% (0.9958 is 99.6%, not 100%)."""
    text = f"{x:.{decimals}%}"
    while x < 1 and text.startswith("100") and decimals < 6:
        decimals += 1
        text = f"{x:.{decimals}%}"
    return text
