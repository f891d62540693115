"""Full preview: the options preview runs the worker's whole decision (filters, contacts through the CRM's read
API, mapping, contact creation as "would create") for the last logged emails under proposed options, writes
nothing, and shows the record fields the worker then writes."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

import pytest

from shared.domain.options import options_to_doc
from shared.services.admin_options import preview_options
from tests.usecases.world import ALICE, World

STRANGER = "new.person@example.net"


def state(world: World) -> dict[str, Any]:
    """Everything a write could change, copied: the CRM, ledger, log, caches, counters, threads, queues."""
    stores = {"crm": world.crm, "ledger": world.deps.ledger, "log": world.log, "cache": world.deps.contact_cache,
              "counters": world.deps.counters, "threads": world.deps.threads, "queue": world.queue,
              "stats": world.deps.stats}
    return {name: copy.deepcopy({k: v for k, v in vars(store).items()
                                 if not k.startswith("_") and k != "clock"}) for name, store in stores.items()}


@pytest.fixture
def logged(world: World) -> World:
    """One email from Alice captured, one from a stranger skipped (no contact, creation off)."""
    world.receive(world.mail(sender=ALICE, subject="Renewal"))
    world.receive(world.mail(sender=STRANGER, subject="Joining"))
    return world


def proposed(world: World) -> dict[str, Any]:
    doc = options_to_doc(world.deps.options.get().options)
    doc["create_contact_if_not_found"] = True
    doc["activity_types"][0]["fields"][0]["template"] = "Email: [Subject]"
    return doc


def by_subject(emails: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["subject"]: e for e in emails}


def test_the_preview_writes_nothing(logged: World) -> None:
    before = state(logged)
    emails = preview_options(proposed(logged), 20, logged.deps)
    assert len(emails) == 2
    assert state(logged) == before
    assert logged.crm.find_contacts(STRANGER) == ()


def test_it_shows_contact_creation_and_the_fields_that_change(logged: World) -> None:
    emails = by_subject(preview_options(proposed(logged), 20, logged.deps))
    joining = emails["Joining"]
    assert (joining["current"]["decision"], joining["current"]["reason"]) == ("skip", "no_contact")
    record = joining["proposed"]["records"][0]
    assert record["new_contact"] is True and record["fields"]["DESCRIPTION"] == "Email: Joining"
    renewal = emails["Renewal"]
    assert renewal["current"]["records"][0]["already_written"]  # captured already: a replay is a duplicate
    assert {(c["field"], c["from"], c["to"]) for c in renewal["field_changes"]} == {
        ("DESCRIPTION", "Renewal", "Email: Renewal")}
    assert joining["changed"] and renewal["changed"]


def test_unchanged_options_change_nothing(logged: World) -> None:
    doc = options_to_doc(logged.deps.options.get().options)
    assert not any(e["changed"] for e in preview_options(doc, 20, logged.deps))


def test_the_fields_are_what_the_worker_then_writes(logged: World) -> None:
    doc = proposed(logged)
    preview = by_subject(preview_options(doc, 20, logged.deps))["Joining"]["proposed"]["records"][0]
    logged.set_options(**doc)
    logged.deps.forget_options()
    entry = next(e for e in logged.log.entries if e.get("subject") == "Joining")
    logged.notify(entry["message_id"])
    logged.run()
    created = logged.crm.find_contacts(STRANGER)
    assert len(created) == 1
    written = logged.crm.records_for(created[0].id)
    assert len(written) == 1 and dict(written[0].fields) == preview["fields"]


def test_emails_are_previewed_side_by_side_and_answered_in_the_logs_order(world: World) -> None:
    """Four at a time (Graph's concurrency per mailbox), the result the same as one after another: the first
    logged emails are made the slowest to fetch, so an answer in completion order would come out reversed. The
    first four fetches wait for each other (a barrier, not a timing window: a loaded CI machine may start a
    thread late), so a preview that does not run four at once fails here."""
    for n in range(8):
        world.receive(world.mail(sender=ALICE if n % 2 else STRANGER, subject=f"Question {n}"))
    one_by_one = preview_options(proposed(world), 20, world.deps, concurrency=1)
    fetch, lock, together = world.graph.get_message, threading.Lock(), threading.Barrier(4)
    in_flight, most, started = [0], [0], [0]
    order = {e["message_id"]: i for i, e in enumerate(world.deps.decisions.search(contact_id="", limit=20))}

    def slow_fetch(mailbox: str, message_id: str, spec: Any) -> Any:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            started[0] += 1
            first_four = started[0] <= 4
        try:
            if first_four:
                together.wait(timeout=20)  # BrokenBarrierError unless four are in flight at once
            time.sleep(0.02 * (len(order) - order[message_id]))  # the newest logged (listed first): slowest
            return fetch(mailbox, message_id, spec)
        finally:
            with lock:
                in_flight[0] -= 1

    world.graph.get_message = slow_fetch  # type: ignore[method-assign]
    side_by_side = preview_options(proposed(world), 20, world.deps)
    assert side_by_side == one_by_one and len(side_by_side) == 8
    assert most[0] == 4  # bounded by PREVIEW_CONCURRENCY, and really concurrent
