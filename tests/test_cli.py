"""The fitsm command."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
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
    # the cost roll-up: 4200 orders charged 1000 x 0.60 + 3200 x 0.45 = 2040.00
    line = next(x for x in out.splitlines() if x.startswith("Service 'shop' costs EUR "))
    cost = Decimal(line.split("EUR ")[1].split(" a month")[0].replace(",", ""))
    assert line.endswith("through its tiered charge (4200 orders: EUR 2,040.00).")
    assert f"recovers {round(Decimal(2040) * 100 / cost)} %" in line
    # 60 TB on 8 October 2025 + 0.25 TB a day reaches 96 TB (80 % of 120) after 144 days
    assert (
        "Storage pool 'san1' crosses 80 % of 120 TB on 2026-03-01 at the current trend "
        "(+0.25 TB a day)." in out
    )
    assert out.count("crosses 80 %") == 2  # the second run added no samples: the same answer
    # 3 h of uplink outage in 2208 h misses 99.9 %, the other two targets are met:
    # 1 + floor(2/3 * 4) = 3 on the 5-point scale; the second run evaluates no more
    line = (
        "Supplier evaluation: supplier 'telco' evaluated 2026-01-05 by 'demo': rating 3/5, "
        "UA 'ua-telco' met 2 of 3 targets."
    )
    assert out.count(line) == 2
    # the report for December is produced once; the second run shows the stored one
    produced = (
        "Report 'sla-shop-monthly' for 2025-12 produced: 1 service, 1 breach, 0 major "
        "incidents, 0 incidents; delivered to consumers, carol by email."
    )
    assert out.count(produced) == 2
    # 07:00 to 12:30 on 12 November 2025 against an RTO of 4 h; twice, as the demo ran twice
    missed = "Continuity test of 'mail' on 2025-11-12: recovered in 5 h 30 min, RTO 4 h: missed."
    assert out.splitlines().count(missed) == 2
    # policy v2 approved 2 June 2025; the review of 20 January 2025 set the next for
    # 31 January 2026 (yearly, day 31), after the demo's 5 January; audit-2025's two findings
    sms = "SMS: policy v2 approved by 'alice'; management review due 2026-01-31; "
    assert out.splitlines().count(sms + "2 open nonconformities.") == 2
    assert "Access review of 'payroll-db' overdue since 2025-12-15: 3 rights unconfirmed." in out
    assert (
        "Customer 'consumers' (CRM: 'carol'): service review due 2026-02-01; agreements "
        "sla-shop, services shop." in out
    )
    # the design review is confirmed; no SLA covers chat and no continuity plan is evidenced
    assert (
        "Service 'chat' cannot go live: gate 'Go-live' has 'an SLA draft exists', "
        "'a continuity plan exists' open." in out
    )
    # the audit of the example provider: 81 requirements decided from its data; its SMS
    # register holds the policy, a management review and an audit, no scope or plan
    counts = (
        "82 requirements audited on 2026-01-05: 17 met, 11 partly met, 53 not met, "
        "1 need evidence, 0 not applicable; 81 decided from the data."
    )
    assert out.splitlines().count(counts) == 2
    assert (
        "  GR2.1 partly met: 1 of 3 key SMS documents recorded; the policy's version 2 is "
        "approved; not recorded: the SMS scope statement, the service management plan"
    ) in out
    assert "    next: record the SMS scope statement, the service management plan in the " in out
    assert "Roadmap (19 steps in the FitSM implementation sequence), first three:" in out
    assert (
        "  1. Service portfolio management (PR1), now ad hoc: close PR1.2, PR1.3, PR1.4 "
        "(stage 1, foundation)"
    ) in out


def test_demo_audits_a_memory_store_too(capsys) -> None:
    assert main(["demo", "--store", "memory://"]) == 0
    out = capsys.readouterr().out
    assert "82 requirements audited on 2026-01-05: 17 met, 11 partly met" in out


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
    assert main(["impact", "--cmdb", "./example", "hv2"]) == 3
    assert "example/schema.json: no such file" in capsys.readouterr().err


def test_impact_from_json(capsys) -> None:
    assert main(["impact", "--cmdb", str(EXAMPLES / "example-cmdb.json"), "hv2"]) == 0
    out = capsys.readouterr().out
    assert "Services: 1 down, 3 degraded." in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["impact", "--cmdb", "example", "hv9"],
            1,
            "no node 'hv9' in the CMDB; did you mean 'hv4'",
        ),
        (["impact", "--cmdb", "example", "--where", "type=toaster"], 1, "no node has type=toaster"),
        (["impact", "--cmdb", "example"], 2, "needs the ids of the failing nodes"),
        (["blast-radius", "--cmdb", "example", "--top", "0"], 2, "--top must be at least 1"),
        (["impact", "--cmdb", "missing.json", "x"], 3, "missing.json: no such file"),
        (["impact", "--cmdb", "example", "--where", "type"], 3, "--where takes KEY=VALUE"),
        (["demo", "--store", "ftp://x"], 3, "no store serves 'ftp://x'"),
    ],
)
def test_exit_codes_say_what_went_wrong(capsys, args, code, message) -> None:
    assert main(args) == code
    assert message in capsys.readouterr().err


def fitsm(*args: str, stdin: str | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "fitsm", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        check=False,
    )


def test_the_module_runs_as_a_command(tmp_path) -> None:
    done = fitsm("demo", cwd=tmp_path)
    assert done.returncode == 0
    assert "Single points of failure" in done.stdout


class TestEndToEnd:
    """The command in a subprocess, as a shell user runs it."""

    def test_version(self) -> None:
        done = fitsm("--version")
        assert done.returncode == 0 and done.stdout.startswith("fitsm ")

    def test_a_usage_error_exits_2(self) -> None:
        done = fitsm("impact", "--format", "xml", "--cmdb", "example", "web1")
        assert done.returncode == 2 and "invalid choice: 'xml'" in done.stderr

    def test_impact_as_json_lists_each_impacted_service_with_its_state(self) -> None:
        done = fitsm("impact", "--cmdb", "example", "hv2", "--format", "json")
        assert done.returncode == 0, done.stderr
        rows = json.loads(done.stdout)
        assert {r["id"]: r["status"] for r in rows} == {
            "hr": "degraded", "mail": "degraded", "shop": "down", "vpn": "degraded",
        }  # fmt: skip
        columns = {"id", "name", "kind", "status", "failed", "cause", "depth", "explanation"}
        assert all(set(r) == columns for r in rows)

    def test_every_impacted_node_with_all_nodes(self) -> None:
        rows = json.loads(fitsm("impact", "--cmdb", "example", "hv2", "--all-nodes",
                                "--format", "json").stdout)  # fmt: skip
        assert {"hv2", "shop"} <= {r["id"] for r in rows}
        assert [r["failed"] for r in rows if r["id"] == "hv2"] == [True]

    def test_ids_from_standard_input_and_csv_output(self) -> None:
        done = fitsm("impact", "--cmdb", "example", "--ids-from", "-", "--format", "csv",
                     stdin="hv3\n\nhv4\n")  # fmt: skip
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert [r["id"] for r in rows] == ["hr", "mail", "shop", "vpn"]
        assert {r["status"] for r in rows} == {"down"}

    def test_ids_from_a_file_and_selection_by_attribute(self, tmp_path) -> None:
        (tmp_path / "ids.txt").write_text("web1\n")
        by_file = fitsm("impact", "--cmdb", "example", "--ids-from", str(tmp_path / "ids.txt"),
                        "--format", "json")  # fmt: skip
        assert by_file.returncode == 0, by_file.stderr
        by_where = fitsm("impact", "--cmdb", "example", "--where", "type=hypervisor",
                         "--format", "json")  # fmt: skip
        assert {r["status"] for r in json.loads(by_where.stdout)} == {"down"}

    def test_spof_blast_radius_and_dependencies(self) -> None:
        spof = json.loads(fitsm("spof", "--cmdb", "example", "shop", "--format", "json").stdout)
        assert len(spof) == 18 and {"id": "hv2", "name": "", "kind": "configuration_item",
                                    "type": "hypervisor"} in spof  # fmt: skip
        ranked = json.loads(fitsm("blast-radius", "--cmdb", "example", "--top", "2",
                                  "--format", "json").stdout)  # fmt: skip
        assert len(ranked) == 2 and ranked[0]["services_down"] >= ranked[1]["services_down"]
        deps = fitsm("dependencies", "--cmdb", "example", "shop", "--format", "csv")
        assert deps.returncode == 0 and deps.stdout.startswith("id,name,kind,depth\n")

    def test_an_unknown_id_exits_1_with_a_suggestion(self) -> None:
        done = fitsm("spof", "--cmdb", "example", "shopp")
        assert done.returncode == 1
        assert "did you mean 'shop', 'shop-app'?" in done.stderr

    def test_bad_data_exits_3(self, tmp_path) -> None:
        (tmp_path / "bad.json").write_text("{")
        done = fitsm("impact", "--cmdb", str(tmp_path / "bad.json"), "x")
        assert done.returncode == 3 and "bad.json" in done.stderr


class TestImportNetbox:
    NETBOX = Path(__file__).parent / "data" / "netbox"

    def test_into_a_store_then_ask_it(self, tmp_path) -> None:
        url = f"sqlite:///{tmp_path / 'cmdb.db'}"
        done = fitsm("import", "netbox", str(self.NETBOX / "dump.json"), "--store", url,
                     "--format", "json")  # fmt: skip
        assert done.returncode == 0, done.stderr
        skipped = json.loads(done.stdout)
        assert {"model", "pks", "reason"} == set(skipped[0])
        from fitsm import open_store

        store = open_store(url)
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get()
        store.close()
        assert len(cmdb) == 40

    def test_into_a_file_that_the_other_commands_read(self, tmp_path) -> None:
        out = tmp_path / "netbox.json"
        done = fitsm("import", "netbox", str(self.NETBOX / "rest"), "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("40 nodes, 40 relationships and 2 suppliers from NetBox")
        ranked = fitsm("blast-radius", "--cmdb", str(out), "--top", "3", "--format", "json")
        assert ranked.returncode == 0 and len(json.loads(ranked.stdout)) == 3

    def test_a_missing_source_is_bad_data(self, tmp_path) -> None:
        done = fitsm("import", "netbox", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x"))
        assert done.returncode == 3 and "nowhere" in done.stderr


class TestExport:
    def test_graphml_with_the_states_of_an_impact(self, tmp_path) -> None:
        import networkx as nx

        out = tmp_path / "cmdb.graphml"
        done = fitsm("export", "--cmdb", "example", "--to", "graphml", "--fail", "hv2",
                     "--out", str(out))  # fmt: skip
        assert done.returncode == 0, done.stderr
        graph = nx.read_graphml(out)
        assert graph.nodes["shop"]["status"] == "down" and graph.nodes["hv2"]["failed"]

    def test_dot_and_mermaid_to_standard_output(self) -> None:
        assert fitsm("export", "--cmdb", "example", "--to", "dot").stdout.startswith("digraph")
        assert fitsm("export", "--cmdb", "example", "--to", "mermaid").stdout.startswith(
            "flowchart"
        )

    def test_json_reads_back_as_the_same_cmdb(self, tmp_path) -> None:
        out = tmp_path / "again.json"
        assert (
            fitsm("export", "--cmdb", "example", "--to", "json", "--out", str(out)).returncode == 0
        )
        first = json.loads(fitsm("spof", "--cmdb", "example", "shop", "--format", "json").stdout)
        again = json.loads(fitsm("spof", "--cmdb", str(out), "shop", "--format", "json").stdout)
        assert first == again

    def test_an_impact_of_an_unknown_node_is_not_found(self) -> None:
        done = fitsm("export", "--cmdb", "example", "--to", "dot", "--fail", "hv22")
        assert done.returncode == 1 and "did you mean" in done.stderr


class TestAvailability:
    def test_a_month_of_service_hours_against_a_target(self) -> None:
        done = fitsm("availability", "--outages", "example", "--month", "2024-03",
                     "--zone", "Europe/Berlin", "--hours", "mon-fri=08:00-18:00",
                     "--target", "99.9", "--format", "json")  # fmt: skip
        assert done.returncode == 0, done.stderr
        rows = {r["subject"]: r for r in json.loads(done.stdout)}
        # 21 weekdays of 10 h in March 2024: 756,000 s agreed; shop was down 8,100 s of them
        assert rows["shop"]["agreed_time_s"] == 756_000.0
        assert rows["shop"]["downtime_s"] == 8_100.0
        assert rows["shop"]["availability_pct"] == pytest.approx(100 * (1 - 8_100 / 756_000))
        assert rows["shop"]["met"] is False
        assert rows["shop"]["budget_left"] == "-2 business h 2 min 24 s"  # 756 s - 8,100 s

    def test_a_span_around_the_clock_for_one_subject(self) -> None:
        done = fitsm("availability", "--outages", "example", "shop",
                     "--between", "2024-03-01T00:00+00:00", "2024-03-08T00:00+00:00",
                     "--format", "csv")  # fmt: skip
        assert done.returncode == 0, done.stderr
        (row,) = csv.DictReader(io.StringIO(done.stdout))
        assert row["subject"] == "shop" and float(row["agreed_time_s"]) == 7 * 86_400

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (["--month", "March"], 2, "--month takes YYYY-MM"),
            (["--month", "2024-03", "--target", "lots"], 2, "--target takes a percentage"),
            (["--month", "2024-03", "--hours", "weekdays"], 2, "--hours takes DAYS=HOURS"),
            (["--month", "2024-03", "--zone", "Mars/Olympus"], 3, "Mars/Olympus"),
        ],
    )
    def test_bad_options(self, args, code, message) -> None:
        done = fitsm("availability", "--outages", "example", *args)
        assert done.returncode == code and message in done.stderr


def test_export_csv_writes_a_directory_the_commands_read(tmp_path) -> None:
    out = tmp_path / "cmdb"
    done = fitsm("export", "--cmdb", "example", "--to", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "nodes.csv", "relationships.csv", "schema.json",
    ]  # fmt: skip
    first = json.loads(fitsm("impact", "--cmdb", "example", "hv2", "--format", "json").stdout)
    again = json.loads(fitsm("impact", "--cmdb", str(out), "hv2", "--format", "json").stdout)
    assert first == again
    assert fitsm("export", "--cmdb", "example", "--to", "csv").returncode == 2  # needs --out
