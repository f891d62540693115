"""Effectively-once CRM writes: crashes, outages, refusals and replays never make a second record or lose one."""

from __future__ import annotations

import pytest

from shared.domain.errors import CrmRejected, CrmUnavailable
from shared.domain.model import AttachmentContent
from shared.services.admin_ops import replay, replay_poison
from tests.usecases.world import MAILBOX, World


class WorkerKilled(BaseException):
    """The worker process dies: no exception handler of ours runs (BaseException, like a SIGKILL's effect)."""


class TestCrashes:
    def test_killed_after_the_crm_write_then_retried_leaves_one_record(self, world: World) -> None:
        world.crm.crash_after_write = WorkerKilled()
        mid = world.arrive(world.mail())
        world.notify(mid)
        with pytest.raises(WorkerKilled):
            world.run()
        assert len(world.crm.records_for(world.alice.id)) == 1  # written, never recorded in the ledger
        world.run()  # the message comes back (same queue message: the host redelivers it)
        assert world.outcome(mid)["outcome"] == "captured"
        assert len(world.crm.records_for(world.alice.id)) == 1

    def test_a_timeout_after_commit_is_checked_in_the_crm_before_writing_again(self, world: World) -> None:
        world.crm.crash_after_write = CrmUnavailable("read timeout")  # the CRM committed, we never heard
        mid = world.receive(world.mail())
        assert world.outcome(mid)["outcome"] == "captured"
        assert len(world.crm.records_for(world.alice.id)) == 1

    def test_a_record_the_crm_refuses_is_logged_and_not_retried(self, world: World) -> None:
        world.crm.failures = [CrmRejected("UF_1 too long")]
        mid = world.receive(world.mail())
        assert (world.outcome(mid)["outcome"], world.outcome(mid)["reason"]) == ("failed", "crm_rejected")
        assert any("UF_1 too long" in e["detail"] for e in world.log.entries)
        assert world.poison.depth() == 0


class TestPoison:
    def test_an_outage_ends_in_poison_with_the_reason_then_replay_captures_once(self, world: World) -> None:
        world.crm.failures = [CrmUnavailable("503 from iMIS")] * world.deps.max_dequeue_count
        mid = world.receive(world.mail())
        entry = world.outcome(mid)
        assert (entry["outcome"], entry["reason"]) == ("failed", "retries_exhausted")
        assert str(world.deps.max_dequeue_count) in entry["detail"] and "503 from iMIS" in entry["detail"]
        assert world.poison.depth() == 1 and world.crm.records == {}
        assert replay_poison(world.deps) == {"requeued": 1, "kept": 0}
        world.run()
        assert world.outcome(mid)["outcome"] == "captured"
        assert len(world.crm.records_for(world.alice.id)) == 1

    def test_replaying_a_captured_email_writes_nothing_new(self, world: World) -> None:
        mid = world.receive(world.mail())
        assert replay([{"mailbox": MAILBOX.upper(), "message_id": mid}], world.deps) == 1
        world.run()
        assert world.outcome(mid)["outcome"] == "duplicate"
        assert len(world.crm.records_for(world.alice.id)) == 1


class TestMultiStepWrites:
    def test_a_failed_attachment_is_retried_alone_and_the_record_stays_single(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], attachments="all")
        world.deps.forget_options()
        world.crm.attach_failures = [CrmUnavailable("503 on /api/Attachment")] * 2
        files = (AttachmentContent("agenda.pdf", "application/pdf", b"%PDF-1.7"),)
        mid = world.receive(world.mail(has_attachments=True), files=files)
        assert world.outcome(mid)["outcome"] == "captured"
        [(record, attached)] = list(world.crm.records.values())
        assert [f.name for f in attached] == ["agenda.pdf"]
