"""Load the example CMDB from JSON and report what matters to an analyst.

Run from anywhere:  python examples/impact_analysis.py [CI ...]
(the example CMDB ships with fitsm, see ``fitsm.data``)
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from fitsm import data, load_cmdb
from fitsm.cmdb import NodeKind


def main(failing: list[str]) -> None:
    # the history records the load as made now: the application holds the clock
    cmdb = load_cmdb(data.path(data.EXAMPLE_CMDB), at=datetime.now(UTC))
    services = [s.id for s in cmdb.nodes(NodeKind.SERVICE)]
    print(f"{len(cmdb)} nodes, {len(services)} services: {', '.join(services)}")

    report = cmdb.impact(failing)
    print(f"\nIf {', '.join(failing)} fail:")
    for item in report.impacted_services():
        print(f"  {report.explain(item.id)}")

    print("\nSingle points of failure per service:")
    for service in services:
        spofs = cmdb.single_points_of_failure(service)
        more = " ..." if len(spofs) > 6 else ""
        print(f"  {service:5} {len(spofs):2}  {', '.join(spofs[:6])}{more}")

    print("\nCIs with the largest blast radius:")
    for row in cmdb.blast_radius(top=5):
        print(f"  {row.ci:12} {row.services_down} down, {row.services_degraded} degraded")


if __name__ == "__main__":
    main(sys.argv[1:] or ["hv2", "ups-a"])
