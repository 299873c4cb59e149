"""The documentation site (mkdocs.yml): every page in the navigation, every area in the API.

CI builds the site with ``mkdocs build --strict``; these checks say, without
mkdocs, what a strict build would refuse or silently leave out, and name the
line to add. The griffe extension that renders the docstrings is tested where
griffe is installed (the ``docs`` extra).
"""

from __future__ import annotations

import importlib.util
import pkgutil
import re
from pathlib import Path

import pytest

import fitsm

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
CONFIG = (ROOT / "mkdocs.yml").read_text()
NAV = re.findall(r"^\s+- (?:[^:\n]+: )?(\S+\.md)$", CONFIG.split("\nnav:\n", 1)[1], re.MULTILINE)


def pages() -> set[str]:
    return {
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.md")
        if not p.relative_to(DOCS).as_posix().startswith("_")
    }


class TestNavigation:
    def test_every_page_is_in_the_navigation(self) -> None:
        missing = sorted(pages() - set(NAV))
        assert missing == [], f"add to the nav of mkdocs.yml, in its section: - {missing[0]}"

    def test_every_navigation_entry_is_a_page(self) -> None:
        assert sorted(set(NAV) - pages()) == []
        assert len(NAV) == len(set(NAV))

    def test_every_concept_page_quotes_fitsm_with_attribution(self) -> None:
        for page in sorted((DOCS / "concepts").glob("*.md")):
            text = page.read_text()
            assert "CC BY 4.0" in text and "ITEMO" in text, page.name
            if page.name != "index.md":
                assert "\n> — FitSM-1" in text or "\n> — FitSM-3" in text, page.name


def documented_modules() -> set[str]:
    found: set[str] = set()
    for page in (DOCS / "api").glob("*.md"):
        found |= set(re.findall(r"^::: (fitsm[\w.]*)$", page.read_text(), re.MULTILINE))
    return found


class TestApiReference:
    def test_every_public_top_level_module_has_a_page(self) -> None:
        public = {
            f"fitsm.{m.name}"
            for m in pkgutil.iter_modules(fitsm.__path__)
            if not m.name.startswith("_")
        }
        missing = sorted(public - documented_modules())
        assert missing == [], (
            f"{missing[0]} has no API page: add docs/api/<name>.md with '::: {missing[0]}' "
            "and its line under 'API reference' in mkdocs.yml"
        )

    def test_every_documented_module_exists(self) -> None:
        for name in sorted(documented_modules()):
            assert importlib.util.find_spec(name) is not None, name


@pytest.fixture(scope="module")
def to_markdown():
    pytest.importorskip("griffe", reason="griffe comes with the docs extra, which CI installs")
    spec = importlib.util.spec_from_file_location("griffe_rest", DOCS / "_hooks" / "griffe_rest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.to_markdown


class TestDocstringsAsMarkdown:
    def test_roles_become_code(self, to_markdown) -> None:
        text = "See :class:`~fitsm.cmdb.Cmdb`, :func:`fitsm.impact` and :py:meth:`Cmdb.add`."
        assert to_markdown(text) == "See `Cmdb`, `fitsm.impact` and `Cmdb.add`."

    def test_a_doctest_session_is_fenced(self, to_markdown) -> None:
        text = "Example:\n\n>>> [1, 2]\n[1, 2]\n\nAfter."
        assert to_markdown(text) == "Example:\n\n```pycon\n>>> [1, 2]\n[1, 2]\n```\n\nAfter."

    def test_an_indented_doctest_keeps_its_indentation(self, to_markdown) -> None:
        text = "Returns:\n    A list:\n\n    >>> f()\n    []"
        assert (
            to_markdown(text)
            == "Returns:\n    A list:\n\n    ```pycon\n    >>> f()\n    []\n    ```"
        )

    def test_a_literal_block_is_fenced_and_its_colons_halved(self, to_markdown) -> None:
        text = (
            "Catch either::\n\n    try:\n        x()\n    except ValueError:\n        ...\n\nNext."
        )
        assert to_markdown(text) == (
            "Catch either:\n\n```python\ntry:\n    x()\nexcept ValueError:\n    ...\n```\n\nNext."
        )

    def test_fenced_blocks_are_left_alone(self, to_markdown) -> None:
        text = "```python\n>>> 1\nx::\n```"
        assert to_markdown(text) == text

    def test_every_docstring_of_fitsm_converts(self, to_markdown) -> None:
        for module in pkgutil.walk_packages(fitsm.__path__, "fitsm."):
            if module.name.endswith("__main__"):
                continue
            doc = importlib.import_module(module.name).__doc__ or ""
            assert ":class:`" not in to_markdown(doc), module.name
