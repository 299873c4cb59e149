"""The record of a service review with a customer (PR7.4): what was reviewed, found and agreed.

FitSM-1 (CC BY 4.0): "PR7.4 Service reviews with customers shall be conducted at
planned intervals"; FitSM-2: "perform and record a service review with a
customer", whose output is a *service review report*. A :class:`ServiceReview`
is that record: the period reviewed, who took part, the outcome and the
:class:`ReviewAction` items agreed. The reviews of a customer are planned on a
review schedule under :func:`service_review_subject`; recording a review
performs it there (``CustomerRegister.record_review(..., schedules=...)``).
The agenda a review works through is :func:`fitsm.customers.review_agenda`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from fitsm._validators import identifier, identifier_or_empty, shown, text, to_str_tuple
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.reviews.schedules import ReviewSubject, SubjectKind

__all__ = ["ReviewAction", "ServiceReview", "service_review_subject"]


def service_review_subject(customer_id: str) -> ReviewSubject:
    """The review subject of a customer's service reviews (PR7.4), for its review schedule.

    >>> str(service_review_subject("acme"))
    'customer_review:acme'
    """
    return ReviewSubject(SubjectKind.CUSTOMER_REVIEW, customer_id)


def _due(value: object) -> date | None:
    if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
        raise ValidationError(f"an action's due date must be a date, got {shown(value)}")
    return value


@attrs.frozen
class ReviewAction:
    """An action agreed in a service review: what, who sees to it, by when, and the case
    that carries it (an improvement, a change, a revised SLA) where one was opened."""

    description: str = attrs.field(validator=text)
    owner: str = attrs.field(default="", validator=identifier_or_empty)
    due: date | None = attrs.field(default=None, converter=_due)
    reference: str = attrs.field(default="", validator=identifier_or_empty)

    def __attrs_post_init__(self) -> None:
        if not self.description.strip():
            raise ValidationError("a review action needs a description", field="description")


def _start(value: datetime) -> datetime:
    return as_utc(value, "start")


def _end(value: datetime) -> datetime:
    return as_utc(value, "end")


def _held_at(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "held_at")


def _actions(value: Iterable[ReviewAction | str]) -> tuple[ReviewAction, ...]:
    if isinstance(value, str | ReviewAction):
        value = (value,)
    return tuple(a if isinstance(a, ReviewAction) else ReviewAction(a) for a in value)


def _ids(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for item in value:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(
                f"ServiceReview.{attribute.name} must hold ids (non-empty strings), got "
                f"{shown(item)}",
                field=attribute.name,
            )


@attrs.frozen
class ServiceReview:
    """A service review held with a customer (PR7.4): the service review report.

    ``start`` and ``end`` bound the period reviewed (``[start, end)``);
    ``attendees`` are the people who took part (ids or names); ``outcome`` says
    what the review found ("targets met; asks for weekend support"); ``actions``
    what was agreed. When and by whom it was recorded is the register's
    (``at``, ``by``).
    """

    id: str = attrs.field(validator=identifier)
    start: datetime = attrs.field(converter=_start)
    end: datetime = attrs.field(converter=_end)
    outcome: str = attrs.field(validator=text)
    actions: tuple[ReviewAction, ...] = attrs.field(default=(), converter=_actions)
    attendees: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=_ids)
    held_at: datetime | None = attrs.field(default=None, converter=_held_at, kw_only=True)
    """When the review took place; the register sets it to the time it is recorded."""
    held_by: str = attrs.field(default="", validator=identifier_or_empty, kw_only=True)
    """Who recorded it (the customer relationship manager, usually); set by the register."""

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                f"service review {self.id!r} covers {self.start.isoformat()} to "
                f"{self.end.isoformat()}; expected an end after the start",
                field="end",
            )
        if not self.outcome.strip():
            raise ValidationError(
                f"service review {self.id!r} needs its outcome recorded", field="outcome"
            )

    @property
    def follow_ups(self) -> tuple[str, ...]:
        """The ids of the cases its actions opened, in order."""
        return tuple(a.reference for a in self.actions if a.reference)
