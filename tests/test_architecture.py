"""The house of docs/architecture.md, enforced: contracts, the public root, docstrings."""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import fitsm

ROOT = Path(__file__).parent.parent
LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")


def lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env
    )


def modules() -> list[ModuleType]:
    names = ["fitsm"] + [
        m.name
        for m in pkgutil.walk_packages(fitsm.__path__, "fitsm.")
        if not m.name.endswith("__main__")
    ]
    return [importlib.import_module(n) for n in names]


def public(module: ModuleType) -> bool:
    return not any(part.startswith("_") for part in module.__name__.split("."))


class TestImportContracts:
    def test_every_contract_is_kept(self) -> None:
        done = lint_imports(ROOT)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Contracts: 4 kept, 0 broken." in done.stdout

    @pytest.mark.parametrize(
        ("module", "line", "contract"),
        [
            ("cmdb/configuration.py", "import fitsm.cases.base", "FitSM areas are independent"),
            ("cmdb/analysis.py", "import json", "The domain does no I/O"),
            ("cases/base.py", "import fitsm.storage.ports", "sit above the domain"),
            ("portfolio/catalogue.py", "import fitsm.portfolio.services", "No import cycles"),
            ("cmdb/analysis.py", "import fitsm.plotting", "sit above the domain"),
            ("cmdb/export.py", "import matplotlib", "The domain does no I/O"),
        ],
    )
    def test_a_deliberate_violation_breaks_its_contract(
        self, tmp_path: Path, module: str, line: str, contract: str
    ) -> None:
        shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.pyc"))
        shutil.copy(ROOT / "pyproject.toml", tmp_path)
        target = tmp_path / "src" / "fitsm" / module
        target.write_text(target.read_text() + f"\n{line}  # deliberate violation\n")
        env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
        done = lint_imports(tmp_path, env)
        assert done.returncode == 1, done.stdout + done.stderr
        assert contract in broken_contracts(done.stdout), done.stdout


def broken_contracts(report: str) -> str:
    """The names of the broken contracts in a lint-imports report (names may wrap)."""
    summary = report.split("Contracts:")[0].split("dependencies.")[-1]
    verdicts = " ".join(summary.split()).replace(" KEPT", " KEPT\n").replace(" BROKEN", " BROKEN\n")
    return "\n".join(line for line in verdicts.splitlines() if line.endswith("BROKEN"))


class TestPublicRoot:
    def test_the_root_is_small_and_complete(self) -> None:
        assert len(set(fitsm.__all__)) == len(fitsm.__all__) <= 45
        for name in fitsm.__all__:
            assert getattr(fitsm, name) is not None, name

    def test_every_root_name_also_lives_in_its_area(self) -> None:
        homes = {
            name: [
                m.__name__
                for m in modules()
                if m.__name__ != "fitsm" and name in getattr(m, "__all__", ())
            ]
            for name in fitsm.__all__
            if name != "__version__"
        }
        assert all(homes.values()), [n for n, h in homes.items() if not h]

    def test_each_public_name_has_one_area_namespace(self) -> None:
        """A name is exported by its defining module and at most one package namespace."""
        namespaces = [m for m in modules() if public(m) and hasattr(m, "__path__")]
        seen: dict[str, str] = {}
        for ns in namespaces:
            if ns.__name__ in ("fitsm", "fitsm.storage.sql"):
                continue
            for name in ns.__all__:
                assert name not in seen, f"{name} in {seen.get(name)} and {ns.__name__}"
                seen[name] = ns.__name__

    def test_no_two_public_classes_have_confusable_names(self) -> None:
        names = {n for m in modules() if public(m) for n in getattr(m, "__all__", ())}
        for confusable in ("Status", "Lifecycle", "ChangeRecord", "ChangeAction"):
            assert confusable not in names

    def test_unknown_root_names_raise_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="no attribute 'Nope'"):
            fitsm.Nope  # noqa: B018


class TestDocstrings:
    def test_every_module_declares_its_public_names(self) -> None:
        assert [m.__name__ for m in modules() if not hasattr(m, "__all__")] == []

    def test_every_public_name_has_a_docstring(self) -> None:
        missing = []
        for module in modules():
            if not public(module):
                continue
            for name in module.__all__:
                if name != "__version__" and not documented(module, name):
                    missing.append(f"{module.__name__}.{name}")
        assert missing == []


def documented(module: ModuleType, name: str) -> bool:
    obj = getattr(module, name)
    own = getattr(obj, "__module__", "") or ""
    if (inspect.isclass(obj) or inspect.isfunction(obj)) and own.startswith("fitsm"):
        doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
        return bool(doc and doc.strip())
    # a constant or a re-exported type: a string literal right after its assignment
    for candidate in modules():
        body = ast.parse(inspect.getsource(candidate)).body
        for node, after in itertools.pairwise(body):
            targets = [t for t in getattr(node, "targets", [getattr(node, "target", None)]) if t]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and (
                isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
            ):
                return True
    return False


class TestImportCost:
    def test_importing_fitsm_loads_no_driver_and_no_engine(self) -> None:
        heavy = ("sqlite3", "psycopg", "pandas", "numpy", "statemachine", "networkx", "pint")
        code = f"import sys, fitsm; print(sorted(m for m in {heavy} if m in sys.modules))"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "[]"

    def test_a_root_name_loads_only_its_area(self) -> None:
        code = "import sys; from fitsm import Cmdb; print('statemachine' in sys.modules)"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "False"
