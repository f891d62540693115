"""Status latency at volume: GET /api/manage/status through the local host after 10,000 and 100,000 logged emails.

Emails are logged as the worker logs them (decision-log rows, and the write-time counters: the first 2,000
through ``outcome_stats.count_decision`` with 8 writers, which also times that path, the rest through
``TableOutcomeStats.load``, which leaves the same rows at bulk speed), spread over 10 mailboxes, the last 30
days and every outcome. Bulk rows go in entity-group transactions sent 4 at a time, each retried on its own
when Azurite drops a connection (bench/bulk.py); the counts are then checked against the number logged.
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
from types import SimpleNamespace
from typing import Any

from bench.bulk import BulkTable
from bench.stackrun import running_stack
from shared.adapters.capture_store import TableDecisionLog
from shared.adapters.stats_store import TableOutcomeStats
from shared.adapters.tables import Tables, table_service
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


def _log(deps: Any, bulk: Any, first: int, count: int, now: datetime, workers: int = 8) -> float | None:
    """Log ``count`` emails; the seconds the counters' write path took per email (wall, 8 writers), if used.
    The bulk part goes through ``bulk`` (bench/bulk.py): the same adapters, their transactions sent 4 at a time."""
    rng = random.Random(first)
    entries = [_entry(n, now, rng) for n in range(first, first + count)]
    bulk.decisions.write(entries)  # one transaction per 100 rows of a mailbox's partition
    sample = entries[:max(0, REAL_PATH - first)]
    bulk.stats.load([(e["mailbox"], e["message_id"], Counted(e["at"], e["outcome"], e["reason"]))
                     for e in entries[len(sample):]])  # before the sample: load reads and writes without ETags
    if not sample:
        return None
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda e: count_decision(deps, e), sample, chunksize=50))
    return (time.perf_counter() - started) / len(sample)


def _bulk(settings: Settings) -> SimpleNamespace:
    service = table_service(settings)
    tables = Tables(service, settings.table_prefix)
    counters, decisions, tallies = (BulkTable(service, t.name) for t in (tables.counters, tables.decisions,
                                                                         tables.tallies))
    return SimpleNamespace(decisions=TableDecisionLog(decisions), stats=TableOutcomeStats(counters, tallies),
                           tables=(counters, decisions, tallies))


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


def _rows_read(deps: Any) -> int:
    """The counter rows the status call's 24-hour counts read: bounded by hours x outcome/reason pairs x shards,
    whatever the volume (they grow with volume only until every pair of every hour has a row)."""
    now = datetime.now(UTC)
    return len(list(deps.stats.hour_rows(now - timedelta(hours=23), now)))


def run(workdir: Path, sizes: tuple[int, ...] = (10_000, 100_000), rounds: int = 30,
        storage_in_memory: bool = False) -> dict[str, Any]:
    """``storage_in_memory``: Azurite without its data on disk, i.e. without the periodic save of each service's
    whole database (every 5 s, stalling its requests: ``autosaveInterval`` in node_modules/azurite/dist/src/table/
    persistence/LokiTableMetadataStore.js), a pause that grows with the rows stored and that Azure Storage has not."""
    out: dict[str, Any] = {"sizes": list(sizes), "mailboxes": len(MAILBOXES), "rounds": rounds, "runs": [],
                           "azurite": "in memory" if storage_in_memory else "on disk"}
    with running_stack(workdir, storage_in_memory=storage_in_memory) as (stack, driver):
        for address in MAILBOXES:
            driver.graph.post("/mailboxes", json={"address": address}).raise_for_status()
            driver.add_mailbox(address, "Benchmark", import_days=0)
        settings = Settings.from_env(stack.app_env())
        deps, bulk = build_services(settings), _bulk(settings)
        out["empty"] = _time_status(driver, rounds)
        logged, now = 0, datetime.now(UTC)
        for size in sizes:
            loading = time.perf_counter()
            per_email = _log(deps, bulk, logged, size - logged, now)
            load_s = round(time.perf_counter() - loading, 1)
            logged = size
            counts = last_24h(deps, datetime.now(UTC))
            total = sum(sum(v) for v in daily(deps, datetime.now(UTC), 31)["by_outcome"].values())
            status = _time_status(driver, rounds)
            scan, scanned = _scan_ms(deps, datetime.now(UTC))
            run = {"logged_emails": size, "counted_in_31_days": total, "exact": total == size,
                   "status_ms": status, "status_last_24h_messages": counts["messages"],
                   "counter_rows_read_for_24h": _rows_read(deps),
                   "log_scan_24h_ms": scan, "log_scan_24h_rows": scanned,
                   "counter_write_ms_per_email": round(per_email * 1000, 2) if per_email else None,
                   "load_s": load_s, "bulk_retries": sum(t.retries for t in bulk.tables)}
            out["runs"].append(run)
            print(f"  {size} emails: status p50 {status['p50']} ms p95 {status['p95']} ms; "
                  f"24 h counts {counts['messages']} from {run['counter_rows_read_for_24h']} rows (log has {scanned}); "
                  f"log scan {scan} ms; "
                  f"loaded in {load_s} s ({run['bulk_retries']} batch retries)", flush=True)
    return out
