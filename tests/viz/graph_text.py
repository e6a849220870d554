"""Reading our DOT text back, and the seed's graph on either torch: helpers for
the tests of funcgrad.viz."""

from __future__ import annotations

import re
import shutil

import pytest

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="no Graphviz dot")

_NODE = re.compile(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$')
_EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)")


def parse(source: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Node labels by id (``\\n`` as a newline) and the edges, from our DOT text."""
    nodes, edges = {}, []
    for line in source.splitlines():
        if m := _NODE.match(line):
            nodes[m.group(1)] = m.group(2).replace("\\n", "\n").replace('\\"', '"')
        elif m := _EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
    return nodes, edges


def seed(torch):
    torch.manual_seed(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    return w, b, loss
