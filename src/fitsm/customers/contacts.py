"""Who to talk to at a customer, and how: designated contacts (PR7.2) and channels (PR7.3).

FitSM-1 (CC BY 4.0): "PR7.2 For each customer, there shall be a designated contact
responsible for managing the relationship with them" and "PR7.3 Channels used to
communicate with each customer, including mechanisms for service ordering,
escalation and complaint shall be established". A :class:`Contact` is a person on
the customer's side with the matters they are the contact for; the provider's
side of the relationship is the customer relationship manager, a FitSM-3 role
held in the role model with the customer's id as context. A :class:`Channel` is
one way to reach the provider (or the customer) for one purpose, with its
opening hours where they matter; a customer's escalation channels, in the order
kept, are its escalation path.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, shown, text
from fitsm.errors import ValidationError
from fitsm.time.calendar import BusinessCalendar

__all__ = ["Channel", "ChannelMedium", "ChannelPurpose", "Contact", "Matter"]


class Matter(StrEnum):
    """What kind of matter a customer's contact is the contact for."""

    GENERAL = "general"
    ORDERING = "ordering"
    ESCALATION = "escalation"
    COMPLAINT = "complaint"
    SERVICE_REVIEW = "service_review"
    SATISFACTION = "satisfaction"
    TECHNICAL = "technical"
    COMMERCIAL = "commercial"


class ChannelPurpose(StrEnum):
    """What a channel is for: the mechanisms PR7.3 names (ordering, escalation, complaint),
    and general communication."""

    ORDERING = "ordering"
    ESCALATION = "escalation"
    COMPLAINT = "complaint"
    GENERAL = "general"


class ChannelMedium(StrEnum):
    """How a channel reaches the other side."""

    EMAIL = "email"
    PHONE = "phone"
    PORTAL = "portal"
    MEETING = "meeting"
    CHAT = "chat"


def _matters(value: Iterable[Matter | str]) -> tuple[Matter, ...]:
    if isinstance(value, str | Matter):
        value = (value,)
    convert = enum_value(Matter, "matters")
    return tuple(dict.fromkeys(convert(m) for m in value))


def _email(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(instance, attribute, value)
    if value and (value.count("@") != 1 or value.startswith("@") or value.endswith("@")):
        raise ValidationError(
            f"contact {getattr(instance, 'id', '?')!r}: email must be an address such as "
            f"'jane@example.org', got {shown(value)}",
            field="email",
        )


@attrs.frozen
class Contact:
    """A designated contact on the customer's side (PR7.2).

    ``id`` names the contact within its customer; ``role`` is their position at
    the customer (free text: "IT director"); ``matters`` the kinds of matter they
    are the contact for. A contact is reachable: an email address, a phone
    number, or both.

    >>> Contact("jane", "Jane Roe", role="IT director", email="jane@acme.example",
    ...         matters=["escalation", "service_review"]).matters[0].value
    'escalation'
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    role: str = attrs.field(default="", validator=text)
    email: str = attrs.field(default="", validator=_email)
    phone: str = attrs.field(default="", validator=text)
    matters: tuple[Matter, ...] = attrs.field(default=(Matter.GENERAL,), converter=_matters)

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError(f"contact {self.id!r} needs a name", field="name")
        if not self.email.strip() and not self.phone.strip():
            raise ValidationError(
                f"contact {self.id!r} ({self.name}) needs an email address or a phone number",
                field="email",
            )
        if not self.matters:
            raise ValidationError(
                f"contact {self.id!r} must be the contact for at least one matter; expected "
                "some of " + ", ".join(repr(m.value) for m in Matter),
                field="matters",
            )


def _purpose(value: object) -> ChannelPurpose:
    return enum_value(ChannelPurpose, "purpose")(value)


def _medium(value: object) -> ChannelMedium:
    return enum_value(ChannelMedium, "medium")(value)


def _hours(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, BusinessCalendar):
        raise ValidationError(
            f"channel hours must be a BusinessCalendar or None, got {shown(value)}",
            field="hours",
        )


@attrs.frozen
class Channel:
    """One channel of communication with a customer, for one purpose (PR7.3).

    ``address`` is what the medium needs (an email address, a phone number, a
    portal URL, a meeting's place); ``hours`` the times the channel is staffed
    (None: always); ``name`` says who is behind it ("service desk", "customer
    relationship manager"). Escalation channels, in the order a customer keeps
    them, form its escalation path: level 1 first.

    >>> from datetime import UTC
    >>> desk = Channel("ordering", "portal", "https://portal.example/order",
    ...                hours=BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}))
    >>> desk.open_at(datetime(2026, 1, 10, 12, tzinfo=UTC))  # a Saturday
    False
    """

    purpose: ChannelPurpose = attrs.field(converter=_purpose)
    medium: ChannelMedium = attrs.field(converter=_medium)
    address: str = attrs.field(validator=text)
    name: str = attrs.field(default="", validator=text)
    hours: BusinessCalendar | None = attrs.field(default=None, validator=_hours)

    def __attrs_post_init__(self) -> None:
        if not self.address.strip():
            raise ValidationError(
                f"a {self.purpose.value} channel by {self.medium.value} needs an address "
                "(an email address, a phone number, a URL, a place)",
                field="address",
            )
        if self.medium is ChannelMedium.EMAIL and "@" not in self.address:
            raise ValidationError(
                f"an email channel needs an email address, got {shown(self.address)}",
                field="address",
            )
        if self.medium is ChannelMedium.PORTAL and "://" not in self.address:
            raise ValidationError(
                f"a portal channel needs a URL such as 'https://portal.example', got "
                f"{shown(self.address)}",
                field="address",
            )

    def open_at(self, at: datetime) -> bool:
        """Whether the channel is staffed at ``at`` (always, without hours)."""
        return True if self.hours is None else self.hours.is_open(at)
