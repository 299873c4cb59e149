"""Information security events and incidents (PR6.4).

FitSM-1 (CC BY 4.0): "PR6.4 Information security events and incidents shall be
handled in a consistent manner"; FitSM-2 names the activities "monitor, record and
classify information security events" and "identify and handle information
security incidents", and FitSM-3 asks the ISM process manager to "ensure that
information security incidents are detected and classified as such as quickly as
possible, and handled in an effective way to minimise harm caused by them".

Lifecycle: a security event is registered and classified; one that turns out not
to be an incident is dismissed with the reason; an incident is contained,
eradicated, recovered from, reviewed (what was learnt, the follow-up actions) and
closed. Where an ordinary incident (PR9) caused the security incident, or the
security incident caused ordinary incidents, their ids are kept in
``caused_by`` and ``causes``; links are added, never silently dropped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

import attrs
from statemachine import State, StateChart

from fitsm._validators import enum_value, to_id_tuple
from fitsm.cases._engine import CaseLifecycle, proposed
from fitsm.cases.base import Case
from fitsm.errors import ValidationError

__all__ = [
    "SECURITY_INCIDENT",
    "SecurityIncident",
    "SecurityIncidentChart",
    "SecurityIncidentStatus",
]


class SecurityIncidentStatus(StrEnum):
    """The statuses of a security event or incident, in lifecycle order."""

    NEW = "new"
    CLASSIFIED = "classified"
    CONTAINED = "contained"
    ERADICATED = "eradicated"
    RECOVERED = "recovered"
    REVIEWED = "reviewed"
    CLOSED = "closed"
    DISMISSED = "dismissed"


def _status(value: object) -> SecurityIncidentStatus:
    return enum_value(SecurityIncidentStatus)(value)


@attrs.define(eq=True)
class SecurityIncident(Case):
    """A security event, and the incident it may turn out to be (PR6.4).

    ``assets`` names the information assets concerned; ``caused_by`` the ordinary
    incidents that caused it and ``causes`` those it caused (by case id).
    """

    kind: ClassVar[str] = "security_incident"
    process: ClassVar[str] = "ISM"
    owner_role: ClassVar[str] = "security_incident_owner"

    status: SecurityIncidentStatus = attrs.field(
        default=SecurityIncidentStatus.NEW, converter=_status
    )
    assets: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple)
    caused_by: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple)
    """Ordinary incidents that caused this security incident, by id."""
    causes: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple)
    """Ordinary incidents this security incident caused, by id."""
    dismissal: str = ""
    """Why a classified event is not an incident."""
    containment: str = ""
    eradication: str = ""
    recovery: str = ""
    review: str = ""
    """What was learnt and the follow-up actions."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        # a case may be registered with its links: they obey the lifecycle's rule from the start
        links_are_incidents(self)


# -- the lifecycle ------------------------------------------------------------


def _needs(field: str, what: str) -> Any:
    def check(model: Any, **data: Any) -> None:
        if not proposed(model, data, field):
            raise ValidationError(f"security incident {model.id!r}: {what}", field=field)

    check.__name__ = f"needs_{field}"
    return check


needs_category = _needs("category", "classify needs a category")
needs_dismissal = _needs("dismissal", "say why the event is not an incident (dismissal)")
needs_containment = _needs("containment", "record how it was contained")
needs_eradication = _needs("eradication", "record how its cause was removed")
needs_recovery = _needs("recovery", "record how operation was restored")
needs_review = _needs("review", "record the review: what was learnt and what follows")


def links_are_incidents(model: Any, **data: Any) -> None:
    """Incidents linked as cause or effect: never the case itself, never both cause and
    effect, and links already recorded are kept."""
    caused_by = tuple(proposed(model, data, "caused_by"))
    causes = tuple(proposed(model, data, "causes"))
    for field, old, new in (
        ("caused_by", model.caused_by, caused_by),
        ("causes", model.causes, causes),
    ):
        if model.id in new:
            raise ValidationError(
                f"security incident {model.id!r} cannot name itself in {field}", field=field
            )
        if len(set(new)) != len(new):
            raise ValidationError(
                f"security incident {model.id!r}: {field} names an incident twice: {list(new)!r}",
                field=field,
            )
        dropped = [i for i in old if i not in new]
        if dropped:
            raise ValidationError(
                f"security incident {model.id!r}: {field} would drop {dropped!r}; links are "
                "added, never removed (give the recorded ones with the new)",
                field=field,
            )
    both = sorted(set(caused_by) & set(causes))
    if both:
        raise ValidationError(
            f"security incident {model.id!r}: {', '.join(map(repr, both))} cannot both cause "
            "it and be caused by it",
            field="causes",
        )


class SecurityIncidentChart(StateChart[Any]):
    """Information security events and incidents (PR6.4)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=SecurityIncidentStatus.NEW, initial=True)
    classified = State(value=SecurityIncidentStatus.CLASSIFIED)
    contained = State(value=SecurityIncidentStatus.CONTAINED)
    eradicated = State(value=SecurityIncidentStatus.ERADICATED)
    recovered = State(value=SecurityIncidentStatus.RECOVERED)
    reviewed = State(value=SecurityIncidentStatus.REVIEWED)
    closed = State(value=SecurityIncidentStatus.CLOSED, final=True)
    dismissed = State(value=SecurityIncidentStatus.DISMISSED, final=True)

    classify = new.to(classified, validators=[needs_category, links_are_incidents])
    dismiss = classified.to(dismissed, validators=needs_dismissal)
    contain = classified.to(contained, validators=needs_containment)
    eradicate = contained.to(eradicated, validators=needs_eradication)
    recover = eradicated.to(recovered, validators=needs_recovery)
    review = recovered.to(reviewed, validators=needs_review)
    close = reviewed.to(closed)
    link = (
        new.to.itself(internal=True, validators=links_are_incidents)
        | classified.to.itself(internal=True, validators=links_are_incidents)
        | contained.to.itself(internal=True, validators=links_are_incidents)
        | eradicated.to.itself(internal=True, validators=links_are_incidents)
        | recovered.to.itself(internal=True, validators=links_are_incidents)
        | reviewed.to.itself(internal=True, validators=links_are_incidents)
    )


_NONE: frozenset[str] = frozenset()
_LINKS = frozenset({"caused_by", "causes"})

SECURITY_INCIDENT = CaseLifecycle(
    SecurityIncidentChart,
    SecurityIncidentStatus,
    fields={
        "classify": frozenset({"category", "service", "cis", "assets"}) | _LINKS,
        "dismiss": frozenset({"dismissal"}),
        "contain": frozenset({"containment"}),
        "eradicate": frozenset({"eradication"}),
        "recover": frozenset({"recovery"}),
        "review": frozenset({"review"}),
        "close": _NONE,
        "link": _LINKS,
    },
    at_registration=frozenset({"owner", "category", "service", "cis", "assets"}) | _LINKS,
)
"""The lifecycle every security event and incident follows."""
