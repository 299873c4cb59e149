"""The documentation and the examples are executed, so they cannot drift from the code.

In a ```python block of a Markdown file, lines that start at column 0 with ``# ``
are the output the block must print, in order; every block of a file runs in one
namespace, top to bottom, from the repository root.
"""

from __future__ import annotations

import contextlib
import io
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"])
EXAMPLES = sorted(ROOT.glob("examples/*.py"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(path: Path) -> list[tuple[int, str]]:
    text = path.read_text()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def expected_output(code: str) -> list[str]:
    return [
        line[2:].rstrip() if line != "#" else ""
        for line in code.splitlines()
        if line.startswith("# ") or line == "#"
    ]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_code_runs_and_prints_what_it_says(path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": f"doc:{path.name}"}
    for line, code in blocks(path):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{path}:{line}", "exec"), namespace)
        printed = [row.rstrip() for row in out.getvalue().splitlines()]
        assert printed == expected_output(code), f"{path.name}, block at line {line}"


def test_docs_have_code() -> None:
    assert sum(len(blocks(p)) for p in DOCS) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_run(path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", [str(path)])
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_lifecycle_diagrams_in_the_docs_are_generated_from_the_charts() -> None:
    from fitsm.cases import CASE_TYPES, mermaid

    text = (ROOT / "docs" / "lifecycles.md").read_text()
    for lifecycle in dict.fromkeys(CASE_TYPES.values()):
        assert f"```mermaid\n{mermaid(lifecycle)}```" in text, lifecycle.chart.__name__


def test_the_fields_each_event_accepts_are_listed_in_the_docs_as_the_code_says() -> None:
    from fitsm.cases import CASE_TYPES

    text = (ROOT / "docs" / "lifecycles.md").read_text()
    for lifecycle in dict.fromkeys(CASE_TYPES.values()):
        for event in lifecycle.events:
            fields = ", ".join(f"`{f}`" for f in sorted(lifecycle.accepts(event))) or "-"
            assert f"| `{event}` | {fields} |" in text, (lifecycle.chart.__name__, event)
