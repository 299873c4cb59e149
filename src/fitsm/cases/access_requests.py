"""Requests for access rights (PR6.5).

FitSM-1 (CC BY 4.0): "PR6.5 Access control, including provisioning of access
rights, shall be carried out in a consistent manner"; FitSM-2's activities
"process requests for access rights" and "provide access rights".

Lifecycle: a request names who needs which access to which information asset and
why; it is approved or rejected by the asset's owner (FitSM-3 asset owner for
that asset) or the ISM process manager, recorded as decided by the acting person
(nobody else can be named, as with change approvals); an approved request is
granted by ISM staff, who name the access right they provided in the security
register (:meth:`fitsm.security.SecurityRegister.grant_access` records the
request's id with the right), and closed. A request may be withdrawn until it is
decided.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

import attrs
from statemachine import State, StateChart

from fitsm._validators import enum_value, identifier_or_empty
from fitsm.cases._engine import CaseLifecycle, proposed
from fitsm.cases.base import Case
from fitsm.errors import ValidationError

__all__ = [
    "ACCESS_DECISION_EVENTS",
    "ACCESS_GRANT_EVENT",
    "ACCESS_REQUEST",
    "AccessRequest",
    "AccessRequestChart",
    "AccessRequestStatus",
]


class AccessRequestStatus(StrEnum):
    """The statuses of an access request, in lifecycle order."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    GRANTED = "granted"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


def _status(value: object) -> AccessRequestStatus:
    return enum_value(AccessRequestStatus)(value)


@attrs.define(eq=True)
class AccessRequest(Case):
    """A request that ``person`` gets ``access`` (``read``, ``write``, ...) to information
    asset ``asset`` for ``reason`` (PR6.5).

    ``decided_by`` is who approved or rejected it; ``right`` the access right
    provided, by its id in the security register.
    """

    kind: ClassVar[str] = "access_request"
    process: ClassVar[str] = "ISM"
    owner_role: ClassVar[str] = "access_request_owner"

    status: AccessRequestStatus = attrs.field(
        default=AccessRequestStatus.REQUESTED, converter=_status
    )
    person: str = attrs.field(default="", validator=identifier_or_empty)
    """Who needs the access (a person or technical account), by id."""
    asset: str = attrs.field(default="", validator=identifier_or_empty)
    access: str = attrs.field(default="", validator=identifier_or_empty)
    reason: str = ""
    decided_by: str | None = None
    decision: str = ""
    """Why it was approved or rejected."""
    right: str | None = None


# -- the lifecycle ------------------------------------------------------------


def needs_what_and_why(model: Any, **data: Any) -> None:
    for field in ("person", "asset", "access", "reason"):
        if not getattr(model, field):
            raise ValidationError(
                f"access request {model.id!r} must name the person, the asset, the access and "
                f"the reason; {field!r} is missing",
                field=field,
            )


def not_for_oneself(model: Any, actor: str = "", **data: Any) -> None:
    if actor == model.person:
        raise ValidationError(
            f"access request {model.id!r} is for {actor!r}: nobody decides on their own access",
            field="decided_by",
        )


def needs_right(model: Any, **data: Any) -> None:
    if not proposed(model, data, "right"):
        raise ValidationError(
            f"access request {model.id!r}: name the access right provided (right)", field="right"
        )


def needs_decision(model: Any, **data: Any) -> None:
    if not proposed(model, data, "decision"):
        raise ValidationError(
            f"access request {model.id!r}: say why it is rejected (decision)", field="decision"
        )


class AccessRequestChart(StateChart[Any]):
    """Requests for access rights (PR6.5)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    requested = State(value=AccessRequestStatus.REQUESTED, initial=True)
    approved = State(value=AccessRequestStatus.APPROVED)
    rejected = State(value=AccessRequestStatus.REJECTED)
    granted = State(value=AccessRequestStatus.GRANTED)
    closed = State(value=AccessRequestStatus.CLOSED, final=True)
    withdrawn = State(value=AccessRequestStatus.WITHDRAWN, final=True)

    approve = requested.to(approved, validators=[needs_what_and_why, not_for_oneself])
    reject = requested.to(rejected, validators=[needs_decision, not_for_oneself])
    grant = approved.to(granted, validators=needs_right)
    close = granted.to(closed) | rejected.to(closed)
    withdraw = requested.to(withdrawn)


def _decided_by(case: Any, actor: str) -> dict[str, Any]:
    # the decision is the acting person's, never a name the caller types (PR6.5)
    return {"decided_by": actor}


_NONE: frozenset[str] = frozenset()
_DECIDER = (frozenset({"decided_by"}), _decided_by)

ACCESS_REQUEST = CaseLifecycle(
    AccessRequestChart,
    AccessRequestStatus,
    fields={
        "approve": frozenset({"decision"}),
        "reject": frozenset({"decision"}),
        "grant": frozenset({"right"}),
        "close": _NONE,
        "withdraw": _NONE,
    },
    derived={"approve": _DECIDER, "reject": _DECIDER},
    at_registration=frozenset({"owner"}),
)
"""The lifecycle every access request follows."""

ACCESS_DECISION_EVENTS = frozenset({AccessRequestChart.approve.id, AccessRequestChart.reject.id})
"""Events that decide an access request: the asset's owner or the ISM process manager makes
them."""

ACCESS_GRANT_EVENT = AccessRequestChart.grant.id
"""The event that records an access right provided: ISM process staff fire it."""
