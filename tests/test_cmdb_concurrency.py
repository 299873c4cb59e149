"""Working beside others on one CMDB: undo, catch up, rebase (PR11.4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitsm import Cmdb, ConfigurationItem, ConflictError
from fitsm.cmdb.concurrency import touched

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


def two_copies(shop: Cmdb) -> tuple[Cmdb, Cmdb, int]:
    return shop.copy(), shop.copy(), len(shop.journal)


class TestUndo:
    def test_every_kind_of_change_is_taken_back_exactly(self, shop: Cmdb) -> None:
        before = shop.copy()
        mark = len(shop.journal)
        shop.update_ci("web1", actor="ann", at=AT, owner="web-team", attributes={"cores": 4})
        shop.add(ConfigurationItem("db2", "database"), actor="ann", at=AT)
        shop.add_relationship("backend", "db2", actor="ann", at=AT)
        shop.remove_relationship("db1", "sw1", actor="ann", at=AT)
        shop.remove("web3", actor="ann", at=AT)
        shop.add_many([ConfigurationItem("sw2", "switch")], [("db1", "sw2", "connects_to")],
                      actor="ann", at=AT)  # fmt: skip
        shop.undo(mark)
        assert shop == before
        assert shop.impact("sw1").services_down == before.impact("sw1").services_down

    @pytest.mark.parametrize("bad", [-1, 10_000, True, "1"])
    def test_a_position_outside_the_journal_is_refused(self, shop: Cmdb, bad: object) -> None:
        with pytest.raises(ValueError, match="journal position"):
            shop.undo(bad)  # type: ignore[arg-type]


class TestRebase:
    def test_changes_to_different_cis_both_hold(self, shop: Cmdb) -> None:
        mine, theirs, mark = two_copies(shop)
        mine.update_ci("web1", actor="ann", at=AT, owner="ann")
        theirs.update_ci("db1", actor="bob", at=AT, owner="bob")
        mine.rebase(theirs.journal[mark:], mark)
        assert (mine.ci("web1").owner, mine.ci("db1").owner) == ("ann", "bob")
        assert [e.actor for e in mine.journal[mark:]] == ["bob", "ann"]  # theirs came first

    def test_changes_to_the_same_ci_conflict_and_change_nothing(self, shop: Cmdb) -> None:
        mine, theirs, mark = two_copies(shop)
        mine.update_ci("web1", actor="ann", at=AT, owner="ann")
        theirs.update_ci("web1", actor="bob", at=AT, owner="bob")
        before = mine.copy()
        with pytest.raises(ConflictError, match="web1"):
            mine.rebase(theirs.journal[mark:], mark)
        assert mine == before

    def test_a_cycle_through_both_changes_is_refused(self, shop: Cmdb) -> None:
        shop.add(ConfigurationItem("mon1", "server", attributes={"hostname": "mon1"}),
                 actor="ann", at=AT)  # fmt: skip
        mine, theirs, mark = two_copies(shop)
        mine.add_relationship("mon1", "shop", actor="ann", at=AT)
        theirs.add_relationship("sw1", "mon1", "connects_to", actor="bob", at=AT)
        before = mine.copy()
        with pytest.raises(ConflictError, match="cycle"):
            mine.rebase(theirs.journal[mark:], mark)
        assert mine == before

    def test_a_relationship_to_a_node_they_removed_is_refused(self, shop: Cmdb) -> None:
        mine, theirs, mark = two_copies(shop)
        mine.add_relationship("frontend", "db1", actor="ann", at=AT)
        theirs.remove("db1", actor="bob", at=AT)
        with pytest.raises(ConflictError, match="db1"):
            mine.rebase(theirs.journal[mark:], mark)

    def test_a_redundancy_group_left_too_small_by_both_is_refused(self, shop: Cmdb) -> None:
        mine, theirs, mark = two_copies(shop)  # web-pool needs 2 of web1, web2, web3
        mine.remove_relationship("web-pool", "web1", actor="ann", at=AT)
        theirs.remove_relationship("web-pool", "web2", actor="bob", at=AT)
        with pytest.raises(ConflictError, match="web-pool"):
            mine.rebase(theirs.journal[mark:], mark)

    def test_removing_a_node_they_related_to_is_refused(self, shop: Cmdb) -> None:
        mine, theirs, mark = two_copies(shop)
        mine.remove("db1", actor="ann", at=AT)
        theirs.add(ConfigurationItem("db9", "database"), actor="bob", at=AT)
        theirs.add_relationship("db9", "db1", "connects_to", actor="bob", at=AT)
        with pytest.raises(ConflictError, match="added meanwhile"):
            mine.rebase(theirs.journal[mark:], mark)


OWNERS = st.sampled_from(["ann", "bob", "carl"])
CIS = ["web1", "web2", "web3", "db1", "sw1"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # shop is only copied
@given(
    mine=st.lists(st.tuples(st.sampled_from(CIS), OWNERS), max_size=4),
    theirs=st.lists(st.tuples(st.sampled_from(CIS), OWNERS), max_size=4),
)
def test_rebase_is_the_same_as_applying_both_when_they_touch_different_cis(
    shop: Cmdb, mine: list[tuple[str, str]], theirs: list[tuple[str, str]]
) -> None:
    a, b = shop.copy(), shop.copy()
    mark = len(shop.journal)
    for ci, owner in mine:
        a.update_ci(ci, actor="ann", at=AT, owner=owner)
    for ci, owner in theirs:
        b.update_ci(ci, actor="bob", at=AT, owner=owner)
    ours, their_entries = a.journal[mark:], b.journal[mark:]
    if touched(ours) & touched(their_entries):
        before = a.copy()
        with pytest.raises(ConflictError):
            a.rebase(their_entries, mark)
        assert a == before
    else:
        a.rebase(their_entries, mark)
        expected = shop.copy()
        expected.catch_up(their_entries)
        expected.catch_up(ours)
        assert a == expected
