"""The fitsm command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fitsm.cli import main

EXAMPLES = Path(__file__).parent.parent / "src" / "fitsm" / "data"


def test_demo_reports_impact_and_single_points_of_failure(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    assert (tmp_path / "fitsm-demo.db").exists()  # the embedded default store
    assert main(["demo"]) == 0  # and again, from the file
    out = capsys.readouterr().out
    assert "Example provider in sqlite:///fitsm-demo.db" in out
    assert "4 services, 8 components, 50 CIs, 7 redundancy groups" in out
    assert "Web shop (shop) is down" in out
    assert "because shop is down: shop -> shop-backend -> db1 -> san1 (failed)" in out
    assert "Single points of failure of Web shop (shop): 18" in out
    assert "  hv2 (hypervisor)" in out  # web2 and web3 share it: the hidden common cause


def test_demo_takes_other_failures(capsys) -> None:
    assert main(["demo", "--store", "memory://", "--fail", "web1", "--service", "mail"]) == 0
    out = capsys.readouterr().out
    assert "Web shop (shop) is degraded" in out
    assert "web-pool [1 of 3 down, needs 2 up]" in out


def test_impact_from_a_csv_directory(capsys) -> None:
    assert main(["impact", "--cmdb", str(EXAMPLES / "cmdb-csv"), "web1", "web2"]) == 0
    out = capsys.readouterr().out
    assert "2 failed. Services: 1 down, 0 degraded." in out
    assert "shop is down: shop -> frontend -> web-pool [2 of 3 down, needs 2 up] -> web" in out


def test_impact_on_the_shipped_example_cmdb(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no repository around: the data comes from the package
    assert main(["impact", "--cmdb", "example", "hv2"]) == 0
    out = capsys.readouterr().out
    assert "Services: 1 down, 3 degraded." in out


def test_a_local_file_named_example_is_named_with_a_path(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "example").mkdir()
    assert main(["impact", "--cmdb", "./example", "hv2"]) == 2
    assert "example/schema.json: no such file" in capsys.readouterr().err


def test_impact_from_json(capsys) -> None:
    assert main(["impact", "--cmdb", str(EXAMPLES / "example-cmdb.json"), "hv2"]) == 0
    out = capsys.readouterr().out
    assert "Services: 1 down, 3 degraded." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["impact", "--cmdb", str(EXAMPLES / "example-cmdb.json"), "nope"], "'nope'"),
        (["impact", "--cmdb", "missing.json", "x"], "missing.json: no such file"),
        (["demo", "--store", "ftp://x"], "no store serves 'ftp://x'"),
    ],
)
def test_errors_are_reported_with_exit_code_2(capsys, args, message) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("fitsm: error:") and message in err


def test_the_module_runs_as_a_command(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fitsm", "demo"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "Single points of failure" in done.stdout
