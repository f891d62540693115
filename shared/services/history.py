"""Historical import on onboarding: queue the last N days of each watched folder, page by page.

Each step handles one page and queues the next step, so the import is resumable after a restart (the
cursor lives in the mailbox's progress row) and never holds a worker for long. The worker's Graph calls
are paced per mailbox (shared.adapters.pacing), which keeps the whole import under Graph's limits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from shared.domain.errors import PermanentError, ResourceNotFound
from shared.domain.work import ImportStep, batches, to_payload
from shared.services.deps import Services
from shared.services.folders import graph_folder

PAGE_SIZE = 200
logger = logging.getLogger(__name__)


def start_import(address: str, days: int, folders: list[str], deps: Services) -> dict[str, Any]:
    since = deps.clock.now() - timedelta(days=days)
    state = {"state": "running" if days > 0 else "done", "days": days, "since": since.isoformat(),
             "pending": list(folders) if days > 0 else [], "cursor": None, "queued": 0,
             "estimated_total": None, "total": None, "started_at": deps.clock.now().isoformat()}
    deps.counters.touch("import-processed", address, Count=0)  # processed counts from this import on
    deps.mailboxes.put_progress(address, state)
    if days > 0:
        deps.bulk_queue.send([to_payload(ImportStep(address))])  # the import is bulk work: never ahead of live mail
    return state


def import_step(address: str, deps: Services) -> dict[str, Any]:
    state = deps.mailboxes.get_progress(address)
    if state.get("state") != "running" or not state.get("pending"):
        return state
    folder = state["pending"][0]
    since = datetime.fromisoformat(state["since"])
    if not state.get("counted"):  # once, before the first page: every folder still pending
        state["total"], state["counted"] = _count(address, state["pending"], since, deps), True
    try:  # the capture folder by its id; "" (the whole mailbox) lists /users/{id}/messages
        ref = graph_folder(deps.mailboxes.get(address), folder)
    except ResourceNotFound:  # the capture folder was cleared or lost since the import began: nothing to list
        ref = None
    ids, next_link = deps.graph.list_messages_since(address, ref, since, state.get("cursor"), PAGE_SIZE) \
        if ref is not None else ((), None)
    deps.bulk_queue.send(to_payload(b) for b in batches(address, ids, folder, "import"))  # a page: 7 messages
    state["queued"] += len(ids)
    if next_link:
        state["cursor"] = next_link
        pages_left = 1  # unknown beyond the next page: estimate grows as we go
    else:
        state["pending"], state["cursor"], pages_left = state["pending"][1:], None, 0
    state["estimated_total"] = state["queued"] + pages_left * PAGE_SIZE * (1 if next_link else 0)
    if not state["pending"]:
        state["state"], state["finished_at"] = "done", deps.clock.now().isoformat()
    deps.mailboxes.put_progress(address, state)  # cursor stored only after the page's ids are queued
    if state["state"] == "running":
        deps.bulk_queue.send([to_payload(ImportStep(address))])
    return state


def _count(address: str, folders: list[str], since: datetime, deps: Services) -> int | None:
    """The import's size from Graph's $count, for progress and ETA; unknown (None) if Graph refuses to say.
    A transient failure raises: the step is retried from the queue before anything is listed."""
    try:
        box = deps.mailboxes.get(address)
        return sum(deps.graph.count_messages_since(address, graph_folder(box, folder), since) for folder in folders)
    except (PermanentError, ValueError) as exc:
        logger.warning("import of %s: no message count from Graph (%s); progress shows no total", address, exc)
        return None


def progress_with_counts(state: dict[str, Any], processed: int, now: datetime) -> dict[str, Any]:
    """The import's state with processed / total and an ETA from the rate so far."""
    if not state:
        return state
    total = state.get("total")
    started = datetime.fromisoformat(state["started_at"]) if state.get("started_at") else now
    elapsed = max((now - started).total_seconds(), 1.0)
    eta = None
    if total is not None and 0 < processed < total:
        eta = int((total - processed) / (processed / elapsed))
    complete = state.get("state") == "done" and total is not None and processed >= total
    return {**state, "processed": processed, "total": total, "eta_seconds": eta,
            "percent": round(100 * min(processed, total) / total, 1) if total else (100.0 if complete else None),
            "complete": complete}
