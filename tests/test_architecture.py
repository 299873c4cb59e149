"""The layering of docs/architecture.md, enforced."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import fitsm

ROOT = Path(__file__).parent.parent


def test_import_contracts_are_kept() -> None:
    """Layers point down only, and the domain imports nothing that does I/O."""
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    done = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_the_public_api_is_complete() -> None:
    assert len(set(fitsm.__all__)) == len(fitsm.__all__)
    for name in fitsm.__all__:
        assert hasattr(fitsm, name), name


def test_importing_fitsm_loads_no_optional_driver() -> None:
    optional = ("sqlite3", "sqlalchemy", "psycopg", "pandas", "rustworkx")
    code = f"import sys, fitsm; print(sorted(m for m in {optional} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
