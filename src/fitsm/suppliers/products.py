"""Vendor products: a supplier's product that services run on, and when its support ends.

The IT service product management whitepaper (003) names *Vendor Product
Management*: "overseeing and influencing the identification and selection of a
vendor product that is part of a service and managing the performance of the
vendor from a service perspective". A :class:`VendorProduct` is such a product
in one version: whose it is, the date its vendor support ends, the services that
use it and the CIs that run it. :func:`products_at_risk` answers "which services
are at risk when this product's support ends": the services the CMDB says go down
or are degraded when the product's CIs fail (:meth:`fitsm.cmdb.Cmdb.impact`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

import attrs

from fitsm._validators import identifier, shown, text, to_id_tuple
from fitsm.errors import ValidationError
from fitsm.tables import Column, Columns, Rows

if TYPE_CHECKING:
    from fitsm.cmdb.database import Cmdb

__all__ = ["ProductAtRisk", "VendorProduct", "products_at_risk"]


def _date_or_none(value: object) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise ValidationError(
        f"a product's support_ends must be a date (or None: no end announced), got {shown(value)}",
        field="support_ends",
    )


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    found = to_id_tuple(value)
    if len(set(found)) != len(found):
        raise ValidationError(f"an id is named twice in {list(found)!r}")
    return found


@attrs.frozen
class VendorProduct:
    """A supplier's product in one version, used by services and run by CIs (003).

    >>> p = VendorProduct("pg16", "PostgreSQL", "pgco", "16.4", date(2028, 11, 9),
    ...                   services=["shop"], cis=["postgres"])
    >>> p.supported_on(date(2028, 11, 8)), p.supported_on(date(2028, 11, 9))
    (True, False)
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    supplier: str = attrs.field(validator=identifier)
    version: str = attrs.field(default="", validator=text)
    support_ends: date | None = attrs.field(default=None, converter=_date_or_none)
    """The first day without vendor support; None while no end is announced."""
    services: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    cis: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    """The CIs running the product (the software CI, or the hosts it is installed on)."""

    def supported_on(self, day: date) -> bool:
        """Whether the vendor still supports the product on ``day``."""
        return self.support_ends is None or day < self.support_ends


def _joined(row: ProductAtRisk) -> str:
    return " -> ".join(row.path)


@attrs.frozen
class ProductAtRisk:
    """A service at risk because a product it relies on loses vendor support.

    ``status`` is what the CMDB says of the service when the product's CIs fail:
    ``down`` or ``degraded``; ``up`` for a service that declares it uses the product
    while its redundancy covers the product's CIs. ``days_left`` counts from the
    day asked about to the support end (0 or less: already unsupported).
    """

    columns: ClassVar[Columns] = Columns(
        Column("service", "string"),
        Column("status", "category", categories=("down", "degraded", "up")),
        Column("product", "string"),
        Column("name", "string"),
        Column("version", "string"),
        Column("supplier", "string"),
        Column("support_ends", "value"),
        Column("days_left", "int"),
        Column("path", "string", _joined),
    )
    """The table of services at risk: one row per product and service."""

    service: str
    status: str
    product: str
    name: str
    version: str
    supplier: str
    support_ends: date
    days_left: int
    path: tuple[str, ...]


def products_at_risk(
    products: Iterable[VendorProduct], cmdb: Cmdb, by: date, *, today: date | None = None
) -> Rows[ProductAtRisk]:
    """The services at risk from products whose support ends on or before ``by``.

    For each such product the CMDB's impact of its CIs failing together
    (:meth:`fitsm.cmdb.Cmdb.impact`) names the services down or degraded, with the
    path that explains it; services the product names as users but that stay up
    are listed as ``up``. ``days_left`` counts from ``today`` (default: ``by``).
    Rows are by support end, then product, then service; a CI the CMDB does not
    know is refused (NotFoundError).
    """
    if not isinstance(by, date) or isinstance(by, datetime):
        raise ValidationError(f"by must be a date, got {shown(by)}", field="by")
    start = by if today is None else today
    rows: list[ProductAtRisk] = []
    ending = [p for p in products if p.support_ends is not None and p.support_ends <= by]
    for product in sorted(ending, key=lambda p: (p.support_ends, p.id)):
        assert product.support_ends is not None
        left = (product.support_ends - start).days
        found: dict[str, tuple[str, tuple[str, ...]]] = {}
        if product.cis:
            report = cmdb.impact(product.cis)
            for item in report.impacted_services():
                found[item.id] = (item.status.value, item.path)
        for service in product.services:
            found.setdefault(service, ("up", ()))
        for service in sorted(found):
            status, path = found[service]
            rows.append(
                ProductAtRisk(
                    service,
                    status,
                    product.id,
                    product.name,
                    product.version,
                    product.supplier,
                    product.support_ends,
                    left,
                    path,
                )
            )
    return Rows(rows, columns=ProductAtRisk.columns)
