"""`autograd-core exercises NOTEBOOK --blank OUT`: the hand-out of an exercise notebook.

The notebook holds the solutions between nbgrader's markers (`### BEGIN
SOLUTION` ... `### END SOLUTION`); the hand-out has each such block replaced by
`raise NotImplementedError("your code here")` at its indentation, hidden tests
removed and outputs cleared (`autograd_core.check.blank`). Its checks call
`autograd_core.check`, so it runs wherever the package is installed.
"""

from __future__ import annotations

import argparse

from ..check import blank

__all__ = ["run_exercises"]


def run_exercises(args: argparse.Namespace) -> int:
    """Write the hand-out `args.blank` of the notebook `args.notebook`; print what was done."""
    count = blank(args.notebook, args.blank)
    print(f"{args.notebook}: {count} solution{'s' * (count != 1)} blanked, hand-out "
          f"written to {args.blank}")
    return 0
