"""funcgrad.viz._dot: DotGraph's rendering, with and without Graphviz."""

from __future__ import annotations

import struct

import pytest

import funcgrad.torch as ftorch
from funcgrad.viz import DotGraph, GraphvizNotFoundError, make_dot
from funcgrad.viz._dot import PNG_DPI

from .graph_text import needs_dot, seed


def test_render_dot_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    _, _, loss = seed(ftorch)
    g = make_dot(loss)
    assert g.render(tmp_path / "g.dot").read_text() == g.source
    assert g._repr_svg_() is None
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        g.render(tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
    with pytest.raises(ValueError, match="cannot tell the format"):
        g.render(tmp_path / "g.jpeg2000")


@needs_dot
@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_render_with_graphviz(tmp_path, suffix):
    w, b, loss = seed(ftorch)
    out = make_dot(loss, params={"w": w, "b": b}).render(tmp_path / f"g{suffix}")
    data = out.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
    else:
        text = data.decode()
        assert "<svg" in text and "SqueezeBackward4" in text
        assert text == make_dot(loss, params={"w": w, "b": b})._repr_svg_()


@needs_dot
def test_dot_errors_are_reported():
    with pytest.raises(RuntimeError, match="dot -Tsvg failed"):
        DotGraph("digraph { a -> }").pipe("svg")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its first chunk, IHDR)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_dot
def test_png_at_a_readable_resolution(tmp_path):
    # Graphviz draws 96 dots per inch unless told; a PNG is drawn at PNG_DPI, 192.
    _, _, loss = seed(ftorch)
    g = make_dot(loss)
    plain = png_size(g.pipe("png"))
    default = png_size(g.render(tmp_path / "g.png").read_bytes())
    asked = png_size(g.render(tmp_path / "h.png", dpi=96).read_bytes())
    assert asked == plain
    for side, side_96 in zip(default, plain, strict=True):
        assert abs(side - side_96 * PNG_DPI / 96) <= 2, (default, plain)
    assert PNG_DPI == 192
    svg = g.render(tmp_path / "g.svg").read_text()  # vector: no dpi
    assert svg == g.pipe("svg").decode()
