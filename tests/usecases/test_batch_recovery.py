"""An id of a batch that fails in an unknown state is queued again alone, under a new queue message: the capture
ledger must let that message take the claim at once (checking the CRM first), not wait out the batch's lease."""

from __future__ import annotations

from typing import Any

from shared.domain.dedupe import normalise_message_id
from shared.domain.errors import CrmUnavailable
from shared.domain.model import AttachmentContent
from shared.services import outcome_stats
from shared.services.delta import run_delta
from shared.services.worker import handle_queue_message
from tests.usecases.world import MAILBOX, World


def _step(world: World) -> str:
    """The host runs the next visible queue message once."""
    message = world.queue.receive()
    assert message is not None
    return handle_queue_message(message.payload, world.deps, owner=message.id, dequeue_count=message.dequeue_count)


def test_a_crm_answer_that_cannot_be_read_leaves_the_claim_to_the_id_queued_again(world: World) -> None:
    world.watch(MAILBOX)
    ids = [world.arrive(world.mail(subject=f"Order {i}")) for i in range(3)]
    real, writes = world.crm.write_record, []

    def write_record(record: Any, files: Any) -> str:
        writes.append(record)
        if len(writes) == 2:  # stored in the CRM, but its answer is not what the adapter can read
            world.crm.crash_after_write = ValueError("iMIS answered 200 with a body that is not JSON")
        return real(record, files)

    world.crm.write_record = write_record  # type: ignore[method-assign]
    run_delta(MAILBOX, "inbox", world.deps)
    assert _step(world) == "captured 2, requeued 1"
    # the id alone, under its own queue message: claimed at once and found in the CRM (not "deferred 8s" while the
    # batch's claim runs out its lease, one 8 s wait after another)
    assert _step(world) == "captured"
    records = world.crm.records_for(world.alice.id)
    assert len(records) == len({r.capture_key for r in records}) == 3
    assert all(world.outcome(i)["outcome"] == "captured" for i in ids)


def test_a_file_step_that_fails_unexpectedly_is_resumed_at_once_by_the_id_queued_again(world: World) -> None:
    world.watch(MAILBOX)
    world.set_options(internal_domains=["association.example"], attachments="all")
    files = (AttachmentContent("agenda.pdf", "application/pdf", b"%PDF-1.7"),)
    ids = [world.arrive(world.mail(subject=f"Agenda {i}", has_attachments=True), files=files) for i in range(2)]
    world.crm.attach_failures = [ValueError("iMIS answered 201 with a body that is not JSON")]
    run_delta(MAILBOX, "inbox", world.deps)
    assert _step(world) == "captured 1, requeued 1"
    assert _step(world) == "captured"
    assert sorted(len(attached) for _, attached in world.crm.records.values()) == [1, 1]
    assert all(world.outcome(i)["outcome"] == "captured" for i in ids)


def test_an_id_of_a_batch_is_never_on_its_last_attempt_there(world: World) -> None:
    """With host.json's maxDequeueCount at 1, a batch's failing id is still queued again alone (its own attempt),
    so the batch must not log it as given up and in the poison queue."""
    world.deps.max_dequeue_count = 1
    world.watch(MAILBOX)
    ids = [world.arrive(world.mail(subject=f"Order {i}")) for i in range(3)]
    world.crm.failures = [CrmUnavailable("503 from iMIS")]
    run_delta(MAILBOX, "inbox", world.deps)
    assert _step(world) == "captured 2, requeued 1"
    assert not [e for e in world.log.entries if e["reason"] == "retries_exhausted"]
    assert _step(world) == "captured"
    assert all(world.outcome(i)["outcome"] == "captured" for i in ids) and world.poison.depth() == 0


def test_a_batch_whose_thread_rows_fail_to_store_still_counts_its_captures(world: World) -> None:
    """The batch's decisions are logged (and counted) before its thread rows are stored: when storing the rows
    fails, the re-delivered batch finds the emails written (duplicate) and stores the rows, and the captures
    still count as captured (status, charts, the daily cap on other instances), not as duplicates."""
    world.watch(MAILBOX)
    ids = [world.arrive(world.mail(subject=f"Order {i}")) for i in range(3)]
    threads = world.deps.threads
    real = threads.add_many

    def add_many(links: Any) -> None:
        threads.add_many = real  # type: ignore[method-assign]  # fails once
        raise ConnectionError("Table storage did not answer")

    threads.add_many = add_many  # type: ignore[method-assign]
    run_delta(MAILBOX, "inbox", world.deps)
    world.run()
    assert outcome_stats.last_24h(world.deps, world.deps.clock.now())["by_outcome"] == {"captured": 3}
    assert len(world.crm.records_for(world.alice.id)) == 3
    assert all(world.outcome(i)["outcome"] in ("captured", "duplicate") for i in ids)


def test_an_email_whose_thread_rows_fail_to_store_is_counted_captured_and_linked_on_its_retry(world: World) -> None:
    """One queued email (a webhook's): the decision is logged before the thread rows; the retry, finding the email
    written, stores them (as a re-delivered batch does), so later replies still reach its contacts."""
    world.watch(MAILBOX)
    mail = world.mail(subject="Renewal")
    mid = world.arrive(mail)
    threads = world.deps.threads
    real = threads.add

    def add(keys: Any, contacts: Any) -> None:
        threads.add = real  # type: ignore[method-assign]  # fails once
        raise ConnectionError("Table storage did not answer")

    threads.add = add  # type: ignore[method-assign]
    world.notify(mid)
    world.run()
    assert outcome_stats.last_24h(world.deps, world.deps.clock.now())["by_outcome"] == {"captured": 1}
    assert world.outcome(mid)["outcome"] == "duplicate" and len(world.crm.records_for(world.alice.id)) == 1
    assert threads.contacts_for([f"mid:{normalise_message_id(mail.internet_message_id)}"]) == (world.alice,)
