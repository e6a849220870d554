"""``python -m funcgrad.torch script.py [args]``: run a PyTorch script unchanged
with ``import torch`` resolved to ``funcgrad.torch``."""

from __future__ import annotations

import sys

from ._install import install
from ._run import run_script

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print("usage: python -m funcgrad.torch script.py [args ...]", file=sys.stderr)
        sys.exit(2 if len(sys.argv) < 2 else 0)
    install()
    sys.exit(run_script(sys.argv[1], sys.argv[2:]))
