"""Outcome counts for status and charts, maintained when a decision is written (never by scanning the log).

Each email counts once per mailbox: as captured if any pass captured it, else as its latest decision. The
write path pays one tally row and one counter transaction per message-level decision; the read path reads
a number of rows that depends on the hours, days, mailboxes and reasons shown, not on the volume of mail.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.outcome_counts import Counted, email_key
from shared.domain.reasons import Outcome, Reason
from shared.services.deps import Services


def count_decision(deps: Services, entry: dict[str, Any]) -> None:
    """Called with each message-level decision-log entry as it is written."""
    count_decisions(deps, [entry])


def count_decisions(deps: Services, entries: list[dict[str, Any]]) -> None:
    """Called with the message-level decision-log entries as they are written (one email's, or a batch's, each
    email at most once): their tallies, outcome rows and import progress in as few writes as the rows allow."""
    counted = [(e["mailbox"], e["message_id"], Counted(e["at"], e["outcome"], e.get("reason") or ""),
                _import_run(deps, e["mailbox"]) if e.get("source") == "import" else "") for e in entries]
    tallies = deps.stats.tally_many(counted)
    changes: list[tuple[Counted, str, int, str]] = []
    imported: Counter[str] = Counter()
    for (mailbox, message_id, _, _), tally in zip(counted, tallies, strict=True):
        shard = email_key(mailbox, message_id)
        if tally.current is not None:
            if tally.previous is not None:
                changes.append((tally.previous, mailbox, -1, shard))
            changes.append((tally.current, mailbox, 1, shard))
        imported[mailbox] += tally.first_import
    if changes:
        deps.stats.add_many(changes)
    for mailbox, processed in imported.items():
        if processed:
            deps.counters.incr("import-processed", mailbox, by=processed)  # reset when an import starts
    for entry in entries:
        if entry["outcome"] == Outcome.FAILED.value and entry.get("reason") == Reason.RETRIES_EXHAUSTED.value:
            deps.stats.note_poison(entry)


_RUNS: dict[str, tuple[float, str]] = {}


def _import_run(deps: Services, mailbox: str, max_age_s: float = 15.0) -> str:
    """Which import this is (its start time): an email counts once per import, also when imported again."""
    hit = _RUNS.get(mailbox)
    if hit is None or time.monotonic() - hit[0] > max_age_s:
        hit = (time.monotonic(), str(deps.mailboxes.get_progress(mailbox).get("started_at") or "import"))
        _RUNS[mailbox] = hit
    return hit[1]


def last_24h(deps: Services, now: datetime) -> dict[str, Any]:
    """The current hour and the 23 before it, organisation-wide, by outcome and by reason."""
    first = (now.astimezone(UTC) - timedelta(hours=23)).replace(minute=0, second=0, microsecond=0)
    by_outcome: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    for row in deps.stats.hour_rows(first, now):
        hour = datetime.strptime(f"{row['PartitionKey'][6:]}{row['Grain'][1:]}", "%Y%m%d%H").replace(tzinfo=UTC)
        if hour < first or not row["Count"]:
            continue
        by_outcome[row["Outcome"]] += row["Count"]
        if row["Reason"]:
            by_reason[row["Reason"]] += row["Count"]
    return {"messages": sum(by_outcome.values()), "since": first.isoformat(),
            "by_outcome": _positive(by_outcome), "by_reason": _positive(by_reason)}


def daily(deps: Services, now: datetime, days: int) -> dict[str, Any]:
    """Per day for the last ``days`` days: outcomes, reasons, and outcomes per mailbox."""
    first = (now.astimezone(UTC) - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    dates = [(first + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(days)]
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    mailboxes: dict[str, Counter[str]] = defaultdict(Counter)
    for row in deps.stats.rows(first, now, "*|d"):
        day = _date(row)
        outcomes[row["Outcome"]][day] += row["Count"]
        if row["Reason"]:
            reasons[row["Reason"]][day] += row["Count"]
    for row in deps.stats.rows(first, now, "m:"):
        mailboxes[row["Scope"][2:]][row["Outcome"]] += row["Count"]
    return {"days": dates,
            "by_outcome": {k: [v[d] for d in dates] for k, v in sorted(outcomes.items()) if sum(v.values())},
            "by_reason": {k: [v[d] for d in dates] for k, v in sorted(reasons.items()) if sum(v.values())},
            "by_mailbox": {k: _positive(v) for k, v in sorted(mailboxes.items()) if sum(v.values())}}


def captured_on(deps: Services, mailbox: str, at: datetime) -> int:
    """Emails of the mailbox counted as captured on ``at``'s day (UTC): the daily cap's count, from the same rows
    as the charts (one query), so the worker keeps no second counter for it."""
    scope = f"m:{mailbox}"
    return sum(int(row["Count"]) for row in deps.stats.rows(at, at, scope)
               if row["Scope"] == scope and row["Grain"] == "d" and row["Outcome"] == Outcome.CAPTURED.value)


def import_processed(deps: Services, mailbox: str) -> int:
    return deps.counters.get("import-processed", mailbox)


def _date(row: dict[str, Any]) -> str:
    raw = row["PartitionKey"][6:]
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def _positive(counts: Counter[str]) -> dict[str, int]:
    return {k: v for k, v in sorted(counts.items()) if v > 0}
