"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
from hypothesis import strategies as st

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    FitsmError,
    Outage,
    RedundancyGroup,
    ServiceNode,
    ServiceTarget,
)
from fitsm.cmdb import HAS_MEMBER
from fitsm.conformance import FindingStatus
from fitsm.reviews import MonthlyRule
from fitsm.service_levels import Agreements

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@attrs.frozen
class SmallGraph:
    """A random dependency DAG: node i may depend on node j > i; some nodes are k-of-n groups."""

    size: int
    edges: tuple[tuple[str, str], ...]
    groups: dict[str, int]
    kinds: dict[str, str]

    @property
    def ids(self) -> list[str]:
        return [f"n{i}" for i in range(self.size)]

    def cmdb(self) -> Cmdb:
        cmdb = Cmdb(CmdbSchema(ci_types=["box"]))
        nodes = []
        for node_id in self.ids:
            if node_id in self.groups:
                nodes.append(RedundancyGroup(node_id, self.groups[node_id]))
            elif self.kinds[node_id] == "service":
                nodes.append(ServiceNode(node_id))
            elif self.kinds[node_id] == "component":
                nodes.append(ComponentNode(node_id))
            else:
                nodes.append(ConfigurationItem(node_id, "box"))
        rels = [(s, t, HAS_MEMBER if s in self.groups else "depends_on") for s, t in self.edges]
        cmdb.add_many(nodes, rels, actor="test", at=AT)
        return cmdb


@st.composite
def small_graphs(draw: st.DrawFn, max_size: int = 9) -> SmallGraph:
    size = draw(st.integers(1, max_size))
    edges = [
        (f"n{i}", f"n{j}")
        for i in range(size)
        for j in range(i + 1, size)
        if draw(st.integers(0, 2)) == 0
    ]
    groups: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for i in range(size):
        node = f"n{i}"
        members = [t for s, t in edges if s == node]
        if members and draw(st.booleans()):
            groups[node] = draw(st.integers(1, len(members)))
        kinds[node] = draw(st.sampled_from(["service", "component", "ci"]))
    return SmallGraph(size, tuple(edges), groups, kinds)


@st.composite
def graphs_with_failures(draw: st.DrawFn) -> tuple[SmallGraph, frozenset[str]]:
    graph = draw(small_graphs())
    failed = draw(st.frozensets(st.sampled_from(graph.ids), min_size=1))
    return graph, failed


# -- agreement histories (issue 10: the same history always gives the same answer) --------

DAY = timedelta(days=1)
BASE = datetime(2024, 1, 1, tzinfo=UTC)
SERVICES = ("shop", "mail", "web")
AGREEMENT_IDS = ("sla-shop", "sla-mail", "sla-any", "ola-web", "ua-db")
"""``sla-any`` is a default SLA; ``ola-web`` and ``ua-db`` underpin the services."""
CALENDARS = (BusinessCalendar.always(), BusinessCalendar.from_rules({"mon-fri": "09:00-17:00"}))
"""Shared, so that clocks read many cases per calendar at once (they group by calendar)."""


@attrs.frozen
class AgreementStep:
    """One change to an agreement registry: add an agreement, revise it, or renew it.

    Times are whole days after an anchor: for a step of the recorded history, the
    start of the year (an addition) or the time the agreement's newest version took
    effect (a revision or renewal); for a later step, the same but never before the
    cutoff, so that the step takes effect only after the past that is compared.
    """

    op: str
    agreement: str
    delay: int
    span: int | None
    """Days of validity of an addition or a renewal (None: open-ended)."""
    open_start: bool
    """An addition without ``valid_from``."""
    availability: float
    resolution: int
    covers: tuple[str, ...]
    calendar: int
    """Which of :data:`CALENDARS` the new version keeps its service hours in."""

    def apply(self, registry: Agreements, not_before: datetime | None = None) -> None:
        """Apply the step; a step the registry refuses (FitsmError) leaves it unchanged."""
        before = registry.copy()
        try:
            self._apply(registry, not_before)
        except FitsmError:
            assert registry == before, f"a refused {self} changed the registry"

    def _apply(self, registry: Agreements, not_before: datetime | None) -> None:
        targets = [
            ServiceTarget("availability", Q_(self.availability, "percent")),
            ServiceTarget("resolution_time", Q_(self.resolution, "hour"), priority="P1"),
        ]
        default = self.agreement == "sla-any"
        covers = () if default else self.covers
        calendar = CALENDARS[self.calendar]
        if self.op == "add":
            at = (not_before or BASE) + self.delay * DAY
            valid_until = None if self.span is None else at + self.span * DAY
            kind = {"sla": "SLA", "ola": "OLA", "ua-": "UA"}[self.agreement[:3]]
            registry.add(
                Agreement(
                    self.agreement,
                    kind,
                    "" if default else "party",
                    covers,
                    targets,
                    calendar=calendar,
                    valid_from=None if self.open_start else at,
                    valid_until=valid_until,
                    default=default,
                    # a later addition without a start must still take effect later
                    effective_from=at if self.open_start and not_before is not None else None,
                )
            )
            return
        since = registry.current(self.agreement).effective or BASE
        if not_before is not None:
            since = max(since, not_before)
        at = since + self.delay * DAY
        if self.op == "revise":
            registry.revise(
                self.agreement,
                effective_from=at,
                targets=targets,
                covers=covers,
                calendar=calendar,
            )
        else:  # a renewal: valid from a later start, for a span or open-ended
            valid_until = None if self.span is None else at + self.span * DAY
            registry.revise(self.agreement, valid_from=at, valid_until=valid_until, targets=targets)


@st.composite
def agreement_steps(draw: st.DrawFn) -> AgreementStep:
    return AgreementStep(
        op=draw(st.sampled_from(["add", "revise", "renew"])),
        agreement=draw(st.sampled_from(AGREEMENT_IDS)),
        delay=draw(st.integers(0, 20)),
        span=draw(st.none() | st.integers(1, 40)),
        open_start=draw(st.booleans()),
        availability=draw(st.sampled_from([95.0, 99.0, 99.5, 99.9])),
        resolution=draw(st.sampled_from([2, 4, 8, 24])),
        covers=tuple(draw(st.sets(st.sampled_from(SERVICES), min_size=1))),
        calendar=draw(st.integers(0, len(CALENDARS) - 1)),
    )


@attrs.frozen
class AgreementHistory:
    """A recorded history of agreement changes, outages, and the past to compare: a period
    ``[start, end)`` and an instant ``at``, both before ``cutoff``."""

    steps: tuple[AgreementStep, ...]
    outages: tuple[Outage, ...]
    cutoff: datetime
    start: datetime
    end: datetime
    at: datetime

    def registry(self) -> Agreements:
        registry = Agreements()
        for step in self.steps:
            step.apply(registry)
        return registry


@st.composite
def agreement_histories(draw: st.DrawFn) -> AgreementHistory:
    steps = tuple(draw(st.lists(agreement_steps(), min_size=2, max_size=12)))
    outages = tuple(
        Outage(
            draw(st.sampled_from(SERVICES)),
            (begin := BASE + draw(st.integers(0, 24 * 90)) * timedelta(hours=1)),
            begin + draw(st.integers(1, 48)) * timedelta(hours=1),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    cutoff = BASE + draw(st.integers(1, 80)) * DAY
    end = draw(st.integers(1, (cutoff - BASE) // DAY))
    start = draw(st.integers(0, end - 1))
    at = BASE + draw(st.integers(0, (cutoff - BASE) // timedelta(hours=1) - 1)) * timedelta(hours=1)
    return AgreementHistory(steps, outages, cutoff, BASE + start * DAY, BASE + end * DAY, at)


# -- ids that exports must escape (issue 11: GraphML, DOT, Mermaid) --------------------

odd_ids = st.text(
    # no control characters: XML cannot hold most of them
    st.characters(blacklist_categories=("Cc", "Cs", "Cn")),
    min_size=1,
    max_size=8,
).filter(lambda s: s == s.strip())
"""Node ids with quotes, backslashes, spaces inside, markup and any script."""

STORABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
"""Characters every store keeps: no lone surrogates, no NUL (issue 10)."""


def review_rules() -> st.SearchStrategy[timedelta | MonthlyRule]:
    """Review rules: an interval from a second to 800 days, or every 1 to 24 calendar months
    on any day, in zones whose clocks change (Lord Howe by half an hour, Santiago at midnight)."""
    return st.one_of(
        st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=800)),
        st.builds(
            MonthlyRule,
            st.integers(1, 24),
            st.integers(1, 31),
            st.sampled_from(["UTC", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago"]),
        ),
    )


@st.composite
def linear_series(draw: st.DrawFn) -> tuple[int, int, float, float, int]:
    """An exactly linear utilisation history: ``(start µs, step µs, first value, growth per
    step, samples)``, steps of whole seconds and values on a grid of 1/64 so float64 holds
    every sample exactly."""
    start = draw(st.integers(0, 2_000_000_000)) * 1_000_000  # 1970 .. 2033, whole seconds
    step = draw(st.integers(60, 7 * 86_400)) * 1_000_000  # a minute .. a week
    first = draw(st.integers(0, 64 * 1000)) / 64
    growth = draw(st.integers(-64 * 10, 64 * 10)) / 64
    samples = draw(st.integers(2, 400))
    return start, step, first, growth, samples


@st.composite
def utilisation_values(draw: st.DrawFn) -> list[float]:
    """Utilisation samples between 0 and 100, often repeating levels so runs touch limits."""
    return draw(
        st.lists(
            st.one_of(st.sampled_from([0.0, 50.0, 80.0, 90.0, 100.0]), st.floats(0, 100)),
            max_size=60,
        )
    )


@attrs.frozen
class GateSituation:
    """A toll-gate on going live, and what is known of one service when it is checked: the
    facts the evidence holds for it, the manual criteria confirmed and the criteria waived."""

    manual: tuple[bool, ...]
    """Per criterion ``c<i>``: confirmed by a person (True) or checked against evidence."""
    evidenced: frozenset[int]
    confirmed: frozenset[int]
    waived: frozenset[int]

    @property
    def satisfied(self) -> frozenset[int]:
        """The criteria that do not hold the service back, worked out by hand."""
        return frozenset(
            i
            for i, manual in enumerate(self.manual)
            if i in self.waived or (i in self.confirmed if manual else i in self.evidenced)
        )


@st.composite
def gate_situations(draw: st.DrawFn) -> GateSituation:
    manual = tuple(draw(st.lists(st.booleans(), min_size=1, max_size=5)))
    indexes = st.sampled_from(range(len(manual)))
    manual_ones = [i for i, m in enumerate(manual) if m]
    return GateSituation(
        manual,
        frozenset(draw(st.sets(indexes))),
        frozenset(draw(st.sets(st.sampled_from(manual_ones)))) if manual_ones else frozenset(),
        frozenset(draw(st.sets(indexes))),
    )


@attrs.frozen
class DrawnTest:
    """A continuity test's events drawn with what they must give: the disruption at
    ``start`` (in any zone), restored ``recovery`` later (or never), data recovered to
    ``loss`` before it (or not recorded)."""

    start: datetime
    recovery: timedelta | None
    loss: timedelta | None

    def events(self) -> list[object]:
        from fitsm.availability import TestEvent

        found = [TestEvent("disrupted", self.start)]
        if self.recovery is not None:
            found.append(TestEvent("plan_invoked", self.start + self.recovery / 3))
            found.append(TestEvent("restored", self.start + self.recovery))
        if self.loss is not None:
            found.append(TestEvent("data_recovered_to", self.start - self.loss))
        return found


@st.composite
def drawn_tests(draw: st.DrawFn) -> DrawnTest:
    """Continuity tests: a disruption between 2000 and 2090 at any UTC offset, recovered
    within up to 30 days (or not), with up to a week of data lost (or not recorded)."""
    offset = draw(st.integers(-14 * 60, 14 * 60))
    zone = timezone(timedelta(minutes=offset))
    start = draw(st.datetimes(datetime(2000, 1, 1), datetime(2090, 1, 1), timezones=st.just(zone)))
    span = st.timedeltas(timedelta(0), timedelta(days=30))
    recovery = draw(st.none() | span)
    loss = draw(st.none() | st.timedeltas(timedelta(0), timedelta(days=7)))
    return DrawnTest(start, recovery, loss)


# -- the SMS register (issue 14) ------------------------------------------------------

sms_ids = st.text(STORABLE, min_size=1, max_size=12).filter(lambda s: s == s.strip())
"""Ids of SMS items (stakeholders, KPIs, documents): storable text without surrounding space."""
ACCESS_ACTIONS = ("grant", "confirm", "revoke", "review")


@st.composite
def access_histories(draw: st.DrawFn) -> list[tuple[str, str, int]]:
    """Steps on the access rights to one asset: (action, right id, day), days never falling."""
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ACCESS_ACTIONS),
                st.sampled_from(("r1", "r2", "r3", "r4")),
                st.integers(0, 3),
            ),
            max_size=25,
        )
    )
    day, history = 0, []
    for action, right_id, gap in steps:
        day += gap
        history.append((action, right_id, day))
    return history


finding_statuses = st.lists(
    st.sampled_from(tuple(FindingStatus)),
    min_size=1,
    max_size=8,
)
"""The statuses of one subject's findings in an audit (a process has 3 to 6 requirements)."""
satisfaction_scores = st.integers(1, 5)
"""One answer of a satisfaction survey on the default 1-5 scale (PR7.6)."""
