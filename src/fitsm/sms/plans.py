"""The service management plan and the process plans aligned to it (GR4.1, GR4.2).

FitSM-1 (CC BY 4.0): "GR4.1 A service management plan shall be created and
maintained. It shall include: goals and timing of implementing or improving the
SMS and the related processes; roles and responsibilities; training and awareness
activities; technology (tools) to support the SMS" and "GR4.2 Any
process-specific plan shall be aligned to the overall service management plan".
The :class:`ServiceManagementPlan` holds goals, a timeline of milestones, roles
and responsibilities, training, technology and a budget;
:meth:`ServiceManagementPlan.missing` names what GR4.1 asks that it lacks. Each
:class:`ProcessPlan` names the plan goals it serves; one serving none, or a goal
the plan no longer has, is misaligned (:meth:`ServiceManagementPlan.misaligned`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, identifier_or_empty, text, to_str_tuple
from fitsm.errors import ValidationError
from fitsm.roles import Process
from fitsm.sms.records import SmsChange, history, ids, non_blank, utc, utc_or_none

__all__ = [
    "Milestone",
    "PlanGoal",
    "ProcessPlan",
    "Responsibility",
    "ServiceManagementPlan",
]


@attrs.frozen
class PlanGoal:
    """A goal of implementing or improving the SMS or a process."""

    id: str = attrs.field(validator=identifier)
    description: str = attrs.field(validator=non_blank)


@attrs.frozen
class Milestone:
    """A point on the plan's timeline: what, by when, for which goal, and when it was
    reached."""

    id: str = attrs.field(validator=identifier)
    description: str = attrs.field(validator=non_blank)
    due: datetime = attrs.field(converter=utc)
    goal: str = attrs.field(default="", validator=identifier_or_empty)
    reached: datetime | None = attrs.field(default=None, converter=utc_or_none)

    def late(self, at: datetime) -> bool:
        """Not reached by its due date, as seen at ``at``."""
        when = utc(at)
        return (self.reached or when) > self.due


@attrs.frozen
class Responsibility:
    """A role or activity of the plan and who carries it (a person or team id)."""

    role: str = attrs.field(validator=non_blank)
    holder: str = attrs.field(validator=identifier)


def _budget(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(
            f"budget must be an exact amount (int, Decimal or a decimal string), got {value!r}",
            field="budget",
        )
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"budget must be a decimal amount, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(f"budget must be a finite amount >= 0, got {value!r}", field="budget")
    return amount


def _unique(what: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        names = [v.id for v in value]
        if len(set(names)) != len(names):
            raise ValidationError(f"the plan names a {what} id twice: {names!r}", field=what)

    return check


def _goals(value: Iterable[PlanGoal]) -> tuple[PlanGoal, ...]:
    return tuple(value)


def _milestones(value: Iterable[Milestone]) -> tuple[Milestone, ...]:
    return tuple(sorted(value, key=lambda m: (m.due, m.id)))


def _responsibilities(value: Iterable[Responsibility]) -> tuple[Responsibility, ...]:
    return tuple(value)


@attrs.frozen
class ServiceManagementPlan:
    """The service management plan (GR4.1).

    >>> plan = ServiceManagementPlan(goals=[PlanGoal("g1", "ISRM at level 2")])
    >>> plan.missing()
    ['timeline', 'roles and responsibilities', 'training', 'technology']
    """

    goals: tuple[PlanGoal, ...] = attrs.field(
        default=(), converter=_goals, validator=_unique("goal")
    )
    milestones: tuple[Milestone, ...] = attrs.field(
        default=(), converter=_milestones, validator=_unique("milestone")
    )
    responsibilities: tuple[Responsibility, ...] = attrs.field(
        default=(), converter=_responsibilities
    )
    training: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    """Training and awareness activities."""
    technology: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    """Tools that support the SMS."""
    budget: Decimal | None = attrs.field(default=None, converter=_budget)
    currency: str = attrs.field(default="EUR", validator=text)
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    def __attrs_post_init__(self) -> None:
        known = {g.id for g in self.goals}
        for milestone in self.milestones:
            if milestone.goal and milestone.goal not in known:
                raise ValidationError(
                    f"milestone {milestone.id!r} serves goal {milestone.goal!r}, which the plan "
                    f"does not have; expected one of {sorted(known)!r}",
                    field="milestones",
                )

    @property
    def id(self) -> str:
        return "plan"

    def goal_ids(self) -> list[str]:
        return [g.id for g in self.goals]

    def missing(self) -> list[str]:
        """What GR4.1 asks of the plan that it lacks (the budget is not asked by GR4.1)."""
        found = []
        for name, value in (
            ("goals", self.goals),
            ("timeline", self.milestones),
            ("roles and responsibilities", self.responsibilities),
            ("training", self.training),
            ("technology", self.technology),
        ):
            if not value:
                found.append(name)
        return found

    def late_milestones(self, at: datetime) -> list[Milestone]:
        """The milestones not reached by their due date, as seen at ``at`` (GR5.1)."""
        return [m for m in self.milestones if m.late(at)]

    def misaligned(self, plans: Iterable[ProcessPlan]) -> list[ProcessPlan]:
        """The process plans in force that serve no goal of this plan, or name a goal it
        does not have (GR4.2), by id."""
        known = set(self.goal_ids())
        return sorted(
            (p for p in plans if not p.retired and (not p.serves or not known >= set(p.serves))),
            key=lambda p: p.id,
        )


def _process(value: object) -> Process:
    return enum_value(Process, "process")(value)


@attrs.frozen
class ProcessPlan:
    """A process-specific plan (GR4.2): which process, what it plans, and the goals of the
    service management plan it serves (by id)."""

    id: str = attrs.field(validator=identifier)
    process: Process = attrs.field(converter=_process)
    title: str = attrs.field(validator=non_blank)
    serves: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=ids)
    activities: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    retired: bool = False
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)
