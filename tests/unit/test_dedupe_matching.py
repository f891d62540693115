from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.dedupe import dedupe_key
from shared.domain.matching import ContactRef, ParticipantMatch, resolve_targets
from shared.domain.model import Folder
from shared.domain.reasons import Reason
from tests.builders import a_message


class TestDedupeKey:
    def test_same_message_id_in_two_mailboxes_gives_one_key(self) -> None:
        inbox = a_message(internet_message_id="<abc@Mail.Example.com>", id="1")
        sent = a_message(internet_message_id="abc@mail.example.com", id="2", folder=Folder.SENT_ITEMS)
        assert dedupe_key(inbox) == dedupe_key(sent)
        assert dedupe_key(inbox) != dedupe_key(a_message())

    def test_fallback_without_message_id_is_stable(self) -> None:
        sent = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
        one = a_message(internet_message_id="", sent_at=sent, conversation_id="a")
        two = a_message(internet_message_id="", sent_at=sent, conversation_id="b")
        assert dedupe_key(one) == dedupe_key(two)
        assert dedupe_key(one) != dedupe_key(a_message(internet_message_id="", sent_at=sent, subject="Other"))

    def test_allow_duplicates_scopes_the_key_to_the_mailbox(self) -> None:
        msg = a_message()
        assert dedupe_key(msg, mailbox="a@x.org") != dedupe_key(msg, mailbox="b@x.org")
        assert dedupe_key(msg, mailbox="a@x.org") == dedupe_key(msg, mailbox="A@x.org")


class TestResolveTargets:
    def test_one_contact_each_becomes_a_target(self) -> None:
        ada = ContactRef("101", "Ada")
        result = resolve_targets([ParticipantMatch("ada@example.com", (ada,))])
        assert result.targets == (ada,)
        assert result.unmatched == ()

    def test_unknown_and_shared_addresses_are_skipped_with_reasons(self) -> None:
        result = resolve_targets([
            ParticipantMatch("nobody@example.com", ()),
            ParticipantMatch("shared@example.com", (ContactRef("1"), ContactRef("2"))),
        ])
        assert result.targets == ()
        assert [u.reason for u in result.unmatched] == [Reason.NO_CONTACT, Reason.AMBIGUOUS_CONTACT]
        assert "1, 2" in result.unmatched[1].detail

    def test_thread_contacts_are_added_once(self) -> None:
        ada = ContactRef("101", "Ada")
        result = resolve_targets([ParticipantMatch("ada@example.com", (ada,)),
                                  ParticipantMatch("new@example.com", ())], thread_contacts=(ada, ContactRef("7")))
        assert [c.id for c in result.targets] == ["101", "7"]
