"""What the SQL stores keep of review schedules and the risk register beyond the contract:
the audit trail names who performed a review or changed a risk, and which version it wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fitsm import open_store
from fitsm.reviews import ReviewSchedules
from fitsm.risks import Risk, RiskRegister

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
SLA = ("agreement", "sla-shop")
VERIFY = ("cmdb_verification", "default")


def test_each_commit_is_audited_with_its_actor_and_version(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'fitsm.db'}")
    schedules, register = ReviewSchedules(), RiskRegister()
    schedules.plan(SLA, timedelta(days=90), at=T0, by="ann")
    schedules.plan(VERIFY, timedelta(days=30), at=T0, by="ann")
    register.add(Risk("flood", "Flood", "continuity", ["dc1"], "rare", "severe"), at=T0, by="ann")
    with store.unit_of_work("ann") as uow:
        uow.reviews.add(schedules)
        uow.risks.add(register)
        uow.commit()
    with store.unit_of_work("carol") as first, store.unit_of_work("bob") as second:
        first.reviews.get().perform(SLA, at=T0 + timedelta(days=1), by="carol")
        second.reviews.get().perform(VERIFY, at=T0 + timedelta(days=2), by="bob")
        second.risks.get().close("flood", at=T0 + timedelta(days=2), by="bob")
        first.commit()
        second.commit()  # merged on top of carol's review
    seen = [
        (e["actor"], e["kind"], e["subject"], e["action"], e["detail"]["version"])
        for e in store.audit_entries()
    ]
    assert seen == [
        ("ann", "reviews", "default", "saved", 1),
        ("ann", "risks", "default", "saved", 1),
        ("carol", "reviews", "default", "saved", 2),
        ("bob", "reviews", "default", "saved", 3),
        ("bob", "risks", "default", "saved", 2),
    ]
    assert store.verify_audit().ok
    with store.unit_of_work() as uow:
        assert [r.by for s in uow.reviews.get() for r in s.reviews] == ["carol", "bob"]
    store.close()
