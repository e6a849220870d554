"""``python -m funcgrad`` runs the ``funcgrad`` command."""

import sys

from .cli import main

sys.exit(main())
