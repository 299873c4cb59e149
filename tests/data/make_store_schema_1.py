"""How ``store-schema-1.db`` was made: a store in schema 1, as fitsm 0.1.0.dev0 wrote it.

It uses that release's import paths (``fitsm.model``, ``fitsm.operations``), so it
runs only against that code (commit b2118eb), never with today's::

    git worktree add ../fitsm-0.1 b2118eb
    cd ../fitsm-0.1 && PYTHONPATH=src python make_store_schema_1.py store-schema-1.db

The tests open the file it wrote, with today's code, to check that older stores upgrade.
"""

import sys
from datetime import UTC, datetime, timedelta

from fitsm.model.agreements import Agreements
from fitsm.model.cases.incidents import Incident
from fitsm.model.roles import Person, Role, RoleModel
from fitsm.operations import CaseDesk

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    ConfigurationItem,
    Outage,
    Outages,
    ServiceTarget,
    open_store,
)
from fitsm.demo import example_provider

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
store = open_store(f"sqlite:///{sys.argv[1]}")
portfolio, cmdb = example_provider()
roles = RoleModel()
for pid in ("ann", "bob"):
    roles.add_person(Person(pid, pid.title()))
roles.assign("ann", Role.PROCESS_STAFF, "ISRM")
roles.assign("bob", Role.INCIDENT_OWNER, "INC-2")  # a role held for one case
roles.assign("ann", Role.MAJOR_INCIDENT_COORDINATOR, "INC-1")
agreements = Agreements()
agreements.add(
    Agreement(
        "sla-shop",
        "SLA",
        "retail",
        ["shop"],
        [
            ServiceTarget("availability", Q_(99.5, "percent")),
            ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1"),
        ],
        calendar=BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}),
    )
)
book = Outages()
book.record(
    Outage("db1", T0, T0 + timedelta(hours=1)),
    Outage("web1", T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2), "degraded", True),
    Outage("san1", T0 + timedelta(days=2), T0 + timedelta(days=2, minutes=30)),
)
with store.unit_of_work() as uow:
    uow.portfolios.add(portfolio)
    uow.cmdbs.add(cmdb)
    uow.roles.add(roles)
    uow.agreements.add(agreements)
    uow.outages.add(book)
    uow.commit()
with store.unit_of_work() as uow:
    uow.cmdbs.get("example").add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
    uow.commit()
desk = CaseDesk(store, cmdb="example")
desk.register_incident(
    Incident("INC-1", "Shop is slow", T0, "ann", service="shop", category="performance"),
    actor="ann",
    impact="high",
    urgency="high",
)
desk.fire("INC-1", "assign", actor="ann", at=T0 + timedelta(minutes=5), group="web")
desk.register_incident(Incident("INC-2", "Mail bounces", T0, "bob"), actor="ann")
store.close()
print("written", sys.argv[1])
