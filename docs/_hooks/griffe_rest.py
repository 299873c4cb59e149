"""A griffe extension that reads fitsm's docstrings as the API reference shows them.

fitsm's docstrings are written for ``help()`` and doctest: reST roles
(:class:`Cmdb`), ``::`` literal blocks and bare ``>>>`` sessions. mkdocstrings
renders Markdown, where a role shows its colons, a doctest session runs into one
paragraph and its ``[...]`` output reads as a broken link (a warning, so the
strict build fails). This extension rewrites each docstring once, before it is
parsed, instead of every docstring being rewritten for the site:

- ``:role:`~a.b.C``` becomes ```C``` and ``:role:`a.b.C``` becomes ```a.b.C```
- a ``>>>`` session becomes a fenced ``pycon`` block
- a paragraph ending in ``::`` ends in ``:`` and its indented block becomes a
  fenced ``python`` block

mkdocs.yml names this file under the python handler's ``extensions``.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

__all__ = ["RestToMarkdown", "to_markdown"]

_ROLE = re.compile(r":(?:py:)?[a-z]+:`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def to_markdown(text: str) -> str:
    """The Markdown a docstring written for help() and doctest means (see the tests)."""
    lines = _ROLE.sub(_role, text).splitlines()
    out: list[str] = []
    fenced = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        if fenced:
            out.append(line)
            i += 1
            continue
        if stripped.startswith(">>>"):
            pad = " " * _indent(line)
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out.extend([f"{pad}```pycon", *block, f"{pad}```"])
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            # reST: "text::" shows "text:", a bare "::" shows nothing
            body = line.rstrip()[:-2].rstrip()
            if body.strip():
                out.append(body + ":")
            i += 1
            while i < len(lines) and not lines[i].strip():
                out.append("")
                i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > _indent(line)):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            pad = " " * _indent(line)
            code = textwrap.indent(textwrap.dedent("\n".join(block)), pad).splitlines()
            out.extend([f"{pad}```python", *code, f"{pad}```"])
            if i < len(lines):
                out.append("")
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class RestToMarkdown(griffe.Extension):
    """Rewrite every docstring of the loaded packages with :func:`to_markdown`."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
