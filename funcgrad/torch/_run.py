"""Run a script file as ``__main__`` with its own ``sys.argv``."""

from __future__ import annotations

import os
import runpy
import sys

__all__ = ["run_script"]


def run_script(path: str, args: list[str]) -> int:
    """Run ``path`` as ``__main__`` with ``sys.argv == [path, *args]`` and its
    folder first on ``sys.path``; returns its exit status (``SystemExit``'s code,
    else 0). A missing file: one line on stderr, status 2.

    >>> run_script("/no/such/script.py", [])
    2
    """
    if not os.path.isfile(path):
        print(f"funcgrad: error: no such script: {path}", file=sys.stderr)
        return 2
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [path, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        code = e.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    return 0
