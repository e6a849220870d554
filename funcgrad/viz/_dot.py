"""DOT text and its rendering: the pieces both graph pictures share.

:class:`DotGraph` holds a graph's DOT source; ``render`` writes it as ``.dot`` or
runs Graphviz's ``dot`` program (Debian/Ubuntu package ``graphviz``) for SVG, PNG
or PDF. :class:`Writer` collects nodes, edges and clusters in the common look.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["INSTALL_HINT", "DotGraph", "GraphvizNotFoundError"]

INSTALL_HINT = "install Graphviz (Debian/Ubuntu: apt-get install graphviz)"
_RENDER_FORMATS = ("svg", "png", "pdf")
_SOURCE_SUFFIXES = (".dot", ".gv")
# PNG resolution: twice Graphviz's 96 dpi, so text stays sharp on today's screens.
PNG_DPI = 192

# The look: torchviz's colours and compact monospace boxes.
NODE_ATTRS = (
    'node [shape=box style="filled,rounded" fontname=monospace fontsize=10 '
    'height=0.2 margin="0.08,0.04" align=left]'
)
BACKWARD_COLOUR = "lightgrey"
LEAF_COLOUR = "lightblue"
OUTPUT_COLOUR = "darkolivegreen1"
SAVED_COLOUR = "orange"


class GraphvizNotFoundError(RuntimeError):
    """Raised when rendering needs the ``dot`` program and it is not on ``PATH``.

    >>> str(GraphvizNotFoundError("svg"))
    "rendering svg needs the Graphviz 'dot' program, which is not on PATH: install \
Graphviz (Debian/Ubuntu: apt-get install graphviz)"
    """

    def __init__(self, fmt: str) -> None:
        super().__init__(
            f"rendering {fmt} needs the Graphviz 'dot' program, which is not on "
            f"PATH: {INSTALL_HINT}"
        )


class DotGraph:
    """A Graphviz graph: its DOT ``source``, ``render(path)`` and notebook display.

    >>> g = DotGraph('digraph {\\n  a -> b\\n}\\n')
    >>> print(g.source)
    digraph {
      a -> b
    }
    <BLANKLINE>
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = g.render(pathlib.Path(d) / "g.dot")
    ...     print(out.name, out.read_text() == g.source)
    g.dot True
    """

    def __init__(self, source: str, *, node_count: int = 0) -> None:
        self.source = source
        self.node_count = node_count

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<DotGraph with {self.node_count} nodes>"

    def pipe(self, format: str = "svg", *, dpi: float | None = None) -> bytes:  # noqa: A002
        """Run ``dot -T<format>`` on the source and return what it prints;
        ``dpi`` sets the resolution of raster formats (``-Gdpi``).

        Raises :class:`GraphvizNotFoundError` when ``dot`` is not installed.

        >>> import shutil
        >>> svg = DotGraph("digraph { a }").pipe("svg") if shutil.which("dot") else b""
        >>> svg == b"" or b"<svg" in svg
        True
        """
        exe = shutil.which("dot")
        if exe is None:
            raise GraphvizNotFoundError(format)
        proc = subprocess.run(
            [exe, f"-T{format}"] + ([f"-Gdpi={dpi:g}"] if dpi else []),
            input=self.source.encode(),
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            err = " ".join(proc.stderr.decode(errors="replace").split())
            raise RuntimeError(f"dot -T{format} failed: {err}")
        return proc.stdout

    def render(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,  # noqa: A002
        *,
        dpi: float = PNG_DPI,
    ) -> Path:
        """Write the graph to ``path``; the format comes from its extension.

        ``.dot``/``.gv`` write the DOT source (no Graphviz needed); ``.svg``,
        ``.png`` and ``.pdf`` run ``dot``. ``dpi`` is the resolution of a PNG
        (default 192, twice Graphviz's own); SVG and PDF are vector pictures.
        Returns the path written.

        >>> DotGraph("digraph {}").render("g.txt")
        Traceback (most recent call last):
        ...
        ValueError: cannot tell the format of 'g.txt': use .dot, .gv, .svg, .png or .pdf
        """
        path = Path(path)
        fmt = format or path.suffix.lower().lstrip(".")
        if "." + fmt in _SOURCE_SUFFIXES:
            path.write_text(self.source)
            return path
        if fmt not in _RENDER_FORMATS:
            raise ValueError(
                f"cannot tell the format of {str(path)!r}: use .dot, .gv, .svg, .png "
                "or .pdf"
            )
        data = self.pipe(fmt, dpi=dpi if fmt == "png" else None)
        path.write_bytes(data)
        return path

    def _repr_svg_(self) -> str | None:
        """The SVG for Jupyter; ``None`` (plain repr) when ``dot`` is missing."""
        if shutil.which("dot") is None:
            return None
        return self.pipe("svg").decode()


def quote(text: str) -> str:
    """A DOT string literal; ``\\n`` in ``text`` becomes a centred line break."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n") + '"'


def shape_text(shape: Iterable[int]) -> str:
    """torchviz's size string: ``(5, 3)``, ``(3)``, ``()``."""
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


class Writer:
    """Collects nodes, edges and clusters, then prints one ``digraph``."""

    def __init__(self) -> None:
        self.ids: dict[int, str] = {}
        self.keep: list[Any] = []  # keep objects alive so their ids stay unique
        self.lines: list[str] = []
        self.edges: list[str] = []  # written last, at top level: an edge inside a
        self.nodes = 0  # cluster would pull its endpoints into that cluster

    def id_of(self, obj: Any) -> str:
        key = id(obj)
        if key not in self.ids:
            self.ids[key] = f"n{len(self.ids)}"
            self.keep.append(obj)
        return self.ids[key]

    def fresh(self) -> str:
        return self.id_of(object())

    def node(self, nid: str, label: str, indent: str = "  ", **attrs: str) -> None:
        extra = "".join(f" {k}={quote(v)}" for k, v in attrs.items())
        self.lines.append(f"{indent}{nid} [label={quote(label)}{extra}]")
        self.nodes += 1

    def edge(self, a: str, b: str, **attrs: str) -> None:
        extra = " ".join(f"{k}={quote(v)}" for k, v in attrs.items())
        self.edges.append(f"  {a} -> {b}" + (f" [{extra}]" if extra else ""))

    def finish(self, label: str | None = None) -> DotGraph:
        head = [
            "digraph {",
            '  graph [size="12,12" ranksep=0.25 nodesep=0.2 fontname=monospace '
            "fontsize=11"
            + (f" label={quote(label)} labelloc=t" if label else "")
            + "]",
            "  " + NODE_ATTRS,
            "  edge [arrowsize=0.7]",
        ]
        text = "\n".join(head + self.lines + self.edges + ["}"]) + "\n"
        return DotGraph(text, node_count=self.nodes)
