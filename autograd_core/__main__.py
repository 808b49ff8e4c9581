"""``python -m autograd_core``: the ``autograd-core`` command (`autograd_core.cli`)."""

import sys

from .cli import main

sys.exit(main())
