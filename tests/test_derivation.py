"""Service outages derived from CI outages through the CMDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import (
    BusinessCalendar,
    Cmdb,
    NotFoundError,
    Outage,
    derive_outages,
    measure_availability,
)
from fitsm.availability import OutageState
from fitsm.cmdb import ImpactStatus
from tests.strategies import small_graphs

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def t(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def status_at(log, subject: str, when: datetime) -> ImpactStatus:
    found = ImpactStatus.UP
    for o in log:
        if o.subject == subject and o.start <= when < o.end:
            if o.state is OutageState.DOWN:
                return ImpactStatus.DOWN
            found = ImpactStatus.DEGRADED
    return found


class TestTimeline:
    def test_a_service_is_down_exactly_while_its_redundancy_is_exhausted(self, shop: Cmdb) -> None:
        outages = [Outage("web1", t(1), t(5)), Outage("web2", t(3), t(7))]
        log = derive_outages(shop, outages)
        assert sorted((o.start, o.end, o.state.value) for o in log) == [
            (t(1), t(3), "degraded"),
            (t(3), t(5), "down"),
            (t(5), t(7), "degraded"),
        ]

    def test_planned_work_is_kept_apart(self, shop: Cmdb) -> None:
        outages = [Outage("db1", t(1), t(3), planned=True), Outage("sw1", t(2), t(4))]
        log = derive_outages(shop, outages)
        assert sorted((o.start, o.end, o.planned) for o in log) == [
            (t(1), t(2), True),
            (t(2), t(4), False),
        ]

    def test_touching_outages_make_one_continuous_outage(self, shop: Cmdb) -> None:
        log = derive_outages(shop, [Outage("db1", t(1), t(2)), Outage("sw1", t(2), t(3))])
        assert [(o.start, o.end) for o in log] == [(t(1), t(3))]

    def test_derived_outages_feed_availability(self, shop: Cmdb) -> None:
        log = derive_outages(shop, [Outage("sw1", t(0), t(3))])
        month = measure_availability(log, "shop", BusinessCalendar.always(), t(0), t(720))
        assert str(month.rounded(4)) == "99.5833"

    def test_other_subjects_can_be_watched(self, shop: Cmdb) -> None:
        log = derive_outages(shop, [Outage("web1", t(0), t(1))], subjects=["web-pool", "frontend"])
        assert {(o.subject, o.state.value) for o in log} == {
            ("web-pool", "degraded"),
            ("frontend", "degraded"),
        }

    def test_unknown_subjects_are_named(self, shop: Cmdb) -> None:
        with pytest.raises(NotFoundError, match="'ghost'"):
            derive_outages(shop, [Outage("ghost", t(0), t(1))])


@given(
    small_graphs(),
    st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 20), st.integers(1, 10), st.booleans()),
        max_size=8,
    ),
)
def test_the_timeline_agrees_with_impact_at_every_instant(graph, rows) -> None:
    cmdb = graph.cmdb()
    outages = [
        Outage(f"n{n % graph.size}", t(s), t(s + d), "down" if down else "degraded")
        for n, s, d, down in rows
    ]
    log = derive_outages(cmdb, outages, subjects=graph.ids)
    for hour in range(32):
        now = t(hour + 0.5)
        active = [o for o in outages if o.start <= now < o.end]
        down = {o.subject for o in active if o.state is OutageState.DOWN}
        degraded = {o.subject for o in active} - down
        for node in graph.ids:
            assert status_at(log, node, now) == _brute_force(cmdb, node, down, degraded), node


def _brute_force(cmdb: Cmdb, node: str, down: set[str], degraded: set[str]) -> ImpactStatus:
    """Brute force: evaluate every node from its dependencies, own state included."""
    import networkx as nx

    g = cmdb.graph
    rank = {ImpactStatus.UP: 0, ImpactStatus.DEGRADED: 1, ImpactStatus.DOWN: 2}
    state: dict[str, ImpactStatus] = {}
    for n in reversed(list(nx.topological_sort(g))):
        deps = [state[d] for d in g.successors(n)]
        own = (
            ImpactStatus.DOWN
            if n in down
            else ImpactStatus.DEGRADED
            if n in degraded
            else ImpactStatus.UP
        )
        if n in cmdb._groups:
            up = sum(s is not ImpactStatus.DOWN for s in deps)
            dep = (
                ImpactStatus.DOWN
                if up < cmdb._groups[n]
                else ImpactStatus.DEGRADED
                if any(s is not ImpactStatus.UP for s in deps)
                else ImpactStatus.UP
            )
        else:
            dep = max(deps, key=rank.__getitem__, default=ImpactStatus.UP)
        state[n] = max(own, dep, key=rank.__getitem__)
    return state[node]
