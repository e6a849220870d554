"""Run the benchmark suite from a checkout: ``python benchmarks/run.py [--quick]``.

The same as ``funcgrad bench`` (the suite lives in ``funcgrad/_bench`` so that an
installed package can run it); every option of ``funcgrad bench`` works here.
"""

from __future__ import annotations

import sys

from funcgrad.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
