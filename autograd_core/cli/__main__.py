"""``python -m autograd_core.cli``: the ``autograd-core`` command."""

import sys

from .app import main

sys.exit(main())
