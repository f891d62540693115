"""Contracts of the capture ledger, decision log, contact cache, thread index and counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.thread_store import _bucket as bucket_of
from shared.domain.matching import ContactRef
from shared.ports import ClaimState
from tests.contract.conftest import Stores

T0 = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


class TestCaptureLedger:
    def test_one_claim_wins_and_a_live_claim_blocks_others(self, stores: Stores) -> None:
        assert stores.ledger.claim("k1-a", "c1", "w1", T0).state == ClaimState.NEW
        assert stores.ledger.claim("k1-a", "c1", "w2", T0 + timedelta(seconds=5)).state == ClaimState.BUSY
        assert stores.ledger.claim("k1-a", "c2", "w2", T0).state == ClaimState.NEW  # another contact

    def test_a_pending_claim_is_recovered_by_its_owner_or_after_the_lease(self, stores: Stores) -> None:
        stores.ledger.claim("k1-a", "c1", "w1", T0)
        assert stores.ledger.claim("k1-a", "c1", "w1", T0 + timedelta(seconds=1)).state == ClaimState.RECOVER
        assert stores.ledger.claim("k1-a", "c1", "w2", T0 + timedelta(minutes=10)).state == ClaimState.RECOVER

    def test_completed_claims_say_where_the_record_is(self, stores: Stores) -> None:
        stores.ledger.claim("k1-a", "c1", "w1", T0)
        stores.ledger.complete("k1-a", "c1", "rec-9", "activity", T0)
        claim = stores.ledger.claim("k1-a", "c1", "w2", T0)
        assert (claim.state, claim.record_id) == (ClaimState.DONE, "rec-9")
        assert stores.ledger.records_for("k1-a") == {"c1": "rec-9"}

    def test_a_record_with_pending_steps_is_resumed_with_only_the_steps_left(self, stores: Stores) -> None:
        stores.ledger.claim("k1-a", "c1", "w1", T0)
        stores.ledger.complete("k1-a", "c1", "rec-9", "activity", T0, ("file:0", "eml"), "w1")
        assert stores.ledger.claim("k1-a", "c1", "w2", T0 + timedelta(seconds=5)).state == ClaimState.BUSY
        assert stores.ledger.records_for("k1-a") == {"c1": "rec-9"}
        stores.ledger.step_done("k1-a", "c1", "file:0")
        stores.ledger.abandon("k1-a", "c1")  # the .eml step failed in an unknown state
        claim = stores.ledger.claim("k1-a", "c1", "w2", T0 + timedelta(seconds=6))
        assert (claim.state, claim.record_id, claim.pending) == (ClaimState.WRITTEN, "rec-9", ("eml",))
        stores.ledger.step_done("k1-a", "c1", "eml")
        done = stores.ledger.claim("k1-a", "c1", "w3", T0 + timedelta(seconds=7))
        assert (done.state, done.record_id) == (ClaimState.DONE, "rec-9")

    def test_release_frees_and_abandon_hands_over_at_once(self, stores: Stores) -> None:
        stores.ledger.claim("k1-a", "c1", "w1", T0)
        stores.ledger.release("k1-a", "c1")
        assert stores.ledger.claim("k1-a", "c1", "w2", T0).state == ClaimState.NEW
        stores.ledger.abandon("k1-a", "c1")
        assert stores.ledger.claim("k1-a", "c1", "w3", T0).state == ClaimState.RECOVER
        assert stores.ledger.records_for("k1-a") == {}

    def test_written_records_are_found_by_contact_and_stay_once_erased(self, stores: Stores) -> None:
        for key, contact, rid in (("k1-a", "c1", "r1"), ("k2-i", "c1", "r2"), ("k3-a", "c2", "r3")):
            stores.ledger.claim(key, contact, "w1", T0)
            stores.ledger.complete(key, contact, rid, "activity", T0)
        stores.ledger.claim("k4-a", "c1", "w1", T0)  # pending: nothing written yet
        assert sorted((e.key, e.record_id, e.status) for e in stores.ledger.written_for("c1")) == [
            ("k1-a", "r1", "done"), ("k2-i", "r2", "done")]
        stores.ledger.mark_erased("k1-a", "c1", "dpo", T0)
        assert {e.key: e.status for e in stores.ledger.written_for("c1")}["k1-a"] == "erased"
        assert stores.ledger.claim("k1-a", "c1", "w2", T0 + timedelta(minutes=10)).state == ClaimState.DONE


    def test_the_ids_of_attached_files_are_kept_for_erasure(self, stores: Stores) -> None:
        stores.ledger.claim("k5-a", "c1", "w1", T0)
        stores.ledger.complete("k5-a", "c1", "r5", "activity", T0, ("file:0", "file:1", "eml"), "w1")
        stores.ledger.step_done("k5-a", "c1", "file:0", "att 1")  # any id the CRM gives, spaces included
        stores.ledger.step_done("k5-a", "c1", "file:1")  # refused by the CRM: no id
        stores.ledger.step_done("k5-a", "c1", "eml", "att-2")
        [entry] = stores.ledger.written_for("c1")
        assert (entry.status, entry.files) == ("done", ("att 1", "att-2"))

def entry(minutes: int, **extra: Any) -> dict[str, Any]:
    at = T0 + timedelta(minutes=minutes)
    return {"at": at, "expires_at": at + timedelta(days=30), "mailbox": "m@association.example",
            "message_id": f"msg-{minutes}", "folder": "inbox", "source": "webhook", "key": f"key{minutes:04d}",
            "outcome": "skipped", "reason": "bulk", "detail": "", "options_version": 1, "contact_id": ""} | extra


class TestDecisionLog:
    def test_search_filters_and_returns_newest_first(self, stores: Stores) -> None:
        stores.decisions.write([entry(1), entry(2, outcome="captured", reason="", record_ids=["r1", "r2"],
                                                 timings_ms={"graph_ms": 5})])
        stores.decisions.write([entry(3, mailbox="other@association.example"), entry(2, contact_id="c1")])
        found = stores.decisions.search(mailbox="M@association.example", contact_id="")
        assert [e["message_id"] for e in found] == ["msg-2", "msg-1"]
        assert found[0]["record_ids"] == ["r1", "r2"] and found[0]["timings_ms"] == {"graph_ms": 5}
        assert found[0]["entry_id"] and found[0]["entry_id"] != found[1]["entry_id"]
        assert [e["message_id"] for e in stores.decisions.search(outcome="captured")] == ["msg-2"]
        assert [e["message_id"] for e in stores.decisions.search(reason="bulk", contact_id="")] == ["msg-3", "msg-1"]
        assert [e["contact_id"] for e in stores.decisions.search(contact_id="c1")] == ["c1"]
        since = stores.decisions.search(since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=2))
        assert sorted(e["contact_id"] for e in since) == ["", "c1"]
        assert len(stores.decisions.search(limit=2)) == 2

    def test_purge_removes_only_expired_entries(self, stores: Stores) -> None:
        stores.decisions.write([entry(1, expires_at=T0), entry(2)])
        assert stores.decisions.purge_expired(T0 + timedelta(days=1)) == 1
        assert [e["message_id"] for e in stores.decisions.search()] == ["msg-2"]


class TestContactCache:
    def test_hits_within_the_ttl_and_misses_after(self, stores: Stores) -> None:
        ada = (ContactRef("c1", "Ada"), ContactRef("o9", "Org", is_organisation=True))
        assert stores.contact_cache.get("ada@example.com", timedelta(minutes=5), T0) is None
        stores.contact_cache.put("ada@example.com", ada, T0)
        assert stores.contact_cache.get("ada@example.com", timedelta(minutes=5), T0 + timedelta(minutes=4)) == ada
        assert stores.contact_cache.get("ada@example.com", timedelta(minutes=5), T0 + timedelta(minutes=6)) is None
        stores.contact_cache.put("nobody@example.com", (), T0)
        assert stores.contact_cache.get("nobody@example.com", timedelta(minutes=5), T0) == ()

    def test_purge_forgets_everything_and_counts_generations(self, stores: Stores) -> None:
        stores.contact_cache.put("ada@example.com", (ContactRef("c1"),), T0)
        first = stores.contact_cache.purge()
        assert stores.contact_cache.get("ada@example.com", timedelta(minutes=5), T0) is None
        assert stores.contact_cache.purge() == first + 1


class TestThreadIndex:
    def test_contacts_of_any_key_once_each(self, stores: Stores) -> None:
        stores.threads.add(["conv:1", "mid:a@x"], (ContactRef("c1", "Ada"), ContactRef("c2", "Bob")))
        stores.threads.add(["mid:b@x"], (ContactRef("c1", "Ada"),))
        assert sorted(c.id for c in stores.threads.contacts_for(["mid:a@x", "mid:b@x"])) == ["c1", "c2"]
        assert stores.threads.contacts_for(["conv:none"]) == ()

    def test_many_emails_at_once_and_no_key_answers_for_another(self, stores: Stores) -> None:
        # a key that starts like another and goes on with "|", in the same partition of the Table layout
        longer = next(f"mid:c@x|{n}" for n in range(1000) if bucket_of(f"mid:c@x|{n}") == bucket_of("mid:c@x"))
        stores.threads.add_many([(["conv:2", "mid:c@x"], (ContactRef("c3", "Cy"),)),
                                 ([longer, "mid:c@x.y"], (ContactRef("c4", "Di"), ContactRef("c3", "Cy")))])
        assert sorted(c.id for c in stores.threads.contacts_for([longer])) == ["c3", "c4"]
        assert [(c.id, c.name) for c in stores.threads.contacts_for(["conv:2", "mid:c@x"])] == [("c3", "Cy")]
        assert stores.threads.contacts_for(["mid:c"]) == ()

    def test_forgetting_a_contact_deletes_its_links_only(self, stores: Stores) -> None:
        keys = [f"mid:m{n}@x" for n in range(120)]  # over 100 rows: more than one transaction in some bucket
        stores.threads.add_many([(keys, (ContactRef("c1", "Ada"), ContactRef("c2", "Bob"))),
                                 (["conv:9"], (ContactRef("c1", "Ada"),))])
        assert stores.threads.forget_contact("c1") == 121
        assert [c.id for c in stores.threads.contacts_for([*keys, "conv:9"])] == ["c2"]
        assert stores.threads.forget_contact("c1") == 0


class TestCounters:
    def test_incr_get_touch_and_scope(self, stores: Stores) -> None:
        assert stores.counters.get("captured", "m|2026-11-02") == 0
        assert stores.counters.incr("captured", "m|2026-11-02") == 1
        assert stores.counters.incr("captured", "m|2026-11-02", 4, last_window_start="x") == 5
        assert stores.counters.get("captured", "m|2026-11-02") == 5
        stores.counters.touch("last-notification", "sub-1", At="2026-11-02T12:00:00+00:00")
        stores.counters.touch("last-notification", "sub-2", At="b")
        seen = stores.counters.scope("last-notification")
        assert sorted(seen) == ["sub-1", "sub-2"] and seen["sub-1"]["At"] == "2026-11-02T12:00:00+00:00"
        assert stores.counters.scope("captured")["m|2026-11-02"]["last_window_start"] == "x"
