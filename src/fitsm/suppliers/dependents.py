"""Which services depend on a supplier: from the portfolio and through the CMDB (PR1.4, PR8.1).

FitSM-2 has SUPPM give SPM "information on suppliers as a basis for identifying
suppliers involved in the delivery of a given service"; this is the other way
round: given a supplier, the services that rely on it. A service relies on a
supplier when the portfolio names the supplier for the service itself, for a
service component the service depends on in the CMDB, or when the service depends
on a CI that runs one of the supplier's vendor products.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

import attrs

from fitsm._validators import check_id
from fitsm.tables import Column, Columns, Rows

if TYPE_CHECKING:
    from fitsm.cmdb.database import Cmdb
    from fitsm.portfolio.services import ServicePortfolio
    from fitsm.suppliers.products import VendorProduct

__all__ = ["SupplierDependency", "services_depending_on"]

_HOW = ("service", "component", "product")
_STATUS = ("down", "degraded", "up")


def _joined(row: SupplierDependency) -> str:
    return " -> ".join(row.path)


@attrs.frozen
class SupplierDependency:
    """One way a service depends on a supplier.

    ``how`` is ``service`` (the portfolio names the supplier for the service),
    ``component`` (for a component the service depends on) or ``product`` (the
    service depends on a CI running the supplier's product); ``via`` is that
    component, CI or the service itself, ``role`` the supplier's part in it
    (its role in the portfolio, or the product's name), ``path`` the CMDB's
    dependency path from the service to ``via``. ``if_supplier_fails`` is what the
    CMDB's impact analysis says of the service when all the supplier's components
    and product CIs fail together; empty without a CMDB, or when the CMDB holds none
    of them.
    """

    columns: ClassVar[Columns] = Columns(
        Column("service", "string"),
        Column("how", "category", categories=_HOW),
        Column("via", "string"),
        Column("role", "string"),
        Column("path", "string", _joined),
        Column("if_supplier_fails", "category", categories=_STATUS, nullable=True),
    )
    """The table of a supplier's dependent services: one row per service and way."""

    service: str
    how: str
    via: str
    role: str
    path: tuple[str, ...]
    if_supplier_fails: str | None


def services_depending_on(
    supplier_id: str,
    portfolio: ServicePortfolio,
    cmdb: Cmdb | None = None,
    *,
    products: Iterable[VendorProduct] = (),
) -> Rows[SupplierDependency]:
    """The services that depend on ``supplier_id``, one row per service and way, by service.

    From the portfolio: the services naming the supplier, and (with ``cmdb``) every
    service that depends, directly or not, on a component naming it. From
    ``products`` of the supplier: every service that depends on a CI running one.
    Components and CIs the CMDB does not hold lead to no service.
    """
    check_id(supplier_id, "supplier_id", field="supplier_id")
    rows: list[SupplierDependency] = []
    starts: list[tuple[str, str, str]] = []  # (how, node, role)
    for service in portfolio.services:
        for involvement in service.suppliers:
            if involvement.supplier == supplier_id:
                rows.append(
                    SupplierDependency(
                        service.id, "service", service.id, involvement.role, (service.id,), None
                    )
                )
    for component in portfolio.components:
        for involvement in component.suppliers:
            if involvement.supplier == supplier_id:
                starts.append(("component", component.id, involvement.role))
    for product in products:
        if product.supplier == supplier_id:
            starts.extend(("product", ci, product.name) for ci in product.cis)
    if cmdb is not None:
        records = cmdb.records
        present = [s for s in starts if s[1] in records]
        for how, node, role in present:
            for above, path in _services_above(cmdb, node).items():
                rows.append(SupplierDependency(above, how, node, role, path, None))
        failed = sorted({node for _, node, _ in present})
        report = cmdb.impact(failed) if failed else None

        def status(service: str) -> str | None:
            if report is None or service not in records:
                return None  # nothing of the supplier's in the CMDB, or not the service
            return report.status(service).value

        rows = [attrs.evolve(r, if_supplier_fails=status(r.service)) for r in rows]
    order = {h: i for i, h in enumerate(_HOW)}
    rows.sort(key=lambda r: (r.service, order[r.how], r.via))
    return Rows(rows, columns=SupplierDependency.columns)


def _services_above(cmdb: Cmdb, node: str) -> dict[str, tuple[str, ...]]:
    """Each service that depends on ``node``, directly or not, with a shortest path from the
    service down to ``node`` (a breadth-first walk up the dependents)."""
    records = cmdb.records
    parent: dict[str, str | None] = {node: None}
    queue = deque([node])
    found: dict[str, tuple[str, ...]] = {}
    while queue:
        at = queue.popleft()
        if records[at].kind.value == "service":
            path = [at]
            step = parent[at]
            while step is not None:
                path.append(step)
                step = parent[step]
            found[at] = tuple(path)
        for above in sorted(cmdb.dependents(at)):
            if above not in parent:
                parent[above] = at
                queue.append(above)
    return found
