"""Small domain helpers mutation testing found untested: mailbox addresses, sensitivity, counted outcomes, the
queue envelope, the mailbox context."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.filters import MailboxContext
from shared.domain.mailbox import Mailbox, mailbox_address
from shared.domain.marks import sensitivity, sensitivity_from_mapi
from shared.domain.model import Folder
from shared.domain.outcome_counts import Counted, email_key, moves
from shared.domain.work import BadWork, WorkItem, parse_work
from tests.builders import a_message


class TestMailboxAddress:
    def test_is_trimmed_and_lower_cased(self) -> None:
        assert mailbox_address("  Membership@Association.Example ") == "membership@association.example"

    @pytest.mark.parametrize("value", ["no-at-sign.example", "a@b", "a b@x.org", "a@@x.org", "a@x.org\x00",
                                       "a" * 243 + "@example.org"])  # 255 characters: one over RFC 5321's 254
    def test_refuses_what_is_not_an_address(self, value: str) -> None:
        with pytest.raises(ValueError, match="not an email address"):
            mailbox_address(value)

    def test_254_characters_are_allowed(self) -> None:
        value = "a" * 242 + "@example.org"
        assert mailbox_address(value) == value


class TestSensitivity:
    @pytest.mark.parametrize(("header", "level"), [("Private", "private"), (" Company-Confidential ", "confidential"),
                                                   ("Personal", "personal"), ("Normal", "normal"), ("odd", "")])
    def test_header_when_graph_gave_no_mapi_value(self, header: str, level: str) -> None:
        assert sensitivity(a_message(headers=(("Sensitivity", header),))) == level

    def test_the_mapi_value_wins(self) -> None:
        assert sensitivity(a_message(sensitivity="private", headers=(("Sensitivity", "Normal"),))) == "private"

    @pytest.mark.parametrize(("value", "level"), [("0", "normal"), (" 3 ", "confidential"), (2, "private"),
                                                  ("9", ""), ("x", ""), (None, "")])
    def test_mapi_values(self, value: str | int | None, level: str) -> None:
        assert sensitivity_from_mapi(value) == level


class TestCountedOutcomes:
    AT = datetime(2026, 1, 1, tzinfo=UTC)

    @pytest.mark.parametrize(("before", "after", "moved"), [
        (("captured", ""), ("duplicate", "already_captured"), False),  # captured beats anything later
        (("skipped", "no_contact"), ("captured", ""), True),
        (("skipped", "no_contact"), ("skipped", "no_contact"), False),  # the same decision again
        (("skipped", "no_contact"), ("skipped", "bulk"), True),
    ])
    def test_moves(self, before: tuple[str, str], after: tuple[str, str], moved: bool) -> None:
        assert moves(Counted(self.AT, *before), Counted(self.AT, *after)) is moved

    def test_email_key_names_mailbox_and_message(self) -> None:
        assert email_key("a@x.org", "m1") != email_key("a@x.org", "m2") != email_key("b@x.org", "m2")
        assert len(email_key("a@x.org", "m1")) == 40


class TestWorkEnvelope:
    def test_a_message_gets_the_documented_defaults(self) -> None:
        assert parse_work({"mailbox": "A@x.org", "message_id": "m1"}) == WorkItem("a@x.org", "m1", "inbox", "webhook")

    @pytest.mark.parametrize("payload", [
        {"kind": "lifecycle", "event": "missed", "subscription_id": "s", "deferrals": 3},
        {"kind": "catch_up", "mailbox": "a@x.org", "folder": "inbox", "since": "", "deferrals": 3},
        {"kind": "import", "mailbox": "a@x.org", "deferrals": 3},
    ])
    def test_every_kind_keeps_its_deferrals(self, payload: dict) -> None:
        work = parse_work(payload)
        assert work.deferrals == 3
        assert getattr(work, "since", None) is None  # "" is no time

    @pytest.mark.parametrize(("payload", "says"), [
        ([1], "a queue message must be a JSON object"),
        ({"mailbox": "a@x.org", "message_id": "m", "deferrals": -1}, "deferrals must be a non-negative integer"),
    ])
    def test_refusals_say_what_is_wrong(self, payload: object, says: str) -> None:
        with pytest.raises(BadWork) as refused:
            parse_work(payload)
        assert str(refused.value) == says


def test_mailbox_context_takes_the_mailboxs_own_scope() -> None:
    mailbox = Mailbox(address="a@x.org", folders=["inbox"], skip_private_mail=True)
    assert MailboxContext.of("a@x.org", mailbox) == MailboxContext("a@x.org", (Folder.INBOX,), True)
    assert MailboxContext.of("a@x.org", None) == MailboxContext("a@x.org")
