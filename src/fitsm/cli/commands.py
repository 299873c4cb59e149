"""The commands of ``fitsm``: each reads its arguments, asks the library, prints rows."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from fitsm.cli._io import Row, UsageError, emit, load, node_ids, require_known
from fitsm.cli._progress import bar

__all__ = ["run"]

Result = tuple[list[Row], list[str], str]
"""The rows, their columns, and a summary line for people (tables only)."""


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the command ``args`` names, writing to ``out``; return the exit code."""
    if args.command == "demo":
        from fitsm.demo import run as demo

        demo(out, store_url=args.store, failures=args.fail, service=args.service)
        return 0
    if args.command == "import":
        return _import_netbox(args, out)
    if args.command == "availability":
        return _availability(args, out)
    if args.command == "audit":
        return _audit(args, out)
    cmdb = load(args.cmdb)
    if args.command == "export":
        return _export(cmdb, args, out)
    command = args.command.replace("-", "_")
    rows, columns, summary = globals()[f"_{command}"](cmdb, args)
    if args.format == "table" and summary:
        out.write(summary + "\n")
    emit(rows, columns, args.format, out)
    return 0


def _impact(cmdb: Any, args: argparse.Namespace) -> Result:
    failed = node_ids(cmdb, args.ids, args.ids_from, args.where)
    if not failed:
        raise _usage("impact needs the ids of the failing nodes (arguments, --ids-from or --where)")
    report = cmdb.impact(failed)
    rows = [
        _named(cmdb, row)
        for row in report.to_records(iso=True)
        if args.all_nodes or row["kind"] == "service"
    ]
    summary = (
        f"{len(report.failed)} failed. Services: {len(report.services_down)} down, "
        f"{len(report.services_degraded)} degraded. Components: "
        f"{report.count('down', 'service_component')} down, "
        f"{report.count('degraded', 'service_component')} degraded. CIs: "
        f"{report.count('down', 'configuration_item')} down."
    )
    columns = ["id", "name", "kind", "status", "failed", "cause", "depth", "explanation"]
    return rows, columns, summary


def _spof(cmdb: Any, args: argparse.Namespace) -> Result:
    require_known(cmdb, [args.service])
    found = cmdb.single_points_of_failure(args.service, components=args.components)
    rows = [
        {
            "id": n,
            "name": cmdb[n].name,
            "kind": str(cmdb[n].kind),
            "type": getattr(cmdb[n], "type", ""),
        }
        for n in found
    ]
    summary = f"Single points of failure of {args.service}: {len(rows)}"
    return rows, ["id", "name", "kind", "type"], summary


def _blast_radius(cmdb: Any, args: argparse.Namespace) -> Result:
    chosen = node_ids(cmdb, args.ids, args.ids_from, args.where) or None
    if args.top is not None and args.top < 1:
        raise _usage(f"--top must be at least 1, got {args.top}")
    with bar("blast radius", "CI") as progress:
        ranked = cmdb.blast_radius(chosen, top=args.top, progress=progress)
    rows = [_named(cmdb, row, "ci") for row in ranked.to_records()]
    return rows, ["ci", "name", "services_down", "services_degraded"], ""


def _dependencies(cmdb: Any, args: argparse.Namespace) -> Result:
    require_known(cmdb, [args.node])
    rows = [_named(cmdb, row) for row in cmdb.dependencies(args.node).to_records()]
    return rows, ["id", "name", "kind", "depth"], f"{args.node} relies on {len(rows)} nodes"


def _named(cmdb: Any, row: Row, key: str = "id") -> Row:
    """``row`` with the node's name after its id, for people reading the table."""
    named = {key: row[key], "name": cmdb[row[key]].name}
    named.update(row)
    return named


def _usage(message: str) -> Exception:
    return UsageError(message)


def _import_netbox(args: argparse.Namespace, out: TextIO) -> int:
    """Read a NetBox inventory; keep the CMDB in a store or a JSON file; list what was skipped."""
    from datetime import UTC, datetime

    import attrs

    from fitsm.interop.netbox import read_netbox

    done = read_netbox(args.path, at=datetime.now(UTC))
    cmdb = done.cmdb
    if args.id != cmdb.id:
        cmdb = cmdb.copy()
        cmdb.id = args.id
    if args.store is not None:
        from fitsm.storage import open_store

        store = open_store(args.store)
        try:
            with store.unit_of_work(actor="netbox") as uow:
                uow.cmdbs.add(cmdb)
                uow.commit()
        finally:
            store.close()
        where = store.url  # redacted: a password never shows
    else:
        from fitsm.interop.files import dump_cmdb_json

        dump_cmdb_json(cmdb, args.out)
        where = args.out
    if args.format == "table":
        out.write(
            f"{len(cmdb)} nodes, {sum(1 for _ in cmdb.relationships())} relationships and "
            f"{len(done.suppliers)} suppliers from NetBox into {where}; skipped:\n"
        )
    rows = [attrs.asdict(s, recurse=False) for s in done.skipped]
    emit(rows, ["model", "pks", "reason"], args.format, out)
    return 0


def _export(cmdb: Any, args: argparse.Namespace, out: TextIO) -> int:
    """The CMDB in another format: a graph (with an impact's states) or fitsm's JSON."""
    if args.to in ("json", "csv") and args.fail:
        raise _usage(f"--fail colours a graph; {args.to} holds the CMDB itself")
    if args.to == "csv":
        if args.out is None:
            raise _usage(
                "--to csv writes schema.json, nodes.csv and relationships.csv: give --out DIR"
            )
        from fitsm.interop import dump_cmdb_csv

        dump_cmdb_csv(cmdb, args.out)
        return 0
    if args.to == "json":
        from fitsm.interop.files import cmdb_json

        text = cmdb_json(cmdb)
    else:
        from fitsm.cmdb import to_dot, to_graphml, to_mermaid

        require_known(cmdb, args.fail)
        impact = cmdb.impact(args.fail) if args.fail else None
        render = {"graphml": to_graphml, "dot": to_dot, "mermaid": to_mermaid}[args.to]
        text = render(cmdb, impact=impact)
    if args.out is None:
        out.write(text if text.endswith("\n") else text + "\n")
        return 0
    from pathlib import Path

    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as e:
        from fitsm.errors import StoreError

        raise StoreError(f"{args.out}: cannot write: {e.strerror}") from None
    return 0


def _availability(args: argparse.Namespace, out: TextIO) -> int:
    """Availability of each subject over a month or a span, against a target (PR4.4)."""
    from datetime import datetime
    from decimal import Decimal, InvalidOperation

    from fitsm import data
    from fitsm.availability import measure_availability
    from fitsm.interop import read_outages
    from fitsm.service_levels import ErrorBudget
    from fitsm.time import BusinessCalendar, format_duration, month
    from fitsm.time.periods import localize

    source = data.path("outages-2024-03.csv") if args.outages == "example" else args.outages
    outages = read_outages(source, zone=args.zone)
    if args.month is not None:
        year, sep, number = args.month.partition("-")
        if not (sep and year.isdigit() and number.isdigit()):
            raise _usage(f"--month takes YYYY-MM, got {args.month!r}")
        start, end = month(int(year), int(number), zone=args.zone)
    else:
        try:
            given = [datetime.fromisoformat(t) for t in args.between]
            start, end = (t if t.tzinfo else localize(t, args.zone) for t in given)
        except ValueError:
            raise _usage(f"--between takes two ISO 8601 times, got {args.between}") from None
    rules: dict[str, str] = {}
    for rule in args.hours:
        days, sep, hours = rule.partition("=")
        if not sep:
            raise _usage(f"--hours takes DAYS=HOURS such as mon-fri=08:00-18:00, got {rule!r}")
        rules[days] = hours
    calendar = (
        BusinessCalendar.from_rules(rules, zone=args.zone) if rules else BusinessCalendar.always()
    )
    target = None
    if args.target is not None:
        try:
            target = Decimal(args.target) / 100
        except InvalidOperation:
            raise _usage(f"--target takes a percentage such as 99.9, got {args.target!r}") from None
    known = sorted({o.subject for o in outages})
    subjects = list(args.subjects) or known
    rows: list[Row] = []
    for subject in subjects:
        report = measure_availability(outages, subject, calendar, start, end)
        (row,) = report.to_records(iso=True)
        if target is not None and report.agreed_time:
            # the budget of the agreed time, as an SLA evaluation counts it (PR2.3)
            budget = ErrorBudget(target, report.agreed_time)
            ratio = report.availability
            row["target_pct"] = float(budget.target * 100)
            row["met"] = None if ratio is None else ratio >= budget.target
            row["budget_left"] = format_duration(
                budget.remaining(report.downtime), calendar=calendar
            )
        rows.append(row)
    columns = ["subject", "availability_pct", "agreed_time_s", "downtime_s", "outages", "mtrs_s"]
    if target is not None:
        columns += ["target_pct", "met", "budget_left"]
    if args.format == "table":
        out.write(f"{len(outages)} outages from {start.isoformat()} to {end.isoformat()}\n")
    emit(rows, columns, args.format, out)
    return 0


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    """The FitSM-1 conformance audit of a store (read only), with the first roadmap steps."""
    import json
    from datetime import UTC, datetime

    from fitsm.conformance import assess, audit, roadmap
    from fitsm.storage import open_store

    if args.at is None:
        at = datetime.now(UTC)  # the command is the application: it reads the clock
    else:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            raise _usage(f"--at takes an ISO 8601 time, got {args.at!r}") from None
        if at.tzinfo is None:
            raise _usage(
                f"--at needs an offset or Z (a time without one is ambiguous): {args.at!r}"
            )
    store = open_store(args.store)
    try:
        with bar("audit", "step") as progress:
            report = audit(store, at=at, progress=progress)
    finally:
        store.close()
    if args.format == "json":
        json.dump(report.to_json(), out, indent=2)
        out.write("\n")
        return 0
    if args.format == "markdown":
        out.write(report.to_markdown())
        steps = roadmap(assess(report))
        done = "Nothing left: every process and general requirement is defined or managed.\n"
        out.write("\n## Roadmap\n\n" + (steps.to_markdown() if steps else done))
        return 0
    out.write(report.summary() + "\n")
    rows = [
        {
            "id": f.requirement,
            "status": f.status.value,
            "evidence": _short("; ".join(f.evidence)),
            "next_step": _short(f.next_step),
        }
        for f in report
    ]
    emit(rows, ["id", "status", "evidence", "next_step"], "table", out)
    return 0


def _short(text: str, width: int = 70) -> str:
    """A cell of the audit table: at most ``width`` characters (JSON and Markdown keep all)."""
    return text if len(text) <= width else text[: width - 1] + "…"
