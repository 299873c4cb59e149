"""OLAs and UAs linked to the suppliers who are party to them (PR8.2, PR2.4).

FitSM-2 has SLM hand SUPPM "OLAs and UAs together with reports on operational
targets to support supplier performance evaluation". An OLA's or UA's ``party``
names its supplier by the supplier's id; :func:`link_agreements` links each one to
its supplier in the register and reports what does not fit: agreements naming a
supplier the register does not know (with a hint when the party is a supplier's
name rather than its id), agreements with a retired supplier, and active
suppliers without any supporting agreement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs

from fitsm.tables import Column, Columns, Rows

if TYPE_CHECKING:
    from fitsm.service_levels.agreements import Agreements
    from fitsm.suppliers.register import SupplierRegister

__all__ = ["AgreementLink", "SupportingAgreements", "link_agreements"]

_PROBLEMS = ("", "unknown_supplier", "retired_supplier", "no_agreement")


@attrs.frozen
class AgreementLink:
    """One OLA or UA with the supplier party to it, or one supplier with no agreement.

    ``problem`` is empty for a sound link, else ``unknown_supplier`` (the party is no
    supplier's id), ``retired_supplier`` or ``no_agreement`` (then ``agreement`` is
    empty); ``message`` says it in words.
    """

    columns: ClassVar[Columns] = Columns(
        Column("agreement", "string"),
        Column("kind", "string"),
        Column("party", "string"),
        Column("supplier", "string"),
        Column("problem", "category", categories=(*_PROBLEMS[1:], "ok"), source="shown"),
        Column("message", "string"),
    )
    """The table of links: one row per OLA or UA, then one per supplier without one."""

    agreement: str
    kind: str
    party: str
    supplier: str
    """The supplier's id, or empty when the party is unknown."""
    problem: str
    message: str

    @property
    def shown(self) -> str:
        return self.problem or "ok"


@attrs.frozen
class SupportingAgreements:
    """Every OLA and UA linked to its supplier, and what does not link (PR8.2, PR2.4)."""

    links: Rows[AgreementLink]

    @property
    def linked(self) -> dict[str, tuple[str, ...]]:
        """Each supplier id with the OLAs and UAs it is party to, by id."""
        found: dict[str, list[str]] = {}
        for link in self.links:
            if link.supplier and link.agreement:
                found.setdefault(link.supplier, []).append(link.agreement)
        return {s: tuple(sorted(a)) for s, a in sorted(found.items())}

    @property
    def unknown(self) -> Rows[AgreementLink]:
        """The agreements whose party is no supplier in the register."""
        return self._with("unknown_supplier")

    @property
    def retired(self) -> Rows[AgreementLink]:
        """The agreements with a retired supplier."""
        return self._with("retired_supplier")

    @property
    def without_agreement(self) -> Rows[AgreementLink]:
        """The active suppliers no OLA or UA names."""
        return self._with("no_agreement")

    def _with(self, problem: str) -> Rows[AgreementLink]:
        return Rows((x for x in self.links if x.problem == problem), columns=AgreementLink.columns)


def link_agreements(agreements: Agreements, register: SupplierRegister) -> SupportingAgreements:
    """Link every OLA and UA (newest version) to the supplier named as its party.

    >>> from datetime import UTC, datetime
    >>> from fitsm.service_levels import Agreements
    >>> from fitsm.suppliers import Supplier, SupplierRegister
    >>> register = SupplierRegister()
    >>> _ = register.add(Supplier("netco", "NetCo", "external"),
    ...                  at=datetime(2024, 1, 8, tzinfo=UTC), by="pat")
    >>> [x.shown for x in link_agreements(Agreements(), register).links]
    ['no_agreement']
    """
    names = {s.name.casefold(): s.id for s in register}
    rows: list[AgreementLink] = []
    named: set[str] = set()
    for agreement in sorted(agreements, key=lambda a: a.id):
        if agreement.kind.value == "SLA":
            continue
        kind, party = agreement.kind.value, agreement.party
        if party in register:
            named.add(party)
            record = register.supplier(party)
            if record.retired:
                rows.append(
                    AgreementLink(
                        agreement.id,
                        kind,
                        party,
                        party,
                        "retired_supplier",
                        f"{kind} {agreement.id!r} is with supplier {party!r}, which is retired",
                    )
                )
            else:
                rows.append(AgreementLink(agreement.id, kind, party, party, "", ""))
            continue
        hint = names.get(party.casefold())
        message = f"{kind} {agreement.id!r} names party {party!r}, which is no supplier's id"
        if hint is not None:
            message += f"; it is the name of supplier {hint!r}: use the id"
        rows.append(AgreementLink(agreement.id, kind, party, "", "unknown_supplier", message))
    for record in register.active():
        if record.id not in named:
            rows.append(
                AgreementLink(
                    "",
                    "",
                    "",
                    record.id,
                    "no_agreement",
                    f"supplier {record.id!r} ({record.kind.value}) has no OLA or UA",
                )
            )
    return SupportingAgreements(Rows(rows, columns=AgreementLink.columns))
