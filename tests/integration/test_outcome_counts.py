"""Status counts kept at write time (Azurite): each email counted once per mailbox, moves when a later pass
decides differently, captured sticks, 24-hour and 30-day windows, the import's processed count, poison notes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from devhost.stack import Stack
from shared.adapters.capture_store import TableCounters
from shared.adapters.config_store import TableDeltaTokenRepository, TableMailboxRepository
from shared.adapters.stats_store import TableOutcomeStats
from shared.adapters.tables import Tables, table_service
from shared.domain.outcome_counts import email_key
from shared.services import outcome_stats

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with Stack(tmp_path_factory.mktemp("counts"), host=False, emulators=False) as stack:
        yield stack.connection_string


@pytest.fixture
def deps(storage: str) -> Any:
    tables = Tables(table_service(SimpleNamespace(storage_connection=storage)),  # type: ignore[arg-type]
                    f"t{uuid.uuid4().hex[:8]}")
    return SimpleNamespace(stats=TableOutcomeStats(tables.counters, tables.tallies),
                           counters=TableCounters(tables.counters),
                           mailboxes=TableMailboxRepository(tables.mailboxes),
                           delta_tokens=TableDeltaTokenRepository(tables.deltatokens))


def decide(deps: Any, mailbox: str, message_id: str, outcome: str, reason: str = "", *,
           at: datetime = NOW, source: str = "webhook") -> None:
    outcome_stats.count_decision(deps, {"at": at, "mailbox": mailbox, "message_id": message_id, "key": "k" * 40,
                                        "outcome": outcome, "reason": reason, "source": source, "detail": "d"})


def test_each_email_counts_once_and_moves_to_its_latest_decision(deps: Any) -> None:
    decide(deps, "a@x.example", "m1", "skipped", "no_contact")
    decide(deps, "a@x.example", "m1", "skipped", "no_contact")  # the delta backstop saw it again
    decide(deps, "a@x.example", "m2", "failed", "crm_rejected")
    decide(deps, "a@x.example", "m2", "captured", at=NOW + timedelta(minutes=5))  # a replay captured it
    decide(deps, "a@x.example", "m2", "duplicate", "already_captured", at=NOW + timedelta(minutes=6))
    decide(deps, "b@x.example", "m1", "captured")  # the same id in another mailbox is another email
    counts = outcome_stats.last_24h(deps, NOW + timedelta(minutes=10))
    assert counts["messages"] == 3
    assert counts["by_outcome"] == {"captured": 2, "skipped": 1}
    assert counts["by_reason"] == {"no_contact": 1}


def test_the_window_is_the_current_hour_and_the_23_before(deps: Any) -> None:
    decide(deps, "a@x.example", "old", "captured", at=NOW - timedelta(hours=24))  # hour 12:00 yesterday: out
    decide(deps, "a@x.example", "edge", "captured", at=NOW - timedelta(hours=23, minutes=20))  # 13:10 yesterday
    decide(deps, "a@x.example", "new", "skipped", "bulk", at=NOW)
    assert outcome_stats.last_24h(deps, NOW)["by_outcome"] == {"captured": 1, "skipped": 1}


def test_thirty_days_per_day_per_reason_and_per_mailbox(deps: Any) -> None:
    for day in range(3):
        for n in range(day + 1):
            decide(deps, "a@x.example", f"d{day}-{n}", "skipped", "no_contact", at=NOW - timedelta(days=day))
    decide(deps, "b@x.example", "c1", "captured", at=NOW - timedelta(days=40))  # outside the 30 days
    decide(deps, "b@x.example", "c2", "captured", at=NOW - timedelta(days=29))
    chart = outcome_stats.daily(deps, NOW, 30)
    assert len(chart["days"]) == 30 and chart["days"][-1] == "2026-11-30"
    assert chart["by_reason"]["no_contact"][-3:] == [3, 2, 1]
    assert chart["by_outcome"]["captured"][0] == 1 and sum(chart["by_outcome"]["captured"]) == 1
    assert chart["by_mailbox"] == {"a@x.example": {"skipped": 6}, "b@x.example": {"captured": 1}}


def test_concurrent_writers_lose_no_count(deps: Any) -> None:
    def work(worker: int) -> None:
        for n in range(15):
            decide(deps, "a@x.example", f"w{worker}-{n}", "captured")

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome_stats.last_24h(deps, NOW)["by_outcome"] == {"captured": 120}


def test_two_workers_taking_turns_lose_no_count(deps: Any) -> None:
    """Each worker remembers the ETags it last wrote: the other's writes make them stale, and a stale one
    must cost a re-read, never an overwritten count."""
    other = SimpleNamespace(stats=TableOutcomeStats(deps.stats._table, deps.stats._tallies),  # noqa: SLF001
                            counters=TableCounters(deps.counters._table), mailboxes=deps.mailboxes)  # noqa: SLF001
    deps.mailboxes.put_progress("a@x.example", {"state": "running", "started_at": "run-2"})
    outcome_stats._RUNS.clear()
    for n in range(8):
        decide(deps if n % 2 else other, "a@x.example", f"t{n}", "captured", source="import")
        (deps if n % 3 else other).counters.incr("captured", "a@x.example|2026-11-30")
    assert outcome_stats.last_24h(deps, NOW)["by_outcome"] == {"captured": 8}
    assert outcome_stats.import_processed(other, "a@x.example") == 8
    assert deps.counters.get("captured", "a@x.example|2026-11-30") == 8


def test_import_processed_counts_each_email_once_per_import(deps: Any) -> None:
    deps.mailboxes.put_progress("a@x.example", {"state": "running", "started_at": "run-1"})
    outcome_stats._RUNS.clear()
    decide(deps, "a@x.example", "i1", "skipped", "bulk")  # the webhook got it first
    decide(deps, "a@x.example", "i1", "skipped", "bulk", source="import")
    decide(deps, "a@x.example", "i1", "skipped", "bulk", source="import")  # queued twice by a retried page
    decide(deps, "a@x.example", "i2", "captured", source="import")
    assert outcome_stats.import_processed(deps, "a@x.example") == 2


def test_poison_reasons_newest_first_without_a_log_search(deps: Any) -> None:
    for n in range(7):
        decide(deps, "a@x.example", f"p{n}", "failed", "retries_exhausted", at=NOW + timedelta(seconds=n))
    recent = deps.stats.recent_poison(5)
    assert [r["message_id"] for r in recent] == ["p6", "p5", "p4", "p3", "p2"]


def test_status_reads_every_folders_delta_row_at_once(deps: Any) -> None:
    folder_id = "AAMkAD/with+slash=="  # a capture folder's id: its key is hashed (Table keys forbid "/")
    for mailbox, folder in (("a@x.example", "inbox"), ("a@x.example", folder_id), ("b@x.example", "inbox")):
        assert deps.delta_tokens.put(mailbox, folder, f"https://graph/delta?{folder}", "", note=folder[:5])
    got = deps.delta_tokens.rows_of([("a@x.example", "inbox"), ("a@x.example", folder_id),
                                     ("b@x.example", "sentitems")])
    assert set(got) == {("a@x.example", "inbox"), ("a@x.example", folder_id)}  # a row not there is left out
    assert got[("a@x.example", folder_id)]["Note"] == "AAMkA"
    assert got[("a@x.example", "inbox")]["UpdatedAt"] == deps.delta_tokens.get_row("a@x.example", "inbox")["UpdatedAt"]
    assert "DeltaLink" not in got[("a@x.example", "inbox")]  # status shows the lag, not the link


def test_the_counters_table_does_not_grow_with_the_mail(deps: Any) -> None:
    """Status queries the Counters table; the per-email tallies live in their own table."""
    counters = deps.stats._table  # noqa: SLF001
    for n in range(20):
        decide(deps, "a@x.example", f"first{n}", "captured")
    rows = len(list(counters.all()))
    assert rows == 12  # organisation hour + day, mailbox day: 4 shards each
    for n in range(30):
        decide(deps, "a@x.example", f"m{n}", "captured")
    assert len(list(counters.all())) == rows
    assert outcome_stats.last_24h(deps, NOW)["messages"] == 50
    decide(deps, "a@x.example", "m3", "captured")  # seen again: still counted once
    assert outcome_stats.last_24h(deps, NOW)["messages"] == 50


def test_purge_removes_tallies_and_notes_past_their_time(deps: Any) -> None:
    decide(deps, "a@x.example", "old", "failed", "retries_exhausted")
    legacy = {"PartitionKey": "tally-a@x.example", "RowKey": "legacy", "ExpiresAt": NOW}  # before Tallies existed
    deps.stats._table.upsert(legacy)  # noqa: SLF001
    assert deps.stats.purge_expired(NOW + timedelta(days=500)) >= 3  # tally, poison note, legacy tally (+ days)
    assert not list(deps.stats._tallies.all())  # noqa: SLF001
    assert deps.stats._table.get("tally-a@x.example", "legacy") is None  # noqa: SLF001
    assert deps.stats.recent_poison(5) == []


def test_an_email_counted_before_tallies_had_their_own_table_counts_once(deps: Any) -> None:
    before = SimpleNamespace(stats=TableOutcomeStats(deps.stats._table),  # noqa: SLF001  (the former layout)
                             counters=deps.counters, mailboxes=deps.mailboxes)
    decide(before, "a@x.example", "m1", "skipped", "no_contact")
    decide(before, "a@x.example", "m2", "captured")
    decide(deps, "a@x.example", "m1", "captured", at=NOW + timedelta(minutes=5))  # after the upgrade: it moves
    decide(deps, "a@x.example", "m2", "failed", "crm_rejected")  # captured sticks
    decide(deps, "a@x.example", "m3", "skipped", "bulk")
    assert outcome_stats.last_24h(deps, NOW + timedelta(minutes=5))["by_outcome"] == {"captured": 2, "skipped": 1}
    assert deps.stats._table.get("tally-a@x.example", email_key("a@x.example", "m1")) is None  # noqa: SLF001


def _entry(message_id: str, outcome: str, reason: str = "", *, source: str = "import") -> dict[str, Any]:
    return {"at": NOW, "mailbox": "a@x.example", "message_id": message_id, "key": "k" * 40, "outcome": outcome,
            "reason": reason, "source": source, "detail": "d"}


def test_a_batch_of_new_emails_is_counted_in_one_tally_transaction(deps: Any) -> None:
    deps.mailboxes.put_progress("a@x.example", {"state": "running", "started_at": "run-b"})
    outcome_stats._RUNS.clear()
    tallies = deps.stats._tallies  # noqa: SLF001
    sent: list[int] = []
    real = tallies.client.submit_transaction
    tallies.client.submit_transaction = lambda ops, **kw: (sent.append(len(list(ops))), real(ops, **kw))[1]
    batch = [_entry(f"b{n}", "captured" if n % 3 else "skipped", "" if n % 3 else "bulk") for n in range(32)]
    outcome_stats.count_decisions(deps, batch)
    assert sent == [32]  # the tallies of the batch, in one request
    assert outcome_stats.last_24h(deps, NOW)["by_outcome"] == {"captured": 21, "skipped": 11}
    assert outcome_stats.import_processed(deps, "a@x.example") == 32
    assert len(list(tallies.all())) == 32


def test_a_batch_with_an_email_counted_before_counts_each_on_its_own(deps: Any) -> None:
    """The transaction writes none when one tally exists (a re-delivered batch, the webhook got there first)."""
    decide(deps, "a@x.example", "b1", "captured", source="webhook")
    outcome_stats.count_decisions(deps, [_entry("b0", "skipped", "bulk"), _entry("b1", "duplicate",
                                                                                 "already_captured"),
                                         _entry("b2", "captured")])
    assert outcome_stats.last_24h(deps, NOW)["by_outcome"] == {"captured": 2, "skipped": 1}  # b1: captured sticks
    outcome_stats.count_decisions(deps, [_entry("b0", "skipped", "bulk"), _entry("b2", "duplicate",
                                                                                 "already_captured")])
    assert outcome_stats.last_24h(deps, NOW)["messages"] == 3


def test_a_batch_touching_more_than_100_counter_rows_writes_them_in_parts(deps: Any) -> None:
    """An entity-group transaction holds at most 100 operations (Azurite refuses more, as Azure does)."""
    batch = [_entry(f"r{n}", "skipped", f"reason{n}", source="delta") for n in range(60)]  # 60 x (2 + 1) rows
    outcome_stats.count_decisions(deps, batch)
    counts = outcome_stats.last_24h(deps, NOW)
    assert counts["messages"] == 60 and counts["by_reason"] == {f"reason{n}": 1 for n in range(60)}
