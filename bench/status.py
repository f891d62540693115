"""Status latency at volume: GET /api/manage/status through the local host after 10,000 and 100,000 logged emails.

Emails are logged as the worker logs them (decision-log rows, and the write-time counters: the first 2,000
through ``outcome_stats.count_decision`` with 8 writers, which also times that path, the rest through
``TableOutcomeStats.load``, which leaves the same rows at bulk speed), spread over 10 mailboxes, the last 30
days and every outcome; the counts are then checked against the number logged.
Also printed: what reading the same 24 hours from the decision log (the former way) costs, and the write path's
cost per email. Status must stay flat in volume (target <= 200 ms).
"""

from __future__ import annotations

import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.stackrun import running_stack
from shared.bootstrap import build_services
from shared.config import Settings
from shared.domain.outcome_counts import Counted
from shared.services.outcome_stats import count_decision, daily, last_24h

REAL_PATH = 2_000
MAILBOXES = [f"status-{i}@association.example" for i in range(10)]
MIX = [("captured", ""), ("captured", ""), ("captured", ""), ("skipped", "no_contact"), ("skipped", "bulk"),
       ("skipped", "auto_reply"), ("skipped", "internal_only"), ("duplicate", "already_captured"),
       ("failed", "crm_rejected"), ("failed", "retries_exhausted")]


def _entry(n: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    outcome, reason = MIX[n % len(MIX)]
    at = now - timedelta(seconds=rng.randrange(0, 30 * 86400))
    mailbox = MAILBOXES[n % len(MAILBOXES)]
    return {"at": at, "expires_at": at + timedelta(days=90), "mailbox": mailbox, "message_id": f"bench-{n}",
            "folder": "inbox", "source": "webhook", "key": f"{n:040d}", "outcome": outcome, "reason": reason,
            "detail": "benchmark", "options_version": 1, "contact_id": "", "subject": f"Question {n}"}


def _log(deps: Any, first: int, count: int, now: datetime, workers: int = 8) -> float | None:
    """Log ``count`` emails; the seconds the counters' write path took per email (wall, 8 writers), if used."""
    rng = random.Random(first)
    entries = [_entry(n, now, rng) for n in range(first, first + count)]
    by_mailbox: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_mailbox.setdefault(entry["mailbox"], []).append(entry)
    for rows in by_mailbox.values():
        for start in range(0, len(rows), 100):
            batch = rows[start:start + 100]
            _again(lambda batch=batch: deps.decisions.write(batch))
    sample = entries[:max(0, REAL_PATH - first)]
    for start in range(len(sample), len(entries), 2_000):
        deps.stats.load([(e["mailbox"], e["message_id"], Counted(e["at"], e["outcome"], e["reason"]))
                         for e in entries[start:start + 2_000]])
    if not sample:
        return None
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda e: count_decision(deps, e), sample, chunksize=50))
    return (time.perf_counter() - started) / len(sample)


def _again(write: Any) -> None:
    """Azurite under a busy machine sometimes drops a connection; the rows written are the same again."""
    for attempt in range(6):
        try:
            write()
            return
        except Exception:
            if attempt == 5:
                raise
            time.sleep(5)


def _time_status(driver: Any, rounds: int) -> dict[str, float]:
    driver.admin("GET", "status").raise_for_status()  # warm
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        driver.admin("GET", "status").raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50": round(statistics.median(samples), 1), "p95": round(samples[int(len(samples) * 0.95) - 1], 1),
            "max": round(samples[-1], 1)}


def _scan_ms(deps: Any, now: datetime) -> tuple[float, int]:
    """The former way: read every message-level decision of the last 24 h from the log."""
    started = time.perf_counter()
    found = deps.decisions.search(since=now - timedelta(hours=24), contact_id="", limit=1_000_000)
    return round((time.perf_counter() - started) * 1000, 1), len(found)


def run(workdir: Path, sizes: tuple[int, ...] = (10_000, 100_000), rounds: int = 30) -> dict[str, Any]:
    out: dict[str, Any] = {"sizes": list(sizes), "mailboxes": len(MAILBOXES), "rounds": rounds, "runs": []}
    with running_stack(workdir) as (stack, driver):
        for address in MAILBOXES:
            driver.graph.post("/mailboxes", json={"address": address}).raise_for_status()
            driver.add_mailbox(address, "Benchmark", import_days=0)
        deps = build_services(Settings.from_env(stack.app_env()))
        out["empty"] = _time_status(driver, rounds)
        logged, now = 0, datetime.now(UTC)
        for size in sizes:
            per_email = _log(deps, logged, size - logged, now)
            logged = size
            counts = last_24h(deps, datetime.now(UTC))
            total = sum(sum(v) for v in daily(deps, datetime.now(UTC), 31)["by_outcome"].values())
            status = _time_status(driver, rounds)
            scan, scanned = _scan_ms(deps, datetime.now(UTC))
            run = {"logged_emails": size, "counted_in_31_days": total, "exact": total == size,
                   "status_ms": status, "status_last_24h_messages": counts["messages"],
                   "log_scan_24h_ms": scan, "log_scan_24h_rows": scanned,
                   "counter_write_ms_per_email": round(per_email * 1000, 2) if per_email else None}
            out["runs"].append(run)
            print(f"  {size} emails: status p50 {status['p50']} ms p95 {status['p95']} ms; "
                  f"24 h counts {counts['messages']} (log has {scanned}); log scan {scan} ms", flush=True)
    return out
