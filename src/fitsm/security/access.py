"""Access rights: who has which access to which asset, granted by whom, when and why, and
confirmed or revoked since (PR6.5).

FitSM-1 (CC BY 4.0): "PR6.5 Access control, including provisioning of access
rights, shall be carried out in a consistent manner"; FitSM-2's activities:
"process requests for access rights", "provide access rights", "modify or revoke
access rights", "review access rights (at regular intervals)", and the output
"documented information on access rights and their reviews". An
:class:`AccessRight` records its grant (by whom, when, why, from which access
request), each confirmation in an access review, and its revocation; a revoked
right stays on record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from fitsm._validators import identifier, identifier_or_empty, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = ["AccessConfirmation", "AccessRight"]


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "revoked_at")


@attrs.frozen
class AccessConfirmation:
    """A right confirmed as still needed in an access review: when, by whom, and a note."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    note: str = attrs.field(default="", validator=text)


def _confirmations(value: Iterable[AccessConfirmation]) -> tuple[AccessConfirmation, ...]:
    return tuple(value)


@attrs.frozen
class AccessRight:
    """One person's access of one kind (``read``, ``write``, ``admin``, ...) to one asset.

    Rights are granted, confirmed and revoked through
    :class:`~fitsm.security.SecurityRegister`, which records who did each and when.
    """

    id: str = attrs.field(validator=identifier)
    holder: str = attrs.field(validator=identifier)
    """The person (or technical account) who has the access, by id."""
    asset: str = attrs.field(validator=identifier)
    access: str = attrs.field(validator=identifier)
    granted_at: datetime = attrs.field(converter=_utc)
    granted_by: str = attrs.field(validator=identifier)
    reason: str = attrs.field(validator=text)
    request: str = attrs.field(default="", validator=identifier_or_empty)
    """The access request case it was granted on, by id; empty when there was none."""
    confirmations: tuple[AccessConfirmation, ...] = attrs.field(
        default=(), converter=_confirmations
    )
    revoked_at: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    revoked_by: str = attrs.field(default="", validator=identifier_or_empty)
    revoked_because: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if not self.reason.strip():
            raise ValidationError(
                f"access right {self.id!r}: say why it is granted (reason)", field="reason"
            )
        if (self.revoked_at is None) != (self.revoked_by == ""):
            raise ValidationError(
                f"access right {self.id!r}: give both revoked_at and revoked_by, or neither",
                field="revoked_by",
            )

    @property
    def active(self) -> bool:
        """Whether the right is in effect (not revoked)."""
        return self.revoked_at is None

    @property
    def last_confirmed(self) -> AccessConfirmation | None:
        """The latest confirmation, or None."""
        return self.confirmations[-1] if self.confirmations else None

    def confirmed_since(self, since: datetime | None) -> bool:
        """Whether it was confirmed at or after ``since`` (ever, if None)."""
        last = self.last_confirmed
        return last is not None and (since is None or last.at >= as_utc(since, "since"))
