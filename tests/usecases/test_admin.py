"""Admin operations in process: options (ETag, history, validation), mailboxes, status, replay, cache purge, explain."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidOptions, OptionsConflict, PreconditionRequired
from shared.services.admin_ops import explain, purge_contact_cache, status
from shared.services.admin_options import patch_options, replace_options
from shared.services.contacts import cached_contacts
from shared.services.mailboxes import remove_mailbox
from tests.usecases.world import ALICE, MAILBOX, World


class TestOptions:
    def test_a_patch_with_the_current_etag_is_saved_with_who_and_what(self, world: World) -> None:
        version = world.deps.options.get().version
        saved = patch_options({"blocked_domains": ["recruit-agency.example"]}, f'"v{version}"', "ada", world.deps)
        assert saved.version == version + 1 and saved.options.blocked_domains == ("recruit-agency.example",)
        [latest, *_] = world.deps.options.history()
        assert latest["updated_by"] == "ada" and "blocked_domains" in str(latest["changes"])

    def test_a_stale_etag_is_refused_and_nothing_changes(self, world: World) -> None:
        before = world.deps.options.get()
        with pytest.raises(OptionsConflict):
            patch_options({"look_back_days": 3}, '"v0"', "ada", world.deps)
        assert world.deps.options.get() == before

    def test_a_missing_if_match_is_a_precondition_required(self, world: World) -> None:
        with pytest.raises(PreconditionRequired):
            replace_options({}, None, "ada", world.deps)

    def test_invalid_options_list_every_field_and_keep_the_old(self, world: World) -> None:
        before = world.deps.options.get()
        with pytest.raises(InvalidOptions) as raised:
            patch_options({"look_back_days": -1, "max_total_emails": "many"}, f'"v{before.version}"', "ada",
                          world.deps)
        assert {path for path, _ in raised.value.problems} >= {"look_back_days", "max_total_emails"}
        assert world.deps.options.get() == before

    def test_new_options_apply_to_the_next_email(self, world: World) -> None:
        world.set_options(internal_domains=["association.example"], blocked_domains=["example.org"])
        world.deps.forget_options()  # what the admin API does after a save (other workers: within 15 s)
        assert world.outcome(world.receive(world.mail()))["reason"] == "blocked_sender"


class TestMailboxes:
    def test_removing_a_mailbox_deletes_its_subscriptions_and_delta_links(self, world: World) -> None:
        subs = [s.id for s in world.deps.subscriptions.for_mailbox(MAILBOX)]
        assert remove_mailbox(MAILBOX, world.deps)["subscriptions_deleted"] == 2
        assert world.deps.mailboxes.get(MAILBOX) is None
        assert world.deps.subscriptions.for_mailbox(MAILBOX) == [] and not set(subs) & set(world.graph.subscriptions)
        assert world.deps.delta_tokens.get(MAILBOX, "inbox") == (None, "")

    def test_a_changed_mailbox_applies_to_its_next_email_in_this_instance(self, world: World) -> None:
        world.receive(world.mail())  # the mailbox's settings are now cached (15 s)
        world.watch(MAILBOX, record_types=["activity", "interaction"], import_days=0)
        world.receive(world.mail())
        assert sorted(record.kind for record in world.crm.records_for(world.alice.id)) == [
            "activity", "activity", "interaction"]

    def test_status_shows_subscriptions_delta_and_the_last_day(self, world: World) -> None:
        world.receive(world.mail())
        world.receive(world.mail(sender="stranger@example.net"))
        report = status(world.deps)
        [mine] = report["mailboxes"]
        assert [f["folder"] for f in mine["folders"]] == ["inbox", "sentitems"]
        assert all(f["subscription_id"] and not f["subscription_expired"] for f in mine["folders"])
        assert mine["folders"][0]["last_notification_at"] is not None
        assert report["last_24h"]["by_outcome"] == {"captured": 1, "skipped": 1}
        assert {k: report["queue"][k] for k in ("depth", "poison_depth", "last_poison_reasons")} == {
            "depth": 0, "poison_depth": 0, "last_poison_reasons": []}
        assert report["queue"]["lanes"] == {
            "live": {"queue": "mail-messages", "depth": 0, "poison_queue": "mail-messages-poison", "poison_depth": 0},
            "bulk": {"queue": "mail-bulk", "depth": 0, "poison_queue": "mail-bulk-poison", "poison_depth": 0}}


class TestContactCache:
    def test_purge_makes_the_next_email_ask_the_crm_again(self, world: World) -> None:
        options = world.deps.options.get().options
        assert cached_contacts(ALICE, options, world.deps) == (world.alice,)
        world.crm.contacts[ALICE] = []  # the contact was merged away in the CRM
        assert cached_contacts(ALICE, options, world.deps) == (world.alice,)  # still cached
        purge_contact_cache(world.deps)
        assert cached_contacts(ALICE, options, world.deps) == ()


class TestExplain:
    def test_explains_an_eml_with_the_stored_options(self, world: World) -> None:
        raw = (b"From: Alice <alice.moreau@example.org>\r\nTo: membership@association.example\r\n"
               b"Subject: Out of office\r\nAuto-Submitted: auto-replied\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
               b"Message-ID: <oof@example.org>\r\n\r\nI am away.\r\n")
        answer = explain(raw, world.deps, mailbox=MAILBOX, folder="inbox")
        assert (answer["decision"], answer["reason"]) == ("skip", "auto_reply")
        assert explain(b"", world.deps, mailbox=None, folder=None)["reason"] == "unparseable"
