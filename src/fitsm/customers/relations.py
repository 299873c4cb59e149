"""What links to a customer elsewhere: its agreements, its services, its complaints.

Agreements name their customer as a free string (``Agreement.party`` of an SLA),
services name the customers they target (``Service.target_customers``) and
complaints the customer they come from (``Complaint.customer``). These
functions read them against the customer register (PR7.1): the agreements and
services each customer has, the SLAs whose party the register does not know
(a typo, a customer never entered), and a customer's complaints (PR7.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from fitsm.cases.base import Case
from fitsm.cases.improvements import Complaint
from fitsm.cases.query import is_open
from fitsm.customers.register import CustomerRegister
from fitsm.portfolio.services import ServicePortfolio
from fitsm.service_levels.agreements import Agreement, AgreementKind, Agreements

__all__ = [
    "CustomerAgreements",
    "PartyFinding",
    "agreements_of",
    "complaints_of",
    "customer_agreements",
    "customer_ids",
    "unknown_customers",
]


@attrs.frozen
class CustomerAgreements:
    """The SLAs a customer has and the services it receives.

    ``services`` are those its SLAs cover and those of the portfolio's live
    services that name it among their target customers, sorted.
    """

    customer: str
    agreements: tuple[Agreement, ...]
    services: tuple[str, ...]

    @property
    def agreement_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.agreements)


def customer_ids(register: CustomerRegister, customer_id: str, *, units: bool = True) -> list[str]:
    """``customer_id`` and, with ``units``, the ids of its active units at any depth."""
    register.customer(customer_id)  # NotFoundError names an unknown customer
    found = [customer_id]
    if units:
        found += [u.id for u in register.units_of(customer_id, nested=True)]
    return found


def _slas(agreements: Agreements, at: datetime | None) -> list[Agreement]:
    if at is not None:
        return agreements.in_force(at, AgreementKind.SLA)
    return [a for a in agreements if a.kind is AgreementKind.SLA]


def agreements_of(
    register: CustomerRegister,
    agreements: Agreements,
    customer_id: str,
    *,
    portfolio: ServicePortfolio | None = None,
    at: datetime | None = None,
    units: bool = True,
) -> CustomerAgreements:
    """The SLAs naming ``customer_id`` as party and the services it has.

    ``at`` takes the SLA versions in force then (else the newest version of each);
    with ``units``, an organisation also has what its units have. The default SLA
    names no customer and is nobody's.
    """
    ids = set(customer_ids(register, customer_id, units=units))
    slas = [a for a in _slas(agreements, at) if not a.default and a.party in ids]
    theirs = tuple(sorted(slas, key=lambda a: a.id))
    services = {s for a in theirs for s in a.covers}
    if portfolio is not None:
        live = portfolio.services_in(*portfolio.lifecycle.live)
        services |= {s.id for s in live if ids.intersection(s.target_customers)}
    return CustomerAgreements(customer_id, theirs, tuple(sorted(services)))


def customer_agreements(
    register: CustomerRegister,
    agreements: Agreements,
    *,
    portfolio: ServicePortfolio | None = None,
    at: datetime | None = None,
    units: bool = True,
) -> list[CustomerAgreements]:
    """Per active customer (by id), the SLAs naming it as party and the services it has
    (:func:`agreements_of`).
    """
    return [
        agreements_of(register, agreements, c.id, portfolio=portfolio, at=at, units=units)
        for c in register.active()
    ]


@attrs.frozen
class PartyFinding:
    """An SLA whose party is not an active customer of the register: ``problem`` is
    ``unknown`` (no such customer) or ``retired``."""

    agreement: str
    party: str
    problem: str
    message: str


def unknown_customers(
    register: CustomerRegister, agreements: Agreements, *, at: datetime | None = None
) -> list[PartyFinding]:
    """The SLAs (in force at ``at``, else the newest versions) whose party is no active
    customer of the register (PR7.1), by agreement id.

    A party that is a customer's name rather than its id is named in the message.
    """
    names = {c.name: c.id for c in register}
    found = []
    for sla in sorted(_slas(agreements, at), key=lambda a: a.id):
        if sla.default:
            continue
        party = sla.party
        if party in register:
            if register.customer(party).retired:
                found.append(
                    PartyFinding(
                        sla.id,
                        party,
                        "retired",
                        f"SLA {sla.id!r} names customer {party!r}, which is retired",
                    )
                )
            continue
        hint = f"; it is the name of customer {names[party]!r}" if party in names else ""
        found.append(
            PartyFinding(
                sla.id,
                party,
                "unknown",
                f"SLA {sla.id!r} names customer {party!r}, which is not in customer register "
                f"{register.id!r}{hint}",
            )
        )
    return found


def complaints_of(
    cases: Iterable[Case],
    customer_id: str,
    *,
    register: CustomerRegister | None = None,
    open: bool | None = None,
) -> list[Complaint]:
    """The complaints (PR7.5) among ``cases`` from a customer, oldest first.

    ``cases`` is what a store's query gave (``uow.cases.find(CaseQuery(kind=
    "complaint"))``): the domain reads no store. With ``register``, the
    complaints of the customer's units count too; ``open`` keeps only open
    (True) or closed (False) complaints.
    """
    ids = {customer_id} if register is None else set(customer_ids(register, customer_id))
    found = [
        c
        for c in cases
        if isinstance(c, Complaint) and c.customer in ids and (open is None or is_open(c) == open)
    ]
    return sorted(found, key=lambda c: (c.registered_at, c.id))
