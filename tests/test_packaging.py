"""fitsm as a package index serves it: the wheel, its metadata and data, and a plain install.

The wheel is built from this checkout by the project's build backend (``pip
wheel``). With hatchling installed, as the ``test`` extra installs it, the build
needs no network; without it pip fetches hatchling from the configured index.
The wheel is then installed with ``--no-deps`` into a fresh virtual environment
in the test's temporary directory, and only the core dependencies the wheel
declares (and theirs) are linked in from the running environment, so nothing
else is importable there: no pandas, matplotlib, rich, PyYAML, icalendar or
NetBox client. That works offline, here and in CI.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from fitsm import data

ROOT = Path(__file__).parent.parent

# Optional dependencies (extras) and tools a plain install must do without.
OPTIONAL = (
    "pandas",
    "matplotlib",
    "rich",
    "tqdm",
    "yaml",
    "icalendar",
    "fpdf",
    "pynetbox",
    "psycopg",
    "holidays",
    "pytest",
    "hypothesis",
    "mkdocs",
    "jupytext",
)


class TestShippedData:
    def test_every_name_is_shipped_and_nothing_else(self) -> None:
        shipped = {p.name for p in Path(data.__file__).parent.iterdir()}
        assert shipped - {"__init__.py", "__pycache__"} == set(data.NAMES)
        assert all(data.path(name).exists() for name in data.NAMES)

    def test_an_unknown_name_is_refused_with_the_names_there_are(self) -> None:
        with pytest.raises(LookupError, match=r"no example data named 'nope'; fitsm ships ci-"):
            data.path("nope")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    offline = importlib.util.find_spec("hatchling") is not None
    isolation = ["--no-build-isolation"] if offline else []
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "-q",
            "-w",
            str(out),
            *isolation,
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("fitsm-*.whl")
    return built


def wheel_metadata(wheel: Path) -> tuple[list[str], dict[str, list[str]]]:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(z.read(meta).decode())
    fields = {key: message.get_all(key) or [] for key in set(message.keys())}
    return names, fields


class TestWheel:
    def test_it_carries_the_example_data(self, wheel: Path) -> None:
        names, _ = wheel_metadata(wheel)
        for name in ("example-cmdb.json", "cmdb-csv/nodes.csv", "outages-2024-03.csv"):
            assert f"fitsm/data/{name}" in names
        assert "fitsm/py.typed" in names

    def test_it_names_the_project_urls_and_its_licence(self, wheel: Path) -> None:
        _, fields = wheel_metadata(wheel)
        urls = dict(u.split(", ", 1) for u in fields["Project-URL"])
        assert urls == {
            "Homepage": "https://github.com/fitsm-py/fitsm",
            "Documentation": "https://fitsm-py.github.io/fitsm/",
            "Repository": "https://github.com/fitsm-py/fitsm",
            "Issues": "https://github.com/fitsm-py/fitsm/issues",
            "Changelog": "https://fitsm-py.github.io/fitsm/changelog/",
        }
        assert fields["License-Expression"] == ["Apache-2.0"]
        assert fields["Keywords"] and len(fields["Classifier"]) >= 5

    def test_its_readme_has_no_relative_links(self, wheel: Path) -> None:
        """A package index shows the README without the repository around it."""
        with zipfile.ZipFile(wheel) as z:
            (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
            description = Parser().parsestr(z.read(meta).decode()).get_payload()
        assert isinstance(description, str) and "# fitsm" in description
        links = description.split("](")[1:]
        targets = [link.split(")", 1)[0] for link in links if not link.startswith("#")]
        assert targets and all(t.startswith("https://") for t in targets), targets


def core_distributions(wheel: Path) -> list[metadata.Distribution]:
    """The installed distributions the wheel's core needs, transitively, extras left out."""
    _, fields = wheel_metadata(wheel)
    todo = [Requirement(r) for r in fields["Requires-Dist"]]
    found: dict[str, metadata.Distribution] = {}
    while todo:
        req = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": ""}):
            continue
        name = req.name.lower().replace("_", "-")
        if name in found:
            continue
        found[name] = dist = metadata.distribution(req.name)
        todo.extend(Requirement(r) for r in dist.requires or ())
    return list(found.values())


def link_into(site: Path, dist: metadata.Distribution) -> None:
    """Make ``dist`` importable in ``site`` by linking its top-level files and folders."""
    origin = Path(str(dist.locate_file("")))
    tops = {f.parts[0] for f in dist.files or () if f.parts and f.parts[0] != ".."}
    for top in tops:
        if (origin / top).exists() and not (site / top).exists():
            (site / top).symlink_to(origin / top)


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and the core dependencies only; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    for dist in core_distributions(wheel):
        link_into(site, dist)
    return bin_dir


def run_installed(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # without PYTHONPATH, so the checkout's src is out of reach: only the wheel answers
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


IMPORT_EVERYTHING = textwrap.dedent(
    """
    import importlib, importlib.util, json, pkgutil, sys
    import fitsm
    skipped = ("fitsm.__main__", "fitsm.testing")
    names = sorted(
        m.name for m in pkgutil.walk_packages(fitsm.__path__, "fitsm.")
        if not m.name.startswith(skipped)
    )
    for name in names:
        importlib.import_module(name)
    for name in fitsm.__all__:
        getattr(fitsm, name)
    optional = {optional!r}
    print(json.dumps({{
        "fitsm": fitsm.__file__,
        "modules": len(names),
        "loaded": [m for m in optional if m in sys.modules],
        "importable": [m for m in optional if importlib.util.find_spec(m)],
    }}))
    """
).format(optional=OPTIONAL)


class TestPlainInstall:
    """Extras stay optional: the core installs, imports and runs without any of them."""

    def test_every_module_imports_without_the_extras(self, installed: Path, tmp_path) -> None:
        done = run_installed(installed, "python", "-c", IMPORT_EVERYTHING, cwd=tmp_path)
        report = json.loads(done.stdout)
        assert Path(report["fitsm"]).is_relative_to(installed.parent)  # the wheel, not src
        assert report["importable"] == []  # the venv really lacks them
        assert report["loaded"] == []
        assert report["modules"] > 50

    def test_impact_on_the_example_cmdb_runs_from_the_command(
        self, installed: Path, tmp_path
    ) -> None:
        done = run_installed(installed, "fitsm", "impact", "--cmdb", "example", "hv2", cwd=tmp_path)
        assert "1 failed. Services: 1 down, 3 degraded." in done.stdout
        assert "shop is down: shop -> shop-frontend -> web-pool" in done.stdout

    def test_the_demo_runs_on_sqlite(self, installed: Path, tmp_path) -> None:
        done = run_installed(installed, "fitsm", "demo", cwd=tmp_path)
        assert "Single points of failure of Web shop (shop): 18" in done.stdout
        assert (tmp_path / "fitsm-demo.db").exists()
