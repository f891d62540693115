"""N emails across four mailboxes while webhooks are duplicated, reordered and dropped, Graph throttles, iMIS
fails and times out, the worker is killed, Azurite restarts, a delta token expires and a subscription is removed:
the CRM must hold each capturable email once per matched contact and nothing else, and every skipped email
must carry its reason in the decision log. The last class checks that each fault really happened."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.mailmix import expected_records
from tests.faults.conftest import SIZE, Result
from tests.faults.timeline import EXPIRED

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300 + int(SIZE * 0.6))]


def _activities(result: Result) -> Counter[tuple[str, str]]:
    return Counter((a.get("DESCRIPTION", ""), str(a.get("PartyId", ""))) for a in result.records["activities"])


class TestCrm:
    def test_each_capturable_email_is_one_record_per_matched_contact(self, result: Result) -> None:
        expected = expected_records(result.run.specs)
        assert len(expected) >= SIZE // 2  # most of the mix is capturable
        actual = _activities(result)
        missing = sorted(k for k in expected if k not in actual)
        doubled = sorted((k, n) for k, n in actual.items() if n > 1)
        assert (missing[:10], len(missing), doubled[:10]) == ([], 0, [])

    def test_nothing_else_reached_the_crm(self, result: Result) -> None:
        expected = expected_records(result.run.specs)
        extra = sorted(k for k in _activities(result) if k not in expected)
        assert extra == []
        assert (result.records["parties"], result.records["interactions"]) == ([], [])

    def test_each_record_carries_its_own_capture_key_once(self, result: Result) -> None:
        keys = Counter((a["PartyId"], a["UF_1"]) for a in result.records["activities"])
        assert [k for k, n in keys.items() if n > 1] == []


class TestDecisionLog:
    def test_every_skipped_email_has_its_reason(self, result: Result) -> None:
        wrong = []
        for copy in result.run.copies:
            if copy.spec.reason:
                entry = result.outcomes.get((copy.mailbox, copy.message_id), {})
                if (entry.get("outcome"), entry.get("reason")) != ("skipped", copy.spec.reason):
                    wrong.append((copy.spec.subject, copy.spec.reason, entry.get("outcome"), entry.get("reason")))
        assert wrong == []
        assert sum(1 for c in result.run.copies if c.spec.reason) >= SIZE // 10  # the mix really has skips

    def test_every_capturable_copy_ends_captured_or_duplicate(self, result: Result) -> None:
        ends = Counter(result.outcomes.get((c.mailbox, c.message_id), {}).get("outcome")
                       for c in result.run.copies if c.spec.contacts)
        assert set(ends) <= {"captured", "duplicate"}, ends


class TestTheFaultsHappened:
    def test_webhooks_were_duplicated_reordered_and_dropped(self, result: Result) -> None:
        copies = {c.message_id: c.wave for c in result.run.copies}
        delivered = Counter(copies.get(str(e["resource"]).rsplit("/", 1)[-1]) for e in result.notifications
                            if e.get("delivered"))
        dropped = Counter(copies.get(str(e["resource"]).rsplit("/", 1)[-1]) for e in result.notifications
                          if e.get("dropped"))
        waves = Counter(c.wave for c in result.run.copies)
        assert delivered["dup"] >= 2 * waves["dup"]  # every notification of the first wave came twice
        assert dropped["dropped"] == waves["dropped"]
        assert dropped["expired"] == waves["expired"]

    def test_graph_throttled_and_imis_failed_and_timed_out(self, result: Result) -> None:
        evidence = result.run.evidence
        assert evidence["graph_requests"]["faultsApplied"] >= evidence["graph_faults"] > 0
        assert evidence["imis_outage_refused"] >= 10
        assert evidence["imis_timeouts"] >= 2

    def test_the_worker_was_killed_mid_message(self, result: Result) -> None:
        assert result.run.evidence["host_exit"] == -9

    def test_the_expired_token_resynced_and_the_subscription_was_recreated(self, result: Result) -> None:
        before, after = result.run.evidence["subscription"]
        assert after and after != before
        assert result.run.evidence["resyncs"] >= 1, EXPIRED
