"""The worker's capture decisions, in process: what becomes a CRM record and what is skipped with which reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.domain.errors import GraphUnavailable
from shared.domain.model import AttachmentContent
from shared.services.deps import WorkerCaches
from tests.usecases.world import ALICE, MAILBOX, World


class TestCapture:
    def test_a_customer_email_becomes_one_activity_for_the_contact(self, world: World) -> None:
        msg = world.mail(subject="Renewal for 2026", body_text="I paid by bank transfer.")
        mid = world.receive(msg)
        entry = world.outcome(mid)
        assert entry["outcome"] == "captured" and entry["subject"] == "Renewal for 2026"
        [activity] = world.crm.records_for(world.alice.id)
        assert activity.kind == "activity" and activity.activity_type == "EMAIL"
        assert activity.field("DESCRIPTION").startswith("Renewal for 2026")
        assert "bank transfer" in activity.field("NOTE")
        assert activity.capture_key == entry["key"]
        assert "bank transfer" not in str(world.log.entries)  # the log holds no body text

    def test_the_same_email_delivered_again_is_a_duplicate(self, world: World) -> None:
        msg = world.mail()
        first = world.receive(msg)
        second = world.receive(replace(msg, id="AAMk-second-copy"))
        assert (world.outcome(first)["outcome"], world.outcome(second)["outcome"]) == ("captured", "duplicate")
        assert world.outcome(second)["reason"] == "already_captured"
        assert len(world.crm.records_for(world.alice.id)) == 1

    def test_a_mailbox_can_write_interactions(self) -> None:
        world = World()
        world.watch(record_types=("interaction",))
        world.receive(world.mail(body_html="<p>Hello <b>there</b></p>", body_text=""))
        [record] = world.crm.records_for(world.alice.id)
        assert record.kind == "interaction" and "<b>there</b>" in str(record.fields)

    def test_outbound_mail_is_captured_for_its_recipient(self, world: World) -> None:
        msg = world.mail(sender=MAILBOX, to=ALICE)
        world.receive(msg, folder="sentitems")
        [activity] = world.crm.records_for(world.alice.id)
        assert "Outbound" in activity.field("NOTE_2")


class TestSkips:
    def test_unknown_sender_is_no_contact(self, world: World) -> None:
        mid = world.receive(world.mail(sender="stranger@example.net"))
        assert (world.outcome(mid)["outcome"], world.outcome(mid)["reason"]) == ("skipped", "no_contact")
        assert world.crm.records == {}

    def test_internal_only_mail_is_skipped(self, world: World) -> None:
        mid = world.receive(world.mail(sender="colleague@association.example"))
        assert world.outcome(mid)["reason"] == "internal_only"

    def test_blocked_sender_is_skipped(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], blocked_addresses=[ALICE])
        world.deps.forget_options()
        mid = world.receive(world.mail())
        assert world.outcome(mid)["reason"] == "blocked_sender"

    def test_an_auto_reply_is_skipped(self, world: World) -> None:
        msg = world.mail(headers=(("Auto-Submitted", "auto-replied"),), subject="Out of office")
        assert world.outcome(world.receive(msg))["reason"] == "auto_reply"

    def test_mail_older_than_the_look_back_window(self, world: World) -> None:
        old = world.deps.clock.now() - timedelta(days=40)
        assert world.outcome(world.receive(world.mail(sent_at=old, received_at=old)))["reason"] == "too_old"

    def test_a_message_deleted_before_processing(self, world: World) -> None:
        world.notify("AAMk-gone")
        world.run()
        assert world.outcome("AAMk-gone")["reason"] == "message_not_found"

    def test_a_mailbox_no_longer_watched(self, world: World) -> None:
        mid = world.arrive(world.mail())
        world.notify(mid)
        world.deps.mailboxes.delete(MAILBOX)
        world.deps.forget_options()
        world.run()
        assert world.outcome(mid)["reason"] == "mailbox_not_watched"

    def test_the_daily_cap(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], max_total_emails=1)
        world.deps.forget_options()
        first, second = world.receive(world.mail()), world.receive(world.mail())
        assert world.outcome(first)["outcome"] == "captured"
        assert world.outcome(second)["reason"] == "daily_cap"

    def test_the_daily_cap_counts_what_other_workers_captured(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], max_total_emails=2)
        world.deps.forget_options()
        world.receive(world.mail())
        world.deps = replace(world.deps, caches=WorkerCaches())  # a second worker: nothing in its memory
        world.deps.forget_options()
        second, third = world.receive(world.mail()), world.receive(world.mail())
        assert world.outcome(second)["outcome"] == "captured"
        assert world.outcome(third)["reason"] == "daily_cap"  # 1 by the first worker + 1 here
        world.deps = replace(world.deps, caches=WorkerCaches())
        world.deps.clock.offset += timedelta(days=1)  # a new day (UTC): the count starts again
        world.deps.forget_options()
        assert world.outcome(world.receive(world.mail()))["outcome"] == "captured"

    def test_two_contacts_on_one_address_are_ambiguous(self, world: World) -> None:
        world.crm.add_contact("shared@example.org", "One", "30001")
        world.crm.add_contact("shared@example.org", "Two", "30002")
        mid = world.receive(world.mail(sender="shared@example.org"))
        assert world.outcome(mid)["reason"] == "ambiguous_contact"
        assert "30001" in world.outcome(mid)["detail"] or any(
            "30001" in e["detail"] for e in world.log.entries)


class TestContacts:
    def test_organisation_by_domain(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], link_organisation_by_domain=True)
        world.deps.forget_options()
        org = world.crm.add_contact("office@acme.example", "Acme Ltd", "40001")
        world.crm.organisations["acme.example"] = [org]
        world.receive(world.mail(sender="someone@acme.example"))
        assert [r.contact_id for r in world.crm.records_for("40001")] == ["40001"]

    def test_create_contact_if_not_found_creates_it_once(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], create_contact_if_not_found=True)
        world.deps.forget_options()
        world.receive(world.mail(sender="new.member@example.net"))
        world.receive(world.mail(sender="new.member@example.net"))
        [created] = world.crm.find_contacts("new.member@example.net")
        assert len(world.crm.records_for(created.id)) == 2

    def test_a_reply_from_another_address_reaches_the_threads_contact(self, world: World) -> None:
        first = world.mail(conversation_id="conv-1")
        world.receive(first)
        reply = world.mail(sender="alice.private@example.net", conversation_id="conv-1",
                           in_reply_to=first.internet_message_id)
        world.receive(reply)
        assert len(world.crm.records_for(world.alice.id)) == 2


class TestFiles:
    def test_non_inline_attachments_go_with_the_record_named_within_50(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], attachments="non_inline")
        world.deps.forget_options()
        files = (AttachmentContent("a" * 60 + ".pdf", "application/pdf", b"%PDF-1.7"),
                 AttachmentContent("logo.png", "image/png", b"png", is_inline=True),
                 AttachmentContent("empty.txt", "text/plain", b""))
        world.receive(world.mail(has_attachments=True), files=files)
        [(record, attached)] = list(world.crm.records.values())
        [kept] = attached  # the inline logo and the empty file stay behind
        assert (len(kept.name), kept.name[:45], kept.name[-4:], kept.data) == (50, "a" * 45, ".pdf", b"%PDF-1.7")

    def test_save_as_eml_attaches_the_message_and_keeps_a_blob(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], save_as_eml=True)
        world.deps.forget_options()
        world.receive(world.mail(subject="Minutes"))
        [(record, attached)] = list(world.crm.records.values())
        assert [f.name for f in attached] == ["Minutes.eml"]
        assert list(world.deps.blobs.blobs) == [f"{MAILBOX}/{record.capture_key}.eml"]  # type: ignore[union-attr]


class TestThrottling:
    def test_retry_after_defers_without_spending_attempts(self, world: World) -> None:
        world.graph.failures["get_message"] = [GraphUnavailable("429", retry_after=30.0)] * 8
        mid = world.receive(world.mail())
        assert world.outcome(mid)["outcome"] == "captured"
        assert world.poison.depth() == 0
        assert sum(1 for c in world.graph.calls if c == "get_message") == 9
