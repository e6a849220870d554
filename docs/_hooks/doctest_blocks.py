"""MkDocs hook: docstring examples (``>>>`` lines and their output) become code
blocks, so mkdocstrings shows them as code instead of reading ``x[0]`` as a link."""

from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority

_FENCE = re.compile(r"^\s*(```|~~~)")


class _DoctestBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        in_fence = in_example = False
        for line in lines:
            if not in_example and _FENCE.match(line):
                in_fence = not in_fence
            elif not in_fence and not in_example and line.lstrip().startswith(">>>"):
                indent = line[: len(line) - len(line.lstrip())]
                out += ["", f"{indent}```pycon"]
                in_example = True
            elif in_example and not line.strip():
                out += [f"{indent}```", ""]
                in_example = False
            out.append(line)
        if in_example:
            out.append(f"{indent}```")
        return out


class DoctestBlocks(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.register(_DoctestBlocks(md), "doctest_blocks", 40)


@event_priority(100)  # before mkdocstrings copies the Markdown extensions
def on_config(config, **kwargs):
    config.markdown_extensions.append(DoctestBlocks())
    return config
