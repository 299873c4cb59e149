"""Running a python-statemachine chart fast: compile it once, then look transitions up.

Each case type's lifecycle is *declared* as a python-statemachine ``StateChart``
(states valued by a ``StrEnum``, events, ``cond=`` guards and ``validators=``).
Creating a chart per case and sending it events costs about half a millisecond a
case; a service desk that replays a million transitions cannot pay that. So a
:class:`CaseLifecycle` reads the chart class once, keeps a table from (status, event)
to the candidate transitions with their guard and validator functions, and
applies a transition itself: the same guards and validators, the same "first
transition whose guards pass wins" rule, an error naming the allowed events when
none applies, and the status left untouched when a guard or validator says no.

Guards and validators are plain functions taking keyword arguments (``model``,
the event's data, ``actor``, ``at``), so the chart bound to a case and the
compiled table call exactly the same code.

The lifecycle is also the only way a case's fields change after registration:
each event names the fields it accepts (``resolve`` takes a ``resolution`` and
nothing else), fields an event derives from who acts (``approve`` records the
acting person as the approver) are set by the lifecycle itself, and a stored
case must carry a history that leads from the initial status to its status
(:meth:`CaseLifecycle.check_history`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs
from statemachine import StateChart

from fitsm._validators import check_fields
from fitsm.cases.base import Case, HistoryEntry
from fitsm.clock import as_utc
from fitsm.errors import InvalidTransitionError, ValidationError

__all__ = ["CaseLifecycle", "CompiledTransition", "Derivation", "proposed"]

Guard = Callable[..., Any]
Derivation = Callable[[Any, str], Mapping[str, Any]]
"""Fields an event sets from the case and the acting person, e.g. the approver."""
_PROTECTED = frozenset({"id", "status", "history", "version", "registered_at", "registered_by"})


@attrs.frozen
class CompiledTransition:
    """One transition of a chart as a table row: event, source, target, guards and validators."""

    event: str
    source: str
    target: str
    guards: tuple[tuple[Guard, bool], ...]
    """Each guard with the value it must return (``cond=`` wants true, ``unless=`` false)."""
    validators: tuple[Guard, ...]


def proposed(model: Any, data: Mapping[str, Any], field: str) -> Any:
    """For guards and validators: the value the event sets for ``field``, else the case's."""
    return data[field] if field in data else getattr(model, field)


def _functions(specs: Any, chart: type[StateChart[Any]], what: str) -> list[tuple[Guard, bool]]:
    found: list[tuple[Guard, bool]] = []
    for spec in specs:
        func = spec.func
        if not callable(func):
            raise TypeError(
                f"{chart.__name__}: {what} {func!r} must be a function, not a name, "
                "so that the compiled lifecycle can call it"
            )
        found.append((func, spec.expected_value is not False))
    return found


def _fields_of(cls: type[Case]) -> frozenset[str]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = frozenset(a.name for a in attrs.fields(cls))
    return found


_FIELDS: dict[type[Case], frozenset[str]] = {}


class CaseLifecycle:
    """A chart compiled to a transition table; one per case type, built once."""

    def __init__(
        self,
        chart: type[StateChart[Any]],
        statuses: type[StrEnum],
        *,
        fields: Mapping[str, frozenset[str]],
        arguments: Mapping[str, frozenset[str]] | None = None,
        effects: Mapping[str, Mapping[str, Any]] | None = None,
        derived: Mapping[str, tuple[frozenset[str], Derivation]] | None = None,
        at_registration: frozenset[str] = frozenset(),
        required: frozenset[str] = frozenset(),
    ) -> None:
        self.chart = chart
        self.fields: Mapping[str, frozenset[str]] = dict(fields)
        """Per event, the case fields a caller may set with it; any other is refused."""
        self.effects: Mapping[str, Mapping[str, Any]] = dict(effects or {})
        """Per event, case fields it always sets (``declare_major`` sets ``major=True``)."""
        self.derived: Mapping[str, tuple[frozenset[str], Derivation]] = dict(derived or {})
        """Per event, the fields it sets from the case and the acting person, and how."""
        self.arguments: Mapping[str, frozenset[str]] = dict(arguments or {})
        """Per event, the keyword arguments that are not case fields (``confirmed=True``)."""
        self.at_registration = at_registration
        """Fields events set that a case may also carry when it is registered."""
        self.required = required
        """Fields a case must carry (not empty) when it is registered: a complaint its
        customer (PR7.5)."""
        self.statuses = statuses
        table: dict[tuple[str, str], list[CompiledTransition]] = {}
        initial: str | None = None
        finals: set[str] = set()
        for state in chart.states:
            value = str(statuses(state.value))
            if state.initial:
                initial = value
            if state.final:
                finals.add(value)
            for t in state.transitions:
                compiled = CompiledTransition(
                    event="",
                    source=value,
                    target=str(statuses(t.target.value)),
                    guards=tuple(_functions(t.cond, chart, "guard")),
                    validators=tuple(f for f, _ in _functions(t.validators, chart, "validator")),
                )
                for event in str(t.event).split():
                    table.setdefault((value, event), []).append(attrs.evolve(compiled, event=event))
        if initial is None:
            raise TypeError(f"{chart.__name__} has no initial state")
        self.initial = statuses(initial)
        self.finals = frozenset(finals)
        self.table: Mapping[tuple[str, str], tuple[CompiledTransition, ...]] = {
            k: tuple(v) for k, v in table.items()
        }
        self.events = tuple(dict.fromkeys(e for _, e in self.table))
        missing = set(self.events) - set(self.fields)
        unknown = set(self.fields) - set(self.events)
        if missing or unknown:
            raise TypeError(
                f"{chart.__name__}: name the fields of every event and no other: "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        self.managed: frozenset[str] = frozenset().union(
            *self.fields.values(),
            *(e.keys() for e in self.effects.values()),
            *(names for names, _ in self.derived.values()),
        )
        """Every field some event sets: a new case carries them at their defaults."""
        self._allowed: dict[str, tuple[str, ...]] = {}
        for source, event in self.table:
            self._allowed.setdefault(source, ())
            self._allowed[source] += (event,)

    def allowed(self, status: str) -> tuple[str, ...]:
        """The events that have a transition from ``status`` (their guards aside)."""
        return self._allowed.get(str(status), ())

    def accepts(self, event: str) -> frozenset[str]:
        """The keyword arguments ``event`` accepts: the fields it sets and its own arguments.

        >>> from fitsm.cases.incidents import INCIDENT
        >>> sorted(INCIDENT.accepts("resolve"))
        ['resolution']
        """
        if event not in self.fields:
            raise InvalidTransitionError(
                f"{event!r} is not an event of {self.chart.__name__}; events: "
                + ", ".join(self.events)
            )
        return self.fields[event] | self.arguments.get(event, frozenset())

    def check_registration(self, case: Case) -> None:
        """Refuse a new case that is not in its initial status with no history, that lacks
        a field its lifecycle requires (:attr:`required`), or that already carries a field
        only the lifecycle sets (a priority, an approval, ...)."""
        if case.status != self.initial or case.history:
            raise InvalidTransitionError(
                f"{case.kind} {case.id!r} must be registered {self.initial!s} with no "
                f"history, not {case.status!s}"
            )
        for name in sorted(self.required):
            if getattr(case, name, None) in (None, "", ()):
                raise ValidationError(
                    f"{case.kind} {case.id!r} cannot be registered without its {name}: "
                    f"its lifecycle requires one, got {getattr(case, name, None)!r}",
                    field=name,
                )
        for field in attrs.fields(type(case)):
            if field.name not in self.managed or field.name in self.at_registration:
                continue
            default: Any = field.default
            factory = getattr(default, "factory", None)
            if callable(factory):  # attrs.Factory
                default = factory()
            value = getattr(case, field.name)
            if value != default:
                raise ValidationError(
                    f"{case.kind} {case.id!r} cannot be registered with {field.name}={value!r}: "
                    f"its lifecycle sets it ({self._setters(field.name)})",
                    field=field.name,
                )

    def _setters(self, field: str) -> str:
        events = [e for e in self.events if field in self.fields[e]]
        events += [e for e, (names, _) in self.derived.items() if field in names]
        events += [e for e, fixed in self.effects.items() if field in fixed]
        return "set by " + ", ".join(dict.fromkeys(events))

    def check_history(self, case: Case) -> None:
        """Refuse a case whose history does not lead from the initial status to its status
        along transitions of the chart: status and history change only through
        :meth:`fire` (GR2.3)."""
        at = str(self.initial)
        for number, entry in enumerate(case.history, 1):
            targets = {t.target for t in self.table.get((entry.source, entry.event), ())}
            if entry.source != at or entry.target not in targets:
                raise InvalidTransitionError(
                    f"{case.kind} {case.id!r}: history entry {number} ({entry.event!r} from "
                    f"{entry.source!r} to {entry.target!r}) does not follow from {at!r}; "
                    "status and history change only through the lifecycle"
                )
            at = entry.target
        if str(case.status) != at:
            raise InvalidTransitionError(
                f"{case.kind} {case.id!r} is {case.status!s} but its history leads to {at!r}; "
                "status and history change only through the lifecycle"
            )

    def bind(self, case: Case) -> StateChart[Any]:
        """The declared chart bound to ``case`` (``status`` is its state field).

        Sending events to it moves the case as the chart says, without recording
        history; operations use :meth:`fire`, which also records and is faster.
        """
        return self.chart(model=case, state_field="status")

    def fire(
        self,
        case: Case,
        event: str,
        *,
        actor: str,
        at: datetime,
        note: str = "",
        **data: Any,
    ) -> HistoryEntry:
        """Apply ``event`` to ``case``: check guards and validators, set fields, record it.

        ``data`` are the case fields the event sets (``assignee="bob"``); guards and
        validators see them before anything changes. If the event is impossible, a
        guard fails or a validator raises, the case is left exactly as it was.
        """
        at = as_utc(at, "at")
        if not isinstance(actor, str) or not actor:
            raise ValidationError(
                f"the acting person must be named by a non-empty id, got {actor!r}"
            )
        latest = case.history[-1].at if case.history else case.registered_at
        if at < latest:
            raise ValidationError(
                f"{case.kind} {case.id!r}: {event!r} at {at.isoformat()} would be before its last "
                f"recorded step at {latest.isoformat()}; history only moves forward"
            )
        source = str(case.status)
        candidates = self.table.get((source, event))
        if not candidates:
            allowed = ", ".join(self.allowed(source)) or "none"
            raise InvalidTransitionError(
                f"{case.kind} {case.id!r} is {source!r}: {event!r} is not possible now; "
                f"allowed: {allowed}"
            )
        extra = self.arguments.get(event, frozenset())
        accepted = self.fields.get(event, frozenset())
        fields = _fields_of(type(case))
        for field in data:
            if field not in extra and (
                field not in accepted or field in _PROTECTED or field not in fields
            ):
                takes = ", ".join(sorted(self.accepts(event) & (fields | extra))) or "nothing"
                raise ValidationError(
                    f"{event!r} cannot set {field!r} on {case.kind} {case.id!r}; "
                    f"it accepts: {takes}",
                    field=field,
                )
        changes = {k: v for k, v in data.items() if k not in extra}
        changes.update(self.effects.get(event, {}))
        if event in self.derived:
            changes.update(self.derived[event][1](case, actor))
        context = dict(data)
        context.update({k: v for k, v in changes.items() if k not in data})
        context.update(model=case, actor=actor, at=at, note=note, event=event)
        chosen = None
        for transition in candidates:
            if all(bool(g(**context)) is want for g, want in transition.guards):
                chosen = transition
                break
        if chosen is None:
            # name only the conditions that failed, in the words of their docstrings
            failed = dict.fromkeys(
                _reason(g, want)
                for t in candidates
                for g, want in t.guards
                if bool(g(**context)) is not want
            )
            raise InvalidTransitionError(
                f"{case.kind} {case.id!r} is {source!r}: {event!r} is not allowed: "
                + "; ".join(failed or ["-"])
            )
        for validate in chosen.validators:
            validate(**context)
        before = {field: getattr(case, field) for field in changes}
        try:
            for field, value in changes.items():
                setattr(case, field, value)  # attrs converts and validates here
            check_fields(case, changes)
        except BaseException:
            for field, value in before.items():
                object.__setattr__(case, field, value)
            raise
        case.status = self.statuses(chosen.target)
        entry = HistoryEntry(at, actor, event, source, chosen.target, note, changes)
        case.history = (*case.history, entry)
        return entry


def _reason(guard: Guard, want: bool) -> str:
    """What a failed guard demands: its docstring's first line, else its name."""
    doc = (guard.__doc__ or "").strip().splitlines()
    text = doc[0].rstrip(".") if doc else guard.__name__
    return text if want else f"not: {text}"
