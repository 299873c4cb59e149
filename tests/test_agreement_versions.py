"""Agreement versions take effect at a time (PR2.2, issue 10): the past keeps its answers.

A renewal or a tightened target changes an agreement from when it takes effect,
never before: past months keep their grades, old incidents keep their clocks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import Q_, Agreement, Incident, Outage, ServiceTarget, ValidationError
from fitsm.cases import INCIDENT, sla_clocks
from fitsm.errors import DuplicateError, NotFoundError
from fitsm.service_levels import Agreements, evaluate
from fitsm.storage import codec
from tests.strategies import (
    SERVICES,
    AgreementHistory,
    agreement_histories,
    agreement_steps,
)

JAN, FEB, MAR, APR = (datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 3, 4))
H = timedelta(hours=1)


def sla(availability: float = 99.0, resolution: float = 8, **changes) -> Agreement:
    fields = {
        "id": "sla-shop",
        "kind": "SLA",
        "party": "retail",
        "covers": ["shop"],
        "targets": [
            ServiceTarget("availability", Q_(availability, "percent")),
            ServiceTarget("resolution_time", Q_(resolution, "hour"), priority="P1"),
        ],
    }
    fields.update(changes)
    return Agreement(**fields)


def graded(registry: Agreements, start: datetime, end: datetime) -> list[tuple]:
    outages = [Outage("shop", JAN + 24 * H, JAN + 29 * H)]  # 5 h down in January
    result = evaluate(registry, start, end, outages=outages)
    return [
        (r.agreement, r.version, r.subject, r.target.label, r.met, r.start, r.end)
        for r in result.results
    ]


class TestWorkedExamples:
    """The two failures of issue 10, each of which the latest-version rule got wrong."""

    def test_renewing_with_a_later_start_keeps_the_earlier_month(self) -> None:
        registry = Agreements()
        registry.add(sla(valid_from=JAN, valid_until=FEB))
        january = graded(registry, JAN, FEB)
        assert [(r[0], r[1], r[3], r[4]) for r in january] == [
            ("sla-shop", 1, "availability", True),  # 5 h of 744 h: 99.33 %
            ("sla-shop", 1, "resolution_time[P1]", None),
        ]
        registry.revise("sla-shop", valid_from=FEB, valid_until=MAR)  # the renewal
        assert graded(registry, JAN, FEB) == january
        assert {r[1] for r in graded(registry, FEB, MAR)} == {2}

    def test_tightening_a_target_does_not_regrade_past_months(self) -> None:
        registry = Agreements()
        registry.add(sla(availability=99.0))
        january = graded(registry, JAN, FEB)
        registry.revise(
            "sla-shop",
            targets=[ServiceTarget("availability", Q_(99.9, "percent"))],
            effective_from=MAR,
        )
        assert graded(registry, JAN, FEB) == january
        [march] = graded(registry, MAR, APR)
        assert (march[1], march[3], march[4]) == (2, "availability", True)

    def test_tightening_a_target_does_not_flip_old_incidents_to_breached(self) -> None:
        registry = Agreements()
        registry.add(sla(resolution=8))
        old = Incident("INC-1", "slow", JAN, "ann", service="shop", category="c",
                       impact="x", urgency="y", priority="P1", agreement="sla-shop")  # fmt: skip
        INCIDENT.fire(old, "assign", actor="ann", at=JAN + H, group="g")
        INCIDENT.fire(old, "resolve", actor="ann", at=JAN + 6 * H, resolution="r")
        [before] = sla_clocks([old], registry, FEB)
        assert (before.target, before.breached, before.version) == (8 * H, False, 1)

        registry.revise(
            "sla-shop",
            targets=[ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1")],
            effective_from=FEB,
        )
        assert sla_clocks([old], registry, FEB) == [before]
        new = Incident("INC-2", "slow", FEB, "ann", service="shop", category="c",
                       impact="x", urgency="y", priority="P1", agreement="sla-shop")  # fmt: skip
        INCIDENT.fire(new, "assign", actor="ann", at=FEB + H, group="g")
        INCIDENT.fire(new, "resolve", actor="ann", at=FEB + 6 * H, resolution="r")
        [clock] = sla_clocks([new], registry, MAR)
        assert (clock.target, clock.breached, clock.version) == (4 * H, True, 2)


class TestTimeline:
    def registry(self) -> Agreements:
        registry = Agreements()
        registry.add(sla(valid_from=JAN))
        registry.revise("sla-shop", party="retail-eu", effective_from=FEB)
        registry.revise("sla-shop", valid_from=MAR, valid_until=APR, party="retail-de")
        return registry

    def test_the_version_in_effect_at_a_time(self) -> None:
        registry = self.registry()
        assert registry.version_at("sla-shop", JAN - H) is None
        assert [
            registry.version_at("sla-shop", t).version  # type: ignore[union-attr]
            for t in (JAN, FEB - H, FEB, MAR, APR + H)
        ] == [1, 1, 2, 3, 3]
        assert registry.current("sla-shop").version == 3
        with pytest.raises(NotFoundError, match="'nope'"):
            registry.version_at("nope", JAN)

    def test_selection_uses_the_version_in_effect(self) -> None:
        registry = self.registry()
        assert registry.sla_for("shop", FEB - H).party == "retail"  # type: ignore[union-attr]
        assert registry.sla_for("shop", FEB + H).party == "retail-eu"  # type: ignore[union-attr]
        assert registry.sla_for("shop", MAR + H).party == "retail-de"  # type: ignore[union-attr]
        assert registry.sla_for("shop", APR + H) is None  # the renewal ended
        assert [a.version for a in registry.in_force(FEB)] == [2]

    def test_as_of_is_the_registry_as_it_stood(self) -> None:
        past = self.registry().as_of(FEB + H)
        assert [a.version for a in past.versions("sla-shop")] == [1, 2]
        assert past.current("sla-shop").party == "retail-eu"
        assert len(self.registry().as_of(JAN - H)) == 0

    def test_the_timeline_names_each_version_with_its_period(self) -> None:
        periods = self.registry().timeline("sla-shop")
        assert [(p.agreement.version, p.start, p.end) for p in periods] == [
            (1, JAN, FEB),
            (2, FEB, MAR),
            (3, MAR, APR),
        ]

    def test_an_evaluation_across_a_revision_is_split_by_version(self) -> None:
        registry = Agreements()
        registry.add(sla(availability=99.0))
        registry.revise(
            "sla-shop",
            targets=[ServiceTarget("availability", Q_(99.9, "percent"))],
            effective_from=JAN + timedelta(days=15),
        )
        outages = [Outage("shop", JAN + 24 * H, JAN + 29 * H)]
        result = evaluate(registry, JAN, FEB, outages=outages)
        assert [(r.version, r.start, r.end, r.met) for r in result.results] == [
            (1, JAN, JAN + timedelta(days=15), False),  # 5 h of 360 h: 98.61 %
            (1, JAN, JAN + timedelta(days=15), None),  # resolution_time[P1], not measured
            (2, JAN + timedelta(days=15), FEB, True),  # nothing down in the second half
        ]


class TestRevisionRules:
    def test_a_revision_needs_the_time_it_takes_effect(self) -> None:
        registry = Agreements()
        registry.add(sla())
        with pytest.raises(ValidationError, match="needs effective_from") as caught:
            registry.revise("sla-shop", owner="dave")
        assert caught.value.field == "effective_from"

    def test_a_renewal_takes_effect_when_it_starts(self) -> None:
        registry = Agreements()
        registry.add(sla(valid_from=JAN))
        renewed = registry.revise("sla-shop", valid_from=FEB)
        assert renewed.effective_from == FEB and renewed.effective == FEB

    def test_a_revision_cannot_take_effect_before_the_version_it_replaces(self) -> None:
        registry = Agreements()
        registry.add(sla(valid_from=FEB))
        with pytest.raises(ValidationError, match=r"before version 1 did \(2024-02-01") as caught:
            registry.revise("sla-shop", owner="dave", effective_from=JAN)
        assert "2024-01-01" in str(caught.value)
        assert len(registry.versions("sla-shop")) == 1

    def test_a_revision_dated_in_the_past_changes_only_what_follows_it(self) -> None:
        """Recorded late (a renewal signed in February, entered in March): allowed."""
        registry = Agreements()
        registry.add(sla(valid_from=JAN))
        registry.revise("sla-shop", owner="dave", effective_from=FEB)
        registry.revise("sla-shop", owner="erin", effective_from=FEB)  # corrects version 2
        assert registry.version_at("sla-shop", FEB).owner == "erin"  # type: ignore[union-attr]
        assert registry.version_at("sla-shop", FEB - H).version == 1  # type: ignore[union-attr]

    def test_an_effective_time_must_be_aware(self) -> None:
        registry = Agreements()
        registry.add(sla())
        with pytest.raises(ValidationError, match="effective_from .* has no time zone"):
            registry.revise("sla-shop", owner="dave", effective_from=datetime(2024, 2, 1))

    def test_one_default_sla_at_a_time_and_a_successor_may_follow(self) -> None:
        registry = Agreements()
        registry.add(sla(id="d1", party="", covers=[], default=True, valid_until=FEB))
        with pytest.raises(DuplicateError, match="default SLA already: 'd1'"):
            registry.add(sla(id="d2", party="", covers=[], default=True, valid_from=JAN))
        registry.add(sla(id="d2", party="", covers=[], default=True, valid_from=FEB))
        assert registry.default_sla(JAN).id == "d1"  # type: ignore[union-attr]
        assert registry.default_sla(FEB).id == "d2"  # type: ignore[union-attr]

    def test_writers_merge_successive_default_slas_but_not_overlapping_ones(self) -> None:
        from fitsm.errors import ConflictError

        def default(id: str, start: datetime, end: datetime | None = None) -> Agreement:
            return sla(id=id, party="", covers=[], default=True, valid_from=start, valid_until=end)

        base = Agreements()
        base.add(default("d1", JAN, FEB))
        mine, theirs = base.copy(), base.copy()
        theirs.add(default("d2", FEB, MAR))
        mine.add(default("d3", MAR))
        mine.rebase(theirs, base)
        assert [mine.default_sla(t).id for t in (JAN, FEB, MAR)] == ["d1", "d2", "d3"]  # type: ignore[union-attr]

        late = base.copy()
        late.add(default("d4", MAR - H))  # overlaps d2, which only theirs holds
        with pytest.raises(ConflictError, match=r"two default SLAs .*'d2', 'd4'"):
            late.rebase(theirs, base)


class TestStoredBeforeEffectiveDates:
    """Versions written by a fitsm without effective dates read back with the answers
    they gave then: a revision took effect when it became valid."""

    def legacy(self, *versions: Agreement) -> Agreements:
        registry = Agreements()
        registry._versions["sla-shop"] = list(versions)  # as the old revise() left them
        text = codec.dumps(registry)
        assert "effective_from" not in text
        loaded: Agreements = codec.loads(text)
        assert codec.dumps(loaded) == text  # reading writes nothing back
        return loaded

    def test_a_revision_without_a_new_start_replaced_its_predecessor_entirely(self) -> None:
        loaded = self.legacy(sla(valid_from=JAN), sla(99.9, valid_from=JAN, version=2))
        for at in (JAN, FEB, MAR):
            assert loaded.version_at("sla-shop", at).version == 2  # type: ignore[union-attr]
        [result] = [r for r in graded(loaded, JAN, FEB) if r[3] == "availability"]
        assert result[1] == 2

    def test_a_renewal_takes_effect_when_it_starts(self) -> None:
        loaded = self.legacy(
            sla(valid_from=JAN, valid_until=FEB), sla(valid_from=FEB, valid_until=MAR, version=2)
        )
        assert loaded.version_at("sla-shop", JAN).version == 1  # type: ignore[union-attr]
        assert {r[1] for r in graded(loaded, JAN, FEB)} == {1}
        assert loaded.revise("sla-shop", owner="dave", effective_from=FEB).version == 3


def past_answers(registry: Agreements, history: AgreementHistory) -> tuple:
    """Everything asked about the past: a period's evaluation, and the selection and the
    clocks of incidents registered at an instant."""
    at = history.at
    evaluation = evaluate(
        registry, history.start, history.end, outages=history.outages, services=SERVICES
    )
    selected = [registry.sla_for(s, at) for s in SERVICES]
    underpinning = [registry.underpinning(s, at) for s in SERVICES]
    cases = []
    for n, (service, sla) in enumerate(zip(SERVICES, selected, strict=True)):
        for named in (sla.id if sla is not None else None, None):  # as the desk records it
            cases.append(
                Incident(f"INC-{n}-{named}", "slow", at, "ann", service=service, category="c",
                         impact="x", urgency="y", priority="P1", agreement=named)
            )  # fmt: skip
    clocks = sla_clocks(cases, registry, at + timedelta(days=10))
    return (
        evaluation,
        selected,
        underpinning,
        registry.default_sla(at),
        registry.in_force(at),
        registry.as_of(at),
        clocks,
    )


@given(agreement_histories(), st.lists(agreement_steps(), min_size=1, max_size=4))
def test_later_revisions_and_renewals_leave_the_past_alone(
    history: AgreementHistory, later: list
) -> None:
    """For any recorded history, a period and an instant before a cutoff are answered the
    same after any revision, renewal or addition taking effect from the cutoff on."""
    registry = history.registry()
    before = past_answers(registry, history)
    for step in later:
        step.apply(registry, not_before=history.cutoff)
    assert past_answers(registry, history) == before
