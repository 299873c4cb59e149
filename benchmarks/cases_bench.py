"""Benchmark of incident lifecycles and SLA clock replay against bare python-statemachine.

Two workloads, every figure and ratio from the same run:

* lifecycle: N incidents, each registered (classified and prioritised at once),
  assigned to a group, put on hold, resumed, resolved and closed with the user's
  confirmation, through ``CaseDesk`` on the in-memory store with authorization on
  (the actor is ISRM process staff) and an SLA in the store, so every event is a unit
  of work that loads the case and the role model, checks the roles and commits.
  Baseline: the naive way, a python-statemachine ``IncidentChart`` bound to each
  fresh ``Incident`` and sent the same events with the same data (the fields an event
  sets are then copied onto the case by hand; no history, no store, no role checks).
  The compiled lifecycle engine alone (``INCIDENT.fire`` on incidents in memory) is
  shown for context;
* replay: a year of incidents whose histories hold M transitions in all (pending
  periods, priority changes, some cases still open), read with ``sla_clocks`` for the
  resolution and the response clock against an SLA with targets per priority P1..P5 on
  a Mon-Fri 08:00-18:00 calendar. Baseline, on a sample: rebuild each case's status
  timeline by sending every recorded event to a python-statemachine chart bound to a
  fresh ``Incident``, then add up ``calendar.service_time`` over the intervals in
  which each clock runs. Both must find the same elapsed time for every sampled case,
  to the microsecond.

The data is generated from a seeded random source and is not timed. Run from the
repository root::

    python benchmarks/cases_bench.py                     # 100000 incidents, 1000000 transitions
    python benchmarks/cases_bench.py --incidents 2000 --transitions 20000 --seed 1

The small run takes seconds; the default run takes minutes.
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from typing import Any

import numpy as np
from cmdb_bench import ratio, section, table  # shared report helpers

from fitsm import Q_, Agreement, BusinessCalendar, ServiceTarget, open_store
from fitsm.cases import INCIDENT
from fitsm.cases.clocks import ClockKind, SlaClock, sla_clocks
from fitsm.cases.incidents import Incident
from fitsm.cases.priority import DEFAULT_MATRIX
from fitsm.desk import CaseDesk
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.service_levels import Agreements
from fitsm.storage.ports import Store

ACTOR = "ann"
SLA_ID = "sla-desk"
START = datetime(2025, 1, 6, 7, 30, tzinfo=UTC)
"""The first registration of the lifecycle run (a Monday morning)."""
YEAR = datetime(2025, 1, 1, tzinfo=UTC)
"""The start of the replayed year; the clocks are read one year later."""

LEVELS = ("high", "medium", "low")
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
RESPONSE_HOURS = (0.25, 0.5, 1, 4, 8)
RESOLUTION_HOURS = (4, 8, 16, 40, 80)
SERVICES = tuple(f"svc{i}" for i in range(12))
CATEGORIES = ("hardware", "software", "network", "access", "request")
GROUPS = ("desk-1", "desk-2", "network", "platform", "apps")
STAFF = 8
"""ISRM process staff besides the actor in the role model."""

LIFECYCLE = ("classify", "prioritise", "assign", "wait", "resume", "resolve", "close")
"""The events each incident of the lifecycle run goes through, in order."""
NAIVE_CASES = 10_000
NAIVE_REPLAY_CASES = 5_000
PER_CASE = 6
"""Transitions in each replayed history."""
OPEN_WINDOW = timedelta(days=30)
"""Replayed cases registered this close to the reading may still be open."""
GOAL_LIFECYCLE = 3.0
GOAL_REPLAY = 50.0

RUNNING: dict[ClockKind, frozenset[str]] = {
    ClockKind.RESOLUTION: frozenset({"new", "assigned", "in_progress"}),
    ClockKind.RESPONSE: frozenset({"new"}),
}
"""The statuses in which each clock runs (the library's default policy)."""


# -- setting up ----------------------------------------------------------------------------


def service_calendar() -> BusinessCalendar:
    return BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}, name="office hours")


def agreements() -> Agreements:
    """One default SLA with response and resolution targets for P1..P5, in office hours."""
    targets = [
        ServiceTarget(kind, Q_(hours, "hour"), priority=p)
        for kind, column in (
            ("response_time", RESPONSE_HOURS),
            ("resolution_time", RESOLUTION_HOURS),
        )
        for p, hours in zip(PRIORITIES, column, strict=True)
    ]
    found = Agreements()
    found.add(
        Agreement(
            SLA_ID,
            "SLA",
            "all customers",
            SERVICES,
            targets,
            calendar=service_calendar(),
            default=True,
        )
    )
    return found


def role_model() -> RoleModel:
    """The ISRM process owner, manager and staff; the actor is process staff."""
    roles = RoleModel()
    roles.add_person(Person("olga", "Olga"))
    roles.add_person(Person("max", "Max", manager="olga"))
    roles.assign("olga", Role.PROCESS_OWNER, Process.ISRM)
    roles.assign("max", Role.PROCESS_MANAGER, Process.ISRM)
    for person in (ACTOR, *(f"staff{i}" for i in range(STAFF))):
        roles.add_person(Person(person, person.title(), manager="max"))
        roles.assign(person, Role.PROCESS_STAFF, Process.ISRM)
    return roles


def desk_store() -> Store:
    store = open_store("memory://")
    with store.unit_of_work() as uow:
        uow.roles.add(role_model())
        uow.agreements.add(agreements())
        uow.commit()
    return store


# -- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What happens to one incident of the lifecycle run."""

    id: str
    service: str
    category: str
    impact: str
    urgency: str
    group: str
    times: tuple[datetime, ...]
    """Registration, assign, wait, resume, resolve and close, increasing."""

    @property
    def priority(self) -> str:
        return DEFAULT_MATRIX.priority(self.impact, self.urgency)


def plans(n: int, seed: int) -> list[Plan]:
    """N incidents registered one after the other, each with increasing event times."""
    rng = random.Random(f"{seed}:lifecycle")
    found = []
    registered = START
    for i in range(n):
        registered += timedelta(seconds=rng.randint(1, 60))
        times = [registered]
        for low, high in ((60, 3600), (60, 7200), (600, 86_400), (600, 14_400), (60, 86_400)):
            times.append(times[-1] + timedelta(seconds=rng.randint(low, high)))
        found.append(
            Plan(
                f"inc{i:07d}",
                rng.choice(SERVICES),
                rng.choice(CATEGORIES),
                rng.choice(LEVELS),
                rng.choice(LEVELS),
                rng.choice(GROUPS),
                tuple(times),
            )
        )
    return found


def new_incident(plan: Plan, category: str = "") -> Incident:
    return Incident(
        plan.id,
        f"Incident {plan.id}",
        plan.times[0],
        ACTOR,
        service=plan.service,
        category=category,
    )


def replay_cases(n: int, seed: int) -> tuple[list[Incident], datetime]:
    """N incidents spread over a year with six transitions each, and the reading instant.

    Half go through a pending period and stay resolved, three in ten wait and are
    closed, one in ten changes priority while in progress and is closed; of those
    registered in the last month, three in ten change priority and are still open.
    """
    rng = random.Random(f"{seed}:replay")
    now = YEAR + timedelta(days=365)
    latest = (now - YEAR - timedelta(days=15)) // timedelta(seconds=1)
    offsets = sorted(rng.randrange(latest) for _ in range(n))
    cases = []
    for i, offset in enumerate(offsets):
        case = Incident(
            f"inc{i:07d}",
            f"Incident {i}",
            YEAR + timedelta(seconds=offset),
            ACTOR,
            service=rng.choice(SERVICES),
            category=rng.choice(CATEGORIES),
        )
        last = write_history(case, rng, now - case.registered_at < OPEN_WINDOW)
        assert last < now
        assert len(case.history) == PER_CASE
        cases.append(case)
    return cases, now


def write_history(case: Incident, rng: random.Random, recent: bool) -> datetime:
    """Move a new incident through one of four scripts; the instant of its last event."""
    fire = INCIDENT.fire
    at = case.registered_at

    def later(low_minutes: int, high_minutes: int) -> datetime:
        nonlocal at
        at += timedelta(seconds=rng.randint(low_minutes * 60, high_minutes * 60))
        return at

    def prioritise(when: datetime) -> None:
        impact, urgency = rng.choice(LEVELS), rng.choice(LEVELS)
        fire(
            case,
            "prioritise",
            actor=ACTOR,
            at=when,
            impact=impact,
            urgency=urgency,
            priority=DEFAULT_MATRIX.priority(impact, urgency),
            agreement=SLA_ID,
        )

    prioritise(at)
    fire(case, "assign", actor=ACTOR, at=later(1, 240), group=rng.choice(GROUPS))
    draw = rng.random()
    if recent and draw < 0.3:
        fire(case, "start", actor=ACTOR, at=later(1, 480))
        fire(case, "wait", actor=ACTOR, at=later(30, 2880))
        fire(case, "resume", actor=ACTOR, at=later(60, 4320))
        prioritise(later(10, 1440))
    elif draw < 0.5:
        fire(case, "start", actor=ACTOR, at=later(1, 480))
        fire(case, "wait", actor=ACTOR, at=later(30, 2880))
        fire(case, "resume", actor=ACTOR, at=later(60, 4320))
        fire(case, "resolve", actor=ACTOR, at=later(10, 1440), resolution="fixed")
    elif draw < 0.8:
        fire(case, "wait", actor=ACTOR, at=later(10, 1440))
        fire(case, "resume", actor=ACTOR, at=later(60, 4320))
        fire(case, "resolve", actor=ACTOR, at=later(10, 2880), resolution="fixed")
        fire(case, "close", actor=ACTOR, at=later(60, 7200), confirmed=True)
    else:
        fire(case, "start", actor=ACTOR, at=later(1, 480))
        prioritise(later(10, 1440))
        fire(case, "resolve", actor=ACTOR, at=later(10, 2880), resolution="fixed")
        fire(case, "close", actor=ACTOR, at=later(60, 7200), confirmed=True)
    return at


# -- the lifecycle run ---------------------------------------------------------------------


def run_desk(work: Sequence[Plan]) -> tuple[float, list[float], Store]:
    """Drive every planned incident through ``CaseDesk``: total time, time per tenth, store."""
    store = desk_store()
    desk = CaseDesk(store)
    register, fire = desk.register_incident, desk.fire
    tenth = max(len(work) // 10, 1)
    marks: list[float] = []
    gc.collect()
    clock = time.perf_counter
    start = mark = clock()
    for i, p in enumerate(work, 1):
        t = p.times
        register(new_incident(p, p.category), actor=ACTOR, impact=p.impact, urgency=p.urgency)
        fire(p.id, "assign", actor=ACTOR, at=t[1], group=p.group)
        fire(p.id, "wait", actor=ACTOR, at=t[2])
        fire(p.id, "resume", actor=ACTOR, at=t[3])
        fire(p.id, "resolve", actor=ACTOR, at=t[4], resolution="fixed")
        fire(p.id, "close", actor=ACTOR, at=t[5], confirmed=True)
        if i % tenth == 0:
            now = clock()
            marks.append(now - mark)
            mark = now
    return clock() - start, marks, store


def naive_lifecycle(work: Sequence[Plan]) -> list[Incident]:
    """One python-statemachine chart per incident, sent the same events and data."""
    done = []
    for p in work:
        case = new_incident(p)
        chart = INCIDENT.chart(model=case, state_field="status")
        t = p.times
        steps: tuple[tuple[str, datetime, dict[str, Any]], ...] = (
            ("classify", t[0], {"category": p.category}),
            (
                "prioritise",
                t[0],
                {"impact": p.impact, "urgency": p.urgency, "priority": p.priority},
            ),
            ("assign", t[1], {"group": p.group}),
            ("wait", t[2], {}),
            ("resume", t[3], {}),
            ("resolve", t[4], {"resolution": "fixed"}),
            ("close", t[5], {"confirmed": True}),
        )
        for event, at, data in steps:
            chart.send(event, at=at, actor=ACTOR, **data)
            for field, value in data.items():
                if field != "confirmed":
                    setattr(case, field, value)
        done.append(case)
    return done


def bare_engine(work: Sequence[Plan]) -> list[Incident]:
    """The compiled lifecycle alone: ``INCIDENT.fire`` on incidents in memory, no store."""
    fire = INCIDENT.fire
    done = []
    for p in work:
        case = new_incident(p)
        t = p.times
        fire(case, "classify", actor=ACTOR, at=t[0], category=p.category)
        fire(
            case,
            "prioritise",
            actor=ACTOR,
            at=t[0],
            impact=p.impact,
            urgency=p.urgency,
            priority=p.priority,
            agreement=SLA_ID,
        )
        fire(case, "assign", actor=ACTOR, at=t[1], group=p.group)
        fire(case, "wait", actor=ACTOR, at=t[2])
        fire(case, "resume", actor=ACTOR, at=t[3])
        fire(case, "resolve", actor=ACTOR, at=t[4], resolution="fixed")
        fire(case, "close", actor=ACTOR, at=t[5], confirmed=True)
        done.append(case)
    return done


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_lifecycle(n: int, seed: int) -> float:
    section(f"CaseLifecycle: {n:,} incidents through {len(LIFECYCLE)} events each")
    start = time.perf_counter()
    work = plans(n, seed)
    sample = work[: min(n, NAIVE_CASES)]
    print(f"events per incident: {', '.join(LIFECYCLE)}")
    print(
        f"generated in {time.perf_counter() - start:.1f} s (not timed); role model: "
        f"{STAFF + 3} people, the actor ISRM process staff; one SLA in the store\n",
        flush=True,
    )

    desk_time, marks, store = run_desk(work)
    with store.unit_of_work() as uow:
        stored = [uow.cases.get(p.id) for p in work]
    assert all(c.status == "closed" and len(c.history) == len(LIFECYCLE) for c in stored)
    assert all(getattr(c, "agreement", None) == SLA_ID for c in stored)
    del stored, store

    naive_time, naive_done = timed(lambda: naive_lifecycle(sample))
    assert all(c.status == "closed" for c in naive_done)
    engine_time, engine_done = timed(lambda: bare_engine(work))
    assert all(c.status == "closed" for c in engine_done)
    del naive_done, engine_done

    steps = len(LIFECYCLE)
    tenth = max(n // 10, 1)
    rows = [
        ("CaseDesk (store, roles, SLA)", n, desk_time),
        ("  first tenth", tenth, marks[0]),
        ("  last tenth", tenth, marks[-1]),
        ("naive python-statemachine chart", len(sample), naive_time),
        ("bare INCIDENT.fire, no store", n, engine_time),
    ]
    naive_rate = len(sample) / naive_time
    print(f"{len(sample):,} incidents for the naive chart (the first of the {n:,})")
    table(
        ["", "incidents", "s", "cases/s", "transitions/s", "vs naive"],
        [
            [
                name,
                f"{count:,}",
                f"{seconds:.2f}",
                f"{count / seconds:,.0f}",
                f"{count * steps / seconds:,.0f}",
                ratio(count / seconds, naive_rate),
            ]
            for name, count, seconds in rows
        ],
    )
    result = (n / desk_time) / naive_rate
    print(
        f"goal CaseDesk / naive chart: {result:.2f}x, {verdict(result, GOAL_LIFECYCLE)}\n",
        flush=True,
    )
    return result


# -- the replay ------------------------------------------------------------------------------


def naive_replay(
    cases: Sequence[Incident], calendar: BusinessCalendar, now: datetime, kind: ClockKind
) -> list[timedelta]:
    """Per case, the time elapsed on one clock, from a chart replaying its history."""
    running = RUNNING[kind]
    found = []
    for recorded in cases:
        case = Incident(
            recorded.id,
            recorded.title,
            recorded.registered_at,
            recorded.registered_by,
            service=recorded.service,
            category=recorded.category,
        )
        chart = INCIDENT.chart(model=case, state_field="status")
        timeline = [(case.registered_at, str(case.status))]
        for h in recorded.history:
            data = dict(h.changes)
            if h.event == "close":
                data["confirmed"] = True  # the confirmation is not a case field
            chart.send(h.event, at=h.at, actor=h.actor, **data)
            for field, value in h.changes.items():
                setattr(case, field, value)
            timeline.append((h.at, str(case.status)))
        timeline.append((now, ""))
        elapsed = timedelta(0)
        for (start, status), (end, _) in itertools.pairwise(timeline):
            if status in running:
                elapsed += calendar.service_time(start, end)
        found.append(elapsed)
    return found


def read_clocks(
    cases: Sequence[Incident], registry: Agreements, now: datetime, kind: ClockKind, repeat: int
) -> tuple[float, list[SlaClock]]:
    """The median time of ``repeat`` readings of one kind of clock, and the last reading."""
    times = []
    clocks: list[SlaClock] = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        clocks = sla_clocks(cases, registry, now, kind=kind)
        times.append(time.perf_counter() - start)
    return statistics.median(times), clocks


def run_replay(m: int, seed: int) -> tuple[float, float]:
    n = max(m // PER_CASE, 1)
    section(f"Replay: SLA clocks of {n:,} incidents, {n * PER_CASE:,} transitions over a year")
    start = time.perf_counter()
    cases, now = replay_cases(n, seed)
    registry = agreements()
    calendar = registry.current(SLA_ID).calendar
    transitions = sum(len(c.history) for c in cases)
    pending = sum(any(h.target == "pending" for h in c.history) for c in cases)
    changed = sum(sum(h.event == "prioritise" for h in c.history) > 1 for c in cases)
    still = sum(c.status in RUNNING[ClockKind.RESOLUTION] for c in cases)
    print(
        f"{len(cases):,} incidents, {transitions:,} transitions: {pending:,} with a pending "
        f"period, {changed:,} priority changes, {still:,} still open at {now:%Y-%m-%d}"
    )
    print(
        f"SLA {SLA_ID!r} on Mon-Fri 08:00-18:00 UTC, targets P1..P5: response "
        f"{'/'.join(f'{h:g}' for h in RESPONSE_HOURS)} h, resolution "
        f"{'/'.join(f'{h:g}' for h in RESOLUTION_HOURS)} h"
    )
    print(f"generated in {time.perf_counter() - start:.1f} s (not timed)\n", flush=True)

    repeat = 3 if transitions <= 1_000_000 else 1
    lib_resolution, resolution = read_clocks(cases, registry, now, ClockKind.RESOLUTION, repeat)
    lib_response, response = read_clocks(cases, registry, now, ClockKind.RESPONSE, repeat)

    rng = random.Random(f"{seed}:sample")
    picked = sorted(rng.sample(range(len(cases)), min(len(cases), NAIVE_REPLAY_CASES)))
    sample = [cases[i] for i in picked]
    sample_transitions = sum(len(c.history) for c in sample)
    rows: list[tuple[str, int, float, float]] = []
    results: dict[ClockKind, float] = {}
    for kind, lib_time, clocks in (
        (ClockKind.RESOLUTION, lib_resolution, resolution),
        (ClockKind.RESPONSE, lib_response, response),
    ):
        naive_time, naive = timed(functools.partial(naive_replay, sample, calendar, now, kind))
        for i, elapsed in zip(picked, naive, strict=True):
            assert clocks[i].case == cases[i].id
            assert clocks[i].elapsed == elapsed, (kind, cases[i].id, clocks[i], elapsed)
        naive_rate = sample_transitions / naive_time
        results[kind] = (transitions / lib_time) / naive_rate
        rows.append((f"sla_clocks {kind.value}", transitions, lib_time, naive_rate))
        rows.append(("  naive chart + service_time", sample_transitions, naive_time, naive_rate))

    print(
        f"sla_clocks: median of {repeat} readings per kind; naive: {len(sample):,} random "
        f"incidents ({sample_transitions:,} transitions), one replay per kind; the elapsed "
        "times are equal for every sampled case"
    )
    table(
        ["", "transitions", "s", "transitions/s", "cases/s", "vs naive"],
        [
            [
                name,
                f"{count:,}",
                f"{seconds:.2f}",
                f"{count / seconds:,.0f}",
                f"{count / PER_CASE / seconds:,.0f}",
                ratio(count / seconds, naive_rate),
            ]
            for name, count, seconds, naive_rate in rows
        ],
    )
    print(
        f"clocks: {sum(c.breached for c in resolution):,} resolution and "
        f"{sum(c.breached for c in response):,} response targets breached, "
        f"{sum(c.warned_at is not None for c in resolution):,} resolution warnings, "
        f"{sum(c.running for c in resolution):,} resolution clocks running"
    )
    for kind, result in results.items():
        print(f"goal sla_clocks {kind.value} / naive replay: {result:.2f}x, ", end="")
        print(verdict(result, GOAL_REPLAY))
    print(flush=True)
    return results[ClockKind.RESOLUTION], results[ClockKind.RESPONSE]


# -- printing --------------------------------------------------------------------------------


def verdict(value: float, goal: float) -> str:
    return f">= {goal:g}x {'met' if value >= goal else 'MISSED'}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000, metavar="N")
    parser.add_argument("--transitions", type=int, default=1_000_000, metavar="M")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"fitsm {version('fitsm')}, python-statemachine {version('python-statemachine')}, "
        f"attrs {version('attrs')}, numpy {np.__version__}"
    )
    print(
        f"incidents {args.incidents:,}, transitions {args.transitions:,}, seed {args.seed}\n",
        flush=True,
    )

    lifecycle = run_lifecycle(args.incidents, args.seed)
    gc.collect()
    resolution, response = run_replay(args.transitions, args.seed)

    section("Summary: ratios library / naive python-statemachine")
    table(
        ["", "ratio", "goal"],
        [
            [
                f"lifecycle ({args.incidents:,} incidents): CaseDesk cases/s",
                f"{lifecycle:.2f}x",
                verdict(lifecycle, GOAL_LIFECYCLE),
            ],
            [
                f"replay ({args.transitions:,} transitions): resolution clock",
                f"{resolution:.2f}x",
                verdict(resolution, GOAL_REPLAY),
            ],
            [
                f"replay ({args.transitions:,} transitions): response clock",
                f"{response:.2f}x",
                verdict(response, GOAL_REPLAY),
            ],
        ],
    )


if __name__ == "__main__":
    main()
