"""Contract of the store behind the limits shared by every instance (slots and sub-window budgets)."""

from __future__ import annotations

import pytest

from tests.contract.conftest import Stores


class TestSlots:
    def test_a_held_slot_is_refused_until_freed(self, stores: Stores) -> None:
        lease = stores.limits.try_slot("graph/m@x.example", 0, 15)
        assert lease
        assert stores.limits.try_slot("graph/m@x.example", 0, 15) is None
        assert stores.limits.try_slot("graph/m@x.example", 1, 15)  # another slot of the same key
        assert stores.limits.try_slot("graph/n@x.example", 0, 15)  # the same slot of another key
        stores.limits.free_slot("graph/m@x.example", 0, lease)
        assert stores.limits.try_slot("graph/m@x.example", 0, 15)

    def test_freeing_with_another_lease_id_fails_and_keeps_the_slot_held(self, stores: Stores) -> None:
        lease = stores.limits.try_slot("crm/site", 2, 15)
        other = stores.limits.try_slot("crm/other", 2, 15)
        with pytest.raises(Exception):  # noqa: B017 - the store's own error (409 LeaseIdMismatch on Azure)
            stores.limits.free_slot("crm/site", 2, other)
        assert stores.limits.try_slot("crm/site", 2, 15) is None
        stores.limits.free_slot("crm/site", 2, lease)


class TestBudget:
    def test_a_sub_window_grants_at_most_its_cap(self, stores: Stores) -> None:
        assert stores.limits.take("graph/m@x.example", 100, 10, 4) == 4
        assert stores.limits.take("graph/m@x.example", 100, 10, 4) == 4
        assert stores.limits.take("graph/m@x.example", 100, 10, 4) == 2
        assert stores.limits.take("graph/m@x.example", 100, 10, 4) == 0
        assert stores.limits.take("graph/n@x.example", 100, 10, 4) == 4  # per key

    def test_the_next_sub_window_starts_afresh_and_an_older_one_grants_nothing(self, stores: Stores) -> None:
        assert stores.limits.take("graph/m@x.example", 7, 3, 3) == 3
        assert stores.limits.take("graph/m@x.example", 8, 3, 3) == 3
        assert stores.limits.take("graph/m@x.example", 7, 3, 1) == 0  # a clock behind the others' gets none
        # the same row comes round again a ring later: counted afresh, never added to the old count
        assert stores.limits.take("graph/m@x.example", 8 + 128, 3, 2) == 2

    def test_two_instances_taking_turns_never_grant_over_the_cap(self, stores: Stores) -> None:
        # each Azure store remembers the row it last wrote; the other's writes make that memory stale, and a stale
        # memory must cost a re-read, never a grant beyond the cap
        here, there = stores.limits, stores.limits_elsewhere
        granted = [here.take("graph/m@x.example", 40, 11, 2), there.take("graph/m@x.example", 40, 11, 2)]
        for i in range(8):
            granted.append((here if i % 2 else there).take("graph/m@x.example", 40, 11, 2))
        assert sum(granted) == 11 and granted[-1] == 0
        assert here.take("graph/m@x.example", 41, 11, 3) == 3 and there.take("graph/m@x.example", 41, 11, 9) == 8
        assert here.take("graph/m@x.example", 41, 11, 1) == 0  # its memory says 3 used: the row says 11
