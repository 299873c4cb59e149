"""The catalogue with prices and dependencies (003: Service Catalog Management).

003 asks the catalogue for "information such as costs and interdependencies
across services": each live service with its price (its charging model) and
the other services it relies on in the CMDB. The portfolio's catalogue
(:meth:`fitsm.ServicePortfolio.catalogue`, PR2.1) knows neither prices nor the
CMDB, so this joins them.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from fitsm.cmdb.analysis import dependencies
from fitsm.cmdb.configuration import NodeKind
from fitsm.cmdb.view import CmdbView
from fitsm.finance.charging import ChargingModel
from fitsm.portfolio.catalogue import CatalogueEntry
from fitsm.portfolio.services import ServicePortfolio

__all__ = ["PricedEntry", "priced_catalogue"]


@attrs.frozen
class PricedEntry:
    """A catalogue entry with its price (None: not priced) and the services it relies on."""

    entry: CatalogueEntry
    price: ChargingModel | None
    depends_on: tuple[str, ...]

    def __str__(self) -> str:
        price = "not priced" if self.price is None else str(self.price)
        relies = f"; relies on {', '.join(self.depends_on)}" if self.depends_on else ""
        return f"{self.entry.name} ({self.entry.id}): {price}{relies}"


def priced_catalogue(
    portfolio: ServicePortfolio,
    prices: Mapping[str, ChargingModel],
    cmdb: CmdbView | None = None,
    *,
    customer: str | None = None,
) -> tuple[PricedEntry, ...]:
    """The live services of the catalogue (for ``customer``), each with its price and the
    services it relies on in ``cmdb`` (nearest first; none without a CMDB)."""
    found = []
    for entry in portfolio.catalogue(customer):
        relies: tuple[str, ...] = ()
        if cmdb is not None and entry.id in cmdb:
            relies = tuple(d.id for d in dependencies(cmdb, entry.id) if d.kind is NodeKind.SERVICE)
        found.append(PricedEntry(entry, prices.get(entry.id), relies))
    return tuple(found)
