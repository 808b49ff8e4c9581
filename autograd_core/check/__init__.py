"""Exercises that grade themselves: a hand-written gradient against the engine's.

For a learner who writes gradients by hand (makemore's "backprop ninja",
CS231n's layers) and a teacher who hands out exercises; nothing but NumPy and
the engine is needed, so a check runs wherever the package is installed.

- `compare(name, mine, reference)` prints one row (name, exact, close, largest
  difference) and, when the arrays are not close, the most likely mistake;
  `compare_all(mine, references)` does a dict of them as a table.
- `vjp(forward, vjp, *inputs)` checks a VJP, and `layer(forward, backward,
  *inputs)` a CS231n-style layer, against finite differences and against the
  library's own op of that name, with a random upstream gradient.
- Each returns True or False; with `strict=True`, or inside `with strict():`,
  a mismatch raises `Mismatch` (an `AssertionError`), so a grading cell is one line.
- `blank(notebook, out)` writes a hand-out of an exercise notebook: every
  `### BEGIN SOLUTION` ... `### END SOLUTION` block replaced by `raise
  NotImplementedError`; `autograd-core exercises NOTEBOOK --blank OUT` calls it.

Modules: `arrays` (`compare`, `compare_all`), `passes` (`vjp`, `layer`),
`diagnose` (the mistakes recognised), `report` (rows, tables, strict mode) and
`handout` (`blank`).
"""
from .arrays import compare, compare_all
from .handout import blank
from .passes import layer, vjp
from .report import Mismatch, strict

__all__ = ["compare", "compare_all", "vjp", "layer", "strict", "Mismatch", "blank"]
