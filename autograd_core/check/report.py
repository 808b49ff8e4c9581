"""Rows of a check, the table they print as, and strict mode.

A `Row` is one comparison: a name, whether the two arrays are exactly equal,
whether they are close, the largest difference and, when they are not close,
the diagnosis. `finish(rows, strict)` prints them and returns whether all are
close, or, in strict mode, raises `Mismatch` with the rows that are not.
"""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import Iterator

__all__ = ["Mismatch", "Row", "finish", "strict", "table"]

_STRICT: contextvars.ContextVar[bool] = contextvars.ContextVar("autograd_core_check_strict",
                                                                default=False)


class Mismatch(AssertionError):
    """A check in strict mode found a gradient that is not close; the message is
    the row and its diagnosis. An `AssertionError`, so that a test runner or a
    grader (pytest, nbgrader, otter-grader) counts it as a failed check."""


@contextlib.contextmanager
def strict(on: bool = True) -> Iterator[None]:
    """Within the block, every check that finds a mismatch raises `Mismatch`
    (unless called with `strict=False`).

    Args:
        on: True to raise; False turns strict mode off inside an outer block.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import check
        >>> with check.strict():
        ...     check.compare("dx", np.ones(2), np.zeros(2))
        Traceback (most recent call last):
        ...
        autograd_core.check.report.Mismatch: dx | exact: False | close: False | max diff: 1.0e+00
            the gradient is zero everywhere here; yours is not
    """
    token = _STRICT.set(bool(on))
    try:
        yield
    finally:
        _STRICT.reset(token)


@dataclass
class Row:
    """One comparison: `close` is the verdict, `diagnosis` the likely mistake ('' if none)."""

    name: str
    exact: bool
    close: bool
    max_diff: float | None
    diagnosis: str = ""

    def diff_text(self) -> str:
        """The largest difference, short; '-' where the shapes differ."""
        if self.max_diff is None:
            return "-"
        return "0" if self.max_diff == 0 else f"{self.max_diff:.1e}"

    def line(self) -> str:
        """The row alone, each field labelled, as makemore's `cmp` prints it."""
        text = (f"{self.name} | exact: {self.exact!s:5} | close: {self.close!s:5} | "
                f"max diff: {self.diff_text()}")
        return f"{text}\n    {self.diagnosis}" if self.diagnosis else text


def table(rows: list[Row]) -> str:
    """The rows as a table with a header, the diagnoses in the last column."""
    width = max([len("name")] + [len(r.name) for r in rows])
    lines = [f"{'name':<{width}}  exact  close  max diff"]
    for r in rows:
        text = f"{r.name:<{width}}  {r.exact!s:<5}  {r.close!s:<5}  {r.diff_text():<8}"
        lines.append(f"{text}  {r.diagnosis}" if r.diagnosis else text.rstrip())
    return "\n".join(lines)


def finish(rows: list[Row], strict_mode: bool | None, text: str) -> bool:
    """Print `text` (the rows as shown) and return whether every row is close;
    in strict mode, where one is not, raise `Mismatch` naming those rows instead."""
    ok = all(r.close for r in rows)
    if not ok and (_STRICT.get() if strict_mode is None else strict_mode):
        raise Mismatch("\n".join(r.line() for r in rows if not r.close))
    print(text)
    return ok
