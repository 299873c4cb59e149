"""The notebooks under docs/notebooks run, as scripts and (with the docs extra) as notebooks.

They are jupytext scripts in the percent format: a script run is the quick
check every test run makes; with jupytext, nbclient and ipykernel installed
(the ``docs`` extra, as CI installs it for the docs step) each one also runs
cell by cell in a Jupyter kernel and must print the same.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))


def run_as_script(path: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(path), run_name="__main__")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # from any directory, with no display: what an analyst's machine or CI gives
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")


def test_there_is_a_notebook() -> None:
    assert [p.name for p in NOTEBOOKS] == ["cmdb_analyst.py"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_it_runs_as_a_script(path: Path) -> None:
    assert run_as_script(path).strip()


def test_the_analyst_journey_answers_its_questions() -> None:
    printed = run_as_script(ROOT / "docs" / "notebooks" / "cmdb_analyst.py").splitlines()
    assert printed[0] == "<Cmdb 'example': 69 nodes, 104 relationships>"
    assert "11 CIs in dc1 fail; 51 nodes go down with them" in printed
    assert "  shop is down: shop -> shop-backend -> db1 -> san1 (failed)" in printed
    assert "san1         down: ['hr', 'mail', 'shop'], degraded: -" in printed
    assert "True" in printed  # hv2, the hidden common cause, is a single point of failure
    assert "shop  exact 99.4411 %" in printed
    assert "shop  99.573 % (3:10:00 down)" in printed


NOTEBOOK_TOOLS = ("jupytext", "nbclient", "ipykernel")


@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in NOTEBOOK_TOOLS),
    reason="needs jupytext, nbclient and ipykernel (the docs extra)",
)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_it_runs_as_a_notebook_and_prints_what_the_script_prints(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jupytext
    import nbclient

    import fitsm

    # the kernel is another process in another directory: it must import this fitsm
    here = str(Path(fitsm.__file__).resolve().parent.parent)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    )
    notebook = jupytext.read(path)
    nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()  # raises CellExecutionError, naming the cell, if one fails
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout"
    )
    assert printed == run_as_script(path)
