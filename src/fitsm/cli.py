"""The ``fitsm`` command: ``fitsm demo`` and ``fitsm impact --cmdb FILE CI...``.

``--cmdb example`` names the example CMDB shipped with fitsm (:mod:`fitsm.data`),
so ``fitsm impact --cmdb example hv2`` works after a plain install.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from fitsm import data
from fitsm.demo import DEFAULT_FAILURES, DEFAULT_SERVICE, DEFAULT_STORE, run
from fitsm.errors import FitsmError
from fitsm.interop.files import load_cmdb

__all__ = ["main"]

_EXAMPLE = "example"
"""The ``--cmdb`` value that names the shipped example CMDB rather than a file."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fitsm", description="IT service management according to FitSM."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="build an example provider and analyse its CMDB")
    demo.add_argument(
        "--store", default=DEFAULT_STORE, help="store URL (default: %(default)s, a file here)"
    )
    demo.add_argument(
        "--fail",
        nargs="+",
        default=list(DEFAULT_FAILURES),
        metavar="CI",
        help="CIs to fail (default: %(default)s)",
    )
    demo.add_argument(
        "--service",
        default=DEFAULT_SERVICE,
        help="service whose single points of failure to list (default: %(default)s)",
    )

    impact = commands.add_parser("impact", help="which services fail when CIs of a CMDB file fail")
    impact.add_argument(
        "--cmdb",
        required=True,
        metavar="FILE",
        help=(
            "a .json CMDB file, a directory of CSV files "
            "(formats: https://fitsm-py.github.io/fitsm/cmdb-files/), "
            f"or {_EXAMPLE!r} for the example CMDB shipped with fitsm (./{_EXAMPLE} for a file)"
        ),
    )
    impact.add_argument("cis", nargs="+", metavar="CI", help="ids of the failing CIs")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fitsm`` command with ``argv`` (default: the process's); return its exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            run(sys.stdout, store_url=args.store, failures=args.fail, service=args.service)
            return 0
        # the command is the application: it stamps the load with the time it runs
        source = data.path(data.EXAMPLE_CMDB) if args.cmdb == _EXAMPLE else args.cmdb
        cmdb = load_cmdb(source, at=datetime.now(UTC))
        report = cmdb.impact(args.cis)
    except FitsmError as e:
        print(f"fitsm: error: {e}", file=sys.stderr)
        return 2
    impacted = report.impacted_services()
    print(
        f"{len(report.failed)} failed. Services: {len(report.services_down)} down, "
        f"{len(report.services_degraded)} degraded. Components: "
        f"{report.count('down', 'service_component')} down, "
        f"{report.count('degraded', 'service_component')} degraded. CIs: "
        f"{report.count('down', 'configuration_item')} down."
    )
    for item in impacted:
        print(f"  {report.explain(item.id)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
