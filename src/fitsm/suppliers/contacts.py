"""Who to talk to at a supplier, and how: contacts, channels and the escalation path (PR8.2, PR8.3).

FitSM-1 (CC BY 4.0): "PR8.2 For each supplier, there shall be a designated contact
responsible for managing the relationship with them" and "PR8.3 Channels used to
communicate with each supplier, including escalation mechanisms, shall be
established". FitSM-2 asks to "document the most important information including
contact details both on the supplier side as well as on the service provider side".
The provider's side is the FitSM-3 *supplier relationship manager*, held in the role
model with the supplier's id as context; these records are the supplier's side.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value, items, shown, text
from fitsm.errors import ValidationError

__all__ = [
    "EscalationLevel",
    "SupplierChannel",
    "SupplierChannelPurpose",
    "SupplierContact",
    "check_escalation",
]


def _name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(instance, attribute, value)
    if not value.strip() or value != value.strip():
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be a non-empty name without "
            f"surrounding spaces, got {shown(value)}",
            field=attribute.name,
        )


@attrs.frozen
class SupplierContact:
    """A named person on the supplier's side, with their role in the relationship (PR8.2).

    >>> SupplierContact("Nora Net", "account manager", email="nora@netco.example").role
    'account manager'
    """

    name: str = attrs.field(validator=_name)
    role: str = attrs.field(validator=_name)
    """What they do for the relationship: account manager, service delivery manager, ..."""
    email: str = attrs.field(default="", validator=text)
    phone: str = attrs.field(default="", validator=text)


class SupplierChannelPurpose(StrEnum):
    """What a channel to a supplier is used for (PR8.3)."""

    GENERAL = "general"
    """Day-to-day communication."""
    SUPPORT = "support"
    """Reporting incidents and requests to the supplier."""
    ORDERING = "ordering"
    """Orders, quotes and contract matters."""
    ESCALATION = "escalation"
    """Where an escalation goes when the usual channels do not help."""


def _purpose(value: object) -> SupplierChannelPurpose:
    return enum_value(SupplierChannelPurpose)(value)


@attrs.frozen
class SupplierChannel:
    """One way to reach a supplier: its purpose, the medium and the address (PR8.3).

    >>> SupplierChannel("support", "portal", "https://support.netco.example").purpose
    <SupplierChannelPurpose.SUPPORT: 'support'>
    """

    purpose: SupplierChannelPurpose = attrs.field(converter=_purpose)
    medium: str = attrs.field(validator=_name)
    """E-mail, phone, portal, ticket system, meeting ..."""
    address: str = attrs.field(validator=_name)
    note: str = attrs.field(default="", validator=text)


def _after(value: object) -> timedelta:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValidationError(
            f"an escalation level's after must be a timedelta of zero or more, got {shown(value)}",
            field="after",
        )
    return value


@attrs.frozen
class EscalationLevel:
    """One step of a supplier's escalation path (PR8.3): the contact (by name) an issue goes
    to once it has been open ``after`` without a fix.

    >>> EscalationLevel("Nora Net", after=timedelta(hours=4)).after
    datetime.timedelta(seconds=14400)
    """

    contact: str = attrs.field(validator=_name)
    after: timedelta = attrs.field(default=timedelta(0), converter=_after)
    note: str = attrs.field(default="", validator=text)


def check_escalation(
    supplier_id: str, levels: Iterable[EscalationLevel], contacts: Iterable[SupplierContact]
) -> tuple[EscalationLevel, ...]:
    """The escalation path, checked: each level a known contact, named once, and reached no
    sooner than the level before it (level 1 first)."""
    path = items(levels, "a list of EscalationLevel records")
    known = {c.name for c in contacts}
    seen: set[str] = set()
    for number, level in enumerate(path, start=1):
        if not isinstance(level, EscalationLevel):
            raise ValidationError(
                f"supplier {supplier_id!r}: escalation levels must be EscalationLevel records, "
                f"got {shown(level)}",
                field="escalation",
            )
        if level.contact not in known:
            raise ValidationError(
                f"supplier {supplier_id!r}: escalation level {number} names {level.contact!r}, "
                f"who is not one of its contacts {sorted(known)!r}; add the contact first",
                field="escalation",
            )
        if level.contact in seen:
            raise ValidationError(
                f"supplier {supplier_id!r}: {level.contact!r} is on the escalation path twice",
                field="escalation",
            )
        seen.add(level.contact)
        if number > 1 and level.after < path[number - 2].after:
            raise ValidationError(
                f"supplier {supplier_id!r}: escalation level {number} ({level.contact!r}, after "
                f"{level.after}) comes sooner than level {number - 1} (after "
                f"{path[number - 2].after}); expected each level no sooner than the one before",
                field="escalation",
            )
    return path
