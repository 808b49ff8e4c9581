"""The ``autograd-core`` command line: ``demo``, ``train`` and ``exercises``.

The one part of `autograd_core` that uses the `nn` and `optim` packages.
`main(argv)` runs the command (the ``autograd-core`` entry point), also as
``python -m autograd_core`` and ``python -m autograd_core.cli``. Modules: `app`
(argument parsing and ``main``), `demo` (the ``demo`` command), `train` (the
``train`` command), `models` (its models: the MLP and the digits CNN), `report`
(the text it prints about the run), `plots` (the pictures it writes) and
`exercises` (the ``exercises`` command).
"""

# The module is `app`, not `main`: the function `main` exported here would hide a
# submodule of that name (`import autograd_core.cli.main` would give the function).
from .app import build_parser, main

__all__ = ["build_parser", "main"]
