"""From CI outages to an SLA report per service.

Loads the example CMDB, reads CI outages (as monitoring records them) from a CSV
file, derives the service outages through the CMDB, and evaluates each
service's SLA for March 2024.

Run from anywhere:  python examples/sla_report_from_ci_outages.py
(the example data ships with fitsm, see ``fitsm.data``)
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    Outage,
    ServiceTarget,
    data,
    derive_outages,
    evaluate,
    load_cmdb,
    measure_availability,
)
from fitsm.availability import AvailabilityPolicy
from fitsm.service_levels import Agreements


def read_ci_outages(path: Path) -> list[Outage]:
    with path.open(newline="") as f:
        return [
            Outage(
                row["ci"],
                datetime.fromisoformat(row["start"]),
                datetime.fromisoformat(row["end"]),
                row["state"],
                row["planned"] == "yes",
            )
            for row in csv.DictReader(f)
        ]


def main() -> None:
    cmdb = load_cmdb(data.path(data.EXAMPLE_CMDB), at=datetime.now(UTC))
    staff_hours = BusinessCalendar.from_rules(
        {"mon-fri": "07:00-19:00"}, zone="Europe/Berlin", holidays=[date(2024, 3, 29)]
    )
    always = BusinessCalendar.always("Europe/Berlin")
    agreements = Agreements()
    agreements.add(
        Agreement(
            "sla-shop",
            "SLA",
            "consumers",
            ["shop"],
            [ServiceTarget("availability", Q_(99.9, "percent"))],
            calendar=always,
        )
    )
    agreements.add(
        Agreement(
            "sla-staff",
            "SLA",
            "staff",
            ["mail", "hr", "vpn"],
            [ServiceTarget("availability", Q_(99.5, "percent"))],
            calendar=staff_hours,
        )
    )

    ci_outages = read_ci_outages(data.path("ci-outages-2024-03.csv"))
    services = derive_outages(cmdb, ci_outages)
    print(f"{len(ci_outages)} CI outages became {len(services)} service outage intervals:")
    for o in sorted(services, key=lambda o: (o.subject, o.start)):
        minutes = (o.end - o.start) / timedelta(minutes=1)
        kind = "planned " if o.planned else ""
        print(f"  {o.subject:5} {o.start:%Y-%m-%d %H:%M}Z {minutes:5.0f} min {kind}{o.state.value}")

    tz = always.tz
    march = datetime(2024, 3, 1, tzinfo=tz), datetime(2024, 4, 1, tzinfo=tz)
    print("\nMarch 2024:")
    result = evaluate(agreements, *march, outages=services)
    for r in result.results:
        report = r.report
        assert report is not None
        status = "met" if r.met else "VIOLATED"
        down = report.downtime / timedelta(minutes=1)
        print(
            f"  {r.subject:5} {r.agreement:10} target {r.target.value:~P}: "
            f"{report.rounded(3)} % ({down:.0f} min down in {report.agreed_time}) {status}"
        )
    for event in result.events:
        print(f"  -> tell {event.party}: {event.subject} missed {event.target_value:~P}")

    # the same, 24x7 and counting maintenance, for the operations team
    counting = AvailabilityPolicy(maintenance="count")
    shop = measure_availability(services, "shop", always, *march, counting)
    print(f"\nshop 24x7 incl. maintenance: {shop.rounded(3)} %, MTRS {shop.mtrs}")


if __name__ == "__main__":
    main()
