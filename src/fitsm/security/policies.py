"""Information security policies: written, approved, versioned and reviewed at planned
intervals (PR6.1).

FitSM-1 (CC BY 4.0): "PR6.1 Information security requirements shall be identified
and information security policies defined and reviewed at planned intervals";
FitSM-2 lists "approved information security policies" among ISM's outputs. A
:class:`SecurityPolicy` keeps every version of its text: a revision is a new
draft, and the version in force stays the last one approved until the draft is
approved in turn. Its reviews are a review subject of kind ``security_policy``
(:func:`fitsm.security.policy_subject`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from fitsm._validators import flag, identifier, identifier_or_empty, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.security.history import SecurityChange, changes

__all__ = ["PolicyVersion", "SecurityPolicy"]


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "approved_at")


def _number(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31:
        raise ValidationError(
            f"PolicyVersion.number must be a whole number from 1, got {value!r}", field="number"
        )


@attrs.frozen
class PolicyVersion:
    """One version of a policy's text: who drafted it and when, and who approved it and when
    (empty and None while it is a draft)."""

    number: int = attrs.field(validator=_number)
    text: str = attrs.field(validator=text)
    drafted_at: datetime = attrs.field(converter=_utc)
    drafted_by: str = attrs.field(validator=identifier)
    approved_at: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    approved_by: str = attrs.field(default="", validator=identifier_or_empty)

    def __attrs_post_init__(self) -> None:
        if (self.approved_at is None) != (self.approved_by == ""):
            raise ValidationError(
                f"version {self.number}: give both approved_at and approved_by, or neither",
                field="approved_by",
            )

    @property
    def approved(self) -> bool:
        """Whether this version was approved."""
        return self.approved_at is not None


def _versions(value: Iterable[PolicyVersion]) -> tuple[PolicyVersion, ...]:
    return tuple(value)


@attrs.frozen
class SecurityPolicy:
    """An information security policy with every version of its text.

    Build and change policies through :class:`~fitsm.security.SecurityRegister`
    (``add_policy``, ``revise_policy``, ``approve_policy``, ``retire_policy``), which
    numbers the versions and records who approved each.
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    versions: tuple[PolicyVersion, ...] = attrs.field(default=(), converter=_versions)
    retired: bool = attrs.field(default=False, validator=flag)
    history: tuple[SecurityChange, ...] = attrs.field(default=(), converter=changes)

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(f"policy {self.id!r} needs a title", field="title")
        numbers = [v.number for v in self.versions]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError(
                f"policy {self.id!r}: versions must be numbered 1, 2, ... in order, got "
                f"{numbers!r}",
                field="versions",
            )

    @property
    def current(self) -> PolicyVersion | None:
        """The newest version, approved or draft; None before any text was written."""
        return self.versions[-1] if self.versions else None

    @property
    def in_force(self) -> PolicyVersion | None:
        """The newest approved version (none once retired): what the organisation follows."""
        if self.retired:
            return None
        return next((v for v in reversed(self.versions) if v.approved), None)
