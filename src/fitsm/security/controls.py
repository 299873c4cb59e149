"""Information security controls: physical, technical and organisational, with their
implementation status and the risks they treat (PR6.3).

FitSM-1 (CC BY 4.0): "PR6.3 Physical, technical and organizational information
security controls shall be implemented to reduce the probability and impact of
identified information security risks and meet identified requirements";
FitSM-2 asks to "define a way to document information security controls and to
monitor their status and progress of implementation". A control names the risks
it treats by their ids in the risk register (:mod:`fitsm.risks`); its owner is the
FitSM-3 role :attr:`fitsm.roles.Role.SECURITY_CONTROL_OWNER` with the control's id
as context, held in the role model.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, text, to_id_tuple
from fitsm.errors import ValidationError
from fitsm.security.history import SecurityChange, changes

__all__ = ["ControlKind", "ImplementationStatus", "SecurityControl"]


class ControlKind(StrEnum):
    """The three kinds of control PR6.3 names."""

    PHYSICAL = "physical"
    TECHNICAL = "technical"
    ORGANISATIONAL = "organisational"


class ImplementationStatus(StrEnum):
    """How far a control's implementation has come; a retired control is no longer in place."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    RETIRED = "retired"


def _kind(value: object) -> ControlKind:
    return enum_value(ControlKind, "kind")(value)


def _status(value: object) -> ImplementationStatus:
    return enum_value(ImplementationStatus, "status")(value)


def _unique(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if len(set(value)) != len(value):
        raise ValidationError(
            f"control {getattr(instance, 'id', '?')!r}: {attribute.name} names an id twice: "
            f"{list(value)!r}",
            field=attribute.name,
        )


@attrs.frozen
class SecurityControl:
    """A control: what it is, its kind, how far it is implemented, and the risks (by id in the
    risk register) and assets (by id in the inventory) it protects.

    >>> c = SecurityControl("ctl-backup", "Nightly encrypted backup", "technical",
    ...                     risks=["isr-ransomware"])
    >>> c.kind, c.status
    (<ControlKind.TECHNICAL: 'technical'>, <ImplementationStatus.PLANNED: 'planned'>)
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    kind: ControlKind = attrs.field(converter=_kind)
    status: ImplementationStatus = attrs.field(
        default=ImplementationStatus.PLANNED, converter=_status
    )
    risks: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple, validator=_unique)
    """The risks it treats, by their ids in the risk register."""
    assets: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple, validator=_unique)
    """The information assets it protects, by id."""
    description: str = attrs.field(default="", validator=text)
    history: tuple[SecurityChange, ...] = attrs.field(default=(), converter=changes)

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(f"control {self.id!r} needs a title", field="title")
