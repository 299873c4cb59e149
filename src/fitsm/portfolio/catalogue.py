"""The service catalogue (PR2.1): the customer-facing view of the service portfolio.

FitSM-0: a *service catalogue* is the "customer-facing list of all live services
offered along with relevant information about these services"; it "can be regarded
as a filtered version of and customers' view on the service portfolio" (FitSM,
CC BY 4.0). Build one with :meth:`fitsm.ServicePortfolio.catalogue`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import attrs

__all__ = ["CatalogueEntry", "Listed", "ServiceCatalogue"]


class Listed(Protocol):
    """What the catalogue shows of a service (a :class:`~fitsm.portfolio.Service` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def value_proposition(self) -> str: ...
    @property
    def target_customers(self) -> tuple[str, ...]: ...
    @property
    def owner(self) -> str: ...


@attrs.frozen
class CatalogueEntry:
    """What a customer sees of one live service: no suppliers, no internal phases."""

    id: str
    name: str
    description: str
    value_proposition: str
    target_customers: tuple[str, ...]
    owner: str


@attrs.frozen
class ServiceCatalogue:
    """An immutable list of catalogue entries, in portfolio order."""

    entries: tuple[CatalogueEntry, ...]

    @classmethod
    def of(cls, services: Iterable[Listed]) -> ServiceCatalogue:
        """The catalogue of ``services`` (anything with a service's public fields), in order."""
        return cls(
            tuple(
                CatalogueEntry(
                    s.id, s.name, s.description, s.value_proposition, s.target_customers, s.owner
                )
                for s in services
            )
        )

    def __iter__(self) -> Iterator[CatalogueEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, service_id: object) -> bool:
        return any(e.id == service_id for e in self.entries)
