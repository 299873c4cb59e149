"""The argument parser of the ``fitsm`` command: standard library only, for a fast start."""

from __future__ import annotations

import argparse
from importlib.metadata import PackageNotFoundError, version

__all__ = ["AUDIT_FORMATS", "EXPORTS", "FORMATS", "parser"]

FORMATS = ("table", "json", "csv")
AUDIT_FORMATS = ("table", "json", "markdown")
EXPORTS = ("graphml", "dot", "mermaid", "json", "csv")

_CMDB_HELP = (
    "a .json CMDB file, a directory of CSV files (see the CMDB file formats), "
    "or 'example' for the example CMDB that ships with fitsm (./example for a file)"
)


def _version() -> str:
    try:
        return version("fitsm")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _common(command: argparse.ArgumentParser, *, ids: str | None) -> None:
    command.add_argument("--cmdb", required=True, metavar="SOURCE", help=_CMDB_HELP)
    if ids is not None:
        command.add_argument("ids", nargs="*", metavar="ID", help=ids)
        command.add_argument(
            "--ids-from",
            metavar="FILE",
            help="read more ids from FILE, one per line ('-' for standard input)",
        )
        command.add_argument(
            "--where",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="select nodes by attribute (also kind=, type=, name=); repeat to narrow",
        )
    command.add_argument("--format", choices=FORMATS, default="table", help="output format")


def parser() -> argparse.ArgumentParser:
    """The parser for every ``fitsm`` command."""
    top = argparse.ArgumentParser(
        prog="fitsm", description="IT service management according to FitSM."
    )
    top.add_argument("--version", action="version", version=f"fitsm {_version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="build an example provider and analyse its CMDB")
    demo.add_argument(
        "--store",
        default="sqlite:///fitsm-demo.db",
        help="store URL (default: %(default)s, a file here)",
    )
    demo.add_argument(
        "--fail", nargs="+", default=["san1"], metavar="CI", help="CIs to fail (default: san1)"
    )
    demo.add_argument(
        "--service",
        default="shop",
        help="service whose single points of failure to list (default: %(default)s)",
    )

    impact = commands.add_parser(
        "impact", help="what fails when some CIs fail: one row per impacted node"
    )
    _common(impact, ids="ids of the failing nodes")
    impact.add_argument(
        "--all-nodes",
        action="store_true",
        help="list every impacted node, not only services (the default)",
    )

    spof = commands.add_parser("spof", help="single points of failure of a service")
    _common(spof, ids=None)
    spof.add_argument("service", metavar="SERVICE", help="the service id")
    spof.add_argument(
        "--components",
        action="store_true",
        help="count service components and services too, not only CIs",
    )

    blast = commands.add_parser(
        "blast-radius", help="rank CIs by the services their failure alone takes down"
    )
    _common(blast, ids="the CIs to rank (default: every CI)")
    blast.add_argument("--top", type=int, metavar="N", help="keep the first N")

    avail = commands.add_parser(
        "availability", help="availability of services or CIs from an outages file (PR4.4)"
    )
    avail.add_argument(
        "--outages",
        required=True,
        metavar="FILE",
        help="a CSV of outages: subject,start,end[,state,planned,id]; 'example' for the "
        "example month shipped with fitsm",
    )
    avail.add_argument(
        "subjects",
        nargs="*",
        metavar="SUBJECT",
        help="what to measure (default: every subject in the file)",
    )
    period = avail.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help="a calendar month in --zone")
    period.add_argument(
        "--between",
        nargs=2,
        metavar=("START", "END"),
        help="two ISO 8601 times; without an offset they are in --zone",
    )
    avail.add_argument(
        "--zone",
        default="UTC",
        help="the time zone of the period, the service hours and times without an offset "
        "(default: %(default)s)",
    )
    avail.add_argument(
        "--hours",
        action="append",
        default=[],
        metavar="DAYS=HOURS",
        help="service hours, e.g. 'mon-fri=08:00-18:00' (repeat; default: around the clock)",
    )
    avail.add_argument(
        "--target", type=str, metavar="PERCENT", help="the availability target, e.g. 99.9"
    )
    avail.add_argument("--format", choices=FORMATS, default="table", help="output format")

    export = commands.add_parser(
        "export", help="write the CMDB graph as GraphML, DOT or Mermaid, or the CMDB as JSON or CSV"
    )
    export.add_argument("--cmdb", required=True, metavar="SOURCE", help=_CMDB_HELP)
    export.add_argument("--to", required=True, choices=EXPORTS, help="the format to write")
    export.add_argument(
        "--fail",
        nargs="+",
        default=[],
        metavar="ID",
        help="colour the graph by the impact of these nodes failing (graph formats)",
    )
    export.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")

    imports = commands.add_parser("import", help="read an inventory from another tool into a CMDB")
    sources = imports.add_subparsers(dest="source", required=True, metavar="SOURCE")
    netbox = sources.add_parser(
        "netbox", help="NetBox's REST API JSON (a directory) or a dumpdata fixture (a file)"
    )
    netbox.add_argument("path", metavar="PATH", help="the directory or JSON file to read")
    target = netbox.add_mutually_exclusive_group(required=True)
    target.add_argument("--store", metavar="URL", help="add the CMDB to this store")
    target.add_argument("--out", metavar="FILE", help="write the CMDB as a JSON file")
    netbox.add_argument(
        "--id", default="default", help="the CMDB's id in the store (default: %(default)s)"
    )
    netbox.add_argument(
        "--format", choices=FORMATS, default="table", help="format of the skipped records"
    )

    audit = commands.add_parser(
        "audit", help="audit a store against the 82 FitSM-1 requirements, with a roadmap"
    )
    audit.add_argument("store", metavar="STORE_URL", help="the store to audit (read only)")
    audit.add_argument(
        "--at",
        metavar="ISO",
        help="the instant to audit at, ISO 8601 with an offset (default: now)",
    )
    audit.add_argument("--format", choices=AUDIT_FORMATS, default="table", help="output format")

    deps = commands.add_parser("dependencies", help="everything a node relies on")
    _common(deps, ids=None)
    deps.add_argument("node", metavar="NODE", help="the node id")
    return top
