from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import pytest

from shared.domain.dedupe import dedupe_key
from shared.domain.matching import ContactRef, ParticipantMatch, resolve_targets
from shared.domain.model import Address, Folder
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

    def test_fallback_key_tells_apart_sender_sent_time_and_recipients(self) -> None:
        sent = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
        base = a_message(internet_message_id="", sent_at=sent)
        others = [
            a_message(internet_message_id="", sent_at=sent, from_=Address("eve@example.com", "Ada Lovelace")),
            a_message(internet_message_id="", sent_at=sent.replace(second=1)),
            a_message(internet_message_id="", sent_at=sent, to=(Address("other@association.example"),)),
        ]
        assert [dedupe_key(o) == dedupe_key(base) for o in others] == [False, False, False]

    def test_fallback_key_ignores_recipient_order_and_display_names(self) -> None:
        sent = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
        ann, bob = Address("ann@example.org", "Ann"), Address("bob@example.net", "Bob")
        one = a_message(internet_message_id="", sent_at=sent, to=(ann, bob))
        two = a_message(internet_message_id="", sent_at=sent, to=(Address("bob@example.net", "Robert"), ann))
        assert dedupe_key(one) == dedupe_key(two)

    def test_key_is_40_hex_characters_of_sha256(self) -> None:
        # 160 bits (shorter keys make unrelated emails collide), and stable across releases: ledger rows and
        # records' UF_1 values already stored were written with it.
        key = dedupe_key(a_message(internet_message_id="<abc@mail.example.com>"))
        assert key == hashlib.sha256(b"mid:abc@mail.example.com").hexdigest()[:40]
        assert re.fullmatch(r"[0-9a-f]{40}", dedupe_key(a_message(internet_message_id="")))

    def test_fallback_key_without_sender_or_sent_time_is_stable(self) -> None:
        # The stored form: "fb:" sender | sorted recipients | subject | sent time, each empty when missing.
        bare = a_message(internet_message_id="", from_=None, sent_at=None, subject=" Hi ",
                         to=(Address("b@y.org"), Address("a@x.org")))
        assert dedupe_key(bare) == hashlib.sha256(b"fb:|a@x.org,b@y.org|Hi|").hexdigest()[:40]

    @pytest.mark.parametrize(("one", "other"), [
        ('<"a@B"@x.org>', '<"a@b"@x.org>'),  # only the domain part is case-insensitive (RFC 5321 2.4)
        ("<Xy@x.org>", "<y@x.org>"),  # brackets are stripped, nothing else
        ("<no-at-sign>", "<another>"),  # an id without "@" is kept as it is
    ])
    def test_message_ids_that_differ_give_different_keys(self, one: str, other: str) -> None:
        assert dedupe_key(a_message(internet_message_id=one)) != dedupe_key(a_message(internet_message_id=other))

    def test_allow_duplicates_keys_still_tell_emails_apart(self) -> None:
        one, two = a_message(), a_message()
        assert dedupe_key(one, mailbox="a@x.org") != dedupe_key(two, mailbox="a@x.org")
        scoped = dedupe_key(a_message(internet_message_id="<m@x.org>"), mailbox="Box@X.org")
        assert scoped == hashlib.sha256(b"mid:m@x.org|mbx:box@x.org").hexdigest()[:40]

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
        assert [(u.address, u.reason) for u in result.unmatched] == [("nobody@example.com", Reason.NO_CONTACT),
                                                                     ("shared@example.com", Reason.AMBIGUOUS_CONTACT)]
        assert result.unmatched[0].detail == "No CRM contact has nobody@example.com."
        assert "1, 2" in result.unmatched[1].detail

    def test_thread_contacts_are_added_once(self) -> None:
        ada = ContactRef("101", "Ada")
        result = resolve_targets([ParticipantMatch("ada@example.com", (ada,)),
                                  ParticipantMatch("new@example.com", ())], thread_contacts=(ada, ContactRef("7")))
        assert [c.id for c in result.targets] == ["101", "7"]
