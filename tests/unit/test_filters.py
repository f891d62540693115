from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.filters import MailboxContext, decide, direction, lookup_participants
from shared.domain.model import Address, Direction, Folder, MailMessage
from shared.domain.options import DEFAULT_OPTIONS, Options, parse_options
from shared.domain.reasons import Reason

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MAILBOX = MailboxContext(address="sam@org.example")


def a_message(sender: str = "ann@customer.example", to: tuple[str, ...] = ("sam@org.example",),
              **fields: object) -> MailMessage:
    fields.setdefault("received_at", NOW - timedelta(hours=1))
    return MailMessage(subject="Membership", from_=Address(sender), to=tuple(Address(t) for t in to),
                       **fields)  # type: ignore[arg-type]


def options(**doc: object) -> Options:
    return parse_options(doc)


class TestDecide:
    @pytest.mark.parametrize(("msg", "opts", "reason"), [
        (a_message(is_draft=True), DEFAULT_OPTIONS, Reason.DRAFT),
        (a_message(folder=Folder.DRAFTS), DEFAULT_OPTIONS, Reason.DRAFT),
        (a_message(folder=Folder.DELETED_ITEMS), DEFAULT_OPTIONS, Reason.DELETED_OR_JUNK),
        (a_message(folder=Folder.JUNK_EMAIL), DEFAULT_OPTIONS, Reason.DELETED_OR_JUNK),
        (a_message(folder=Folder.ARCHIVE), DEFAULT_OPTIONS, Reason.FOLDER_OUT_OF_SCOPE),
        (a_message(folder=Folder.SENT_ITEMS), options(folder_scope=["inbox"]), Reason.FOLDER_OUT_OF_SCOPE),
        (a_message(received_at=NOW - timedelta(days=31)), DEFAULT_OPTIONS, Reason.TOO_OLD),
        (a_message(headers=(("Auto-Submitted", "auto-replied"),)), DEFAULT_OPTIONS, Reason.AUTO_REPLY),
        (a_message(content_type="multipart/report", report_type="delivery-status"), DEFAULT_OPTIONS, Reason.BOUNCE),
        (a_message(headers=(("List-Id", "<l.example>"),)), DEFAULT_OPTIONS, Reason.BULK),
        (a_message("noreply@shop.example"), DEFAULT_OPTIONS, Reason.NO_REPLY_SENDER),
        (a_message(headers=(("Auto-Submitted", "auto-generated"),)), DEFAULT_OPTIONS, Reason.AUTOMATED),
        (a_message("ann@spam.example"), options(blocked_domains=["spam.example"]), Reason.BLOCKED_SENDER),
        (a_message("ann@eu.spam.example"), options(blocked_domains=["spam.example"]), Reason.BLOCKED_SENDER),
        (a_message("ann@customer.example"), options(blocked_addresses=["ann@customer.example"]),
         Reason.BLOCKED_SENDER),
        (a_message("kim@org.example"), DEFAULT_OPTIONS, Reason.INTERNAL_ONLY),
        (a_message("kim@sister.example"), options(internal_domains=["sister.example"]), Reason.INTERNAL_ONLY),
        # Subdomains of internal domains are internal too (the module docstring promises them).
        (a_message("kim@eu.org.example"), DEFAULT_OPTIONS, Reason.INTERNAL_ONLY),
        (a_message("kim@mail.eu.sister.example"), options(internal_domains=["sister.example"]),
         Reason.INTERNAL_ONLY),
        (a_message("sam@org.example", to=("ann@x.example", "bob@y.example"), folder=Folder.SENT_ITEMS),
         options(blocked_domains=["x.example", "y.example"]), Reason.NO_EXTERNAL_PARTICIPANT),
    ])
    def test_skips_with_reason(self, msg: MailMessage, opts: Options, reason: Reason) -> None:
        decision = decide(msg, opts, MAILBOX, now=NOW)
        assert (decision.capture, decision.reason) == (False, reason)
        assert decision.detail.endswith(".")

    def test_captures_person_mail(self) -> None:
        decision = decide(a_message(), DEFAULT_OPTIONS, MAILBOX, now=NOW)
        assert decision.capture and decision.reason is None
        assert "1 participant" in decision.detail

    @pytest.mark.parametrize("sender", ["kim@notorg.example", "kim@org.example.evil", "kim@xsister.example"])
    def test_lookalike_of_an_internal_domain_is_outside(self, sender: str) -> None:
        decision = decide(a_message(sender), options(internal_domains=["sister.example"]), MAILBOX, now=NOW)
        assert (decision.capture, decision.reason) == (True, None)

    def test_look_back_zero_means_no_limit_and_no_now_means_no_window(self) -> None:
        old = a_message(received_at=NOW - timedelta(days=900))
        assert decide(old, options(look_back_days=0), MAILBOX, now=NOW).capture
        assert decide(old, DEFAULT_OPTIONS, MAILBOX).capture

    def test_toggled_off_machine_rule_captures(self) -> None:
        msg = a_message(headers=(("Auto-Submitted", "auto-replied"),))
        assert decide(msg, options(automated={"skip_auto_replies": False}), MAILBOX).capture

    def test_no_reply_still_applies_when_bulk_is_allowed(self) -> None:
        msg = a_message("noreply@news.example", headers=(("List-Id", "<l.example>"),))
        decision = decide(msg, options(automated={"skip_bulk": False}), MAILBOX)
        assert decision.reason == Reason.NO_REPLY_SENDER

    def test_per_mailbox_folder_scope_overrides_options(self) -> None:
        mailbox = MailboxContext(address="sam@org.example", folders=(Folder.INBOX, Folder.ARCHIVE))
        assert decide(a_message(folder=Folder.ARCHIVE), DEFAULT_OPTIONS, mailbox).capture

    @pytest.mark.parametrize(("captured", "cap", "capture"), [(None, 5, True), (4, 5, True), (5, 5, False),
                                                               (9, 0, True)])
    def test_daily_cap(self, captured: int | None, cap: int, capture: bool) -> None:
        decision = decide(a_message(), options(max_total_emails=cap), MAILBOX, captured_today=captured)
        assert decision.capture is capture
        assert decision.reason == (None if capture else Reason.DAILY_CAP)


class TestLookupParticipants:
    def test_outside_people_once_each_without_mailbox_internal_or_blocked(self) -> None:
        msg = a_message("Ann@Customer.example", to=("sam@org.example", "kim@org.example", "ann@customer.example"),
                        cc=(Address("bob@partner.example"), Address("x@blocked.example"), Address("")))
        found = lookup_participants(msg, options(blocked_domains=["blocked.example"]), MAILBOX)
        assert [a.email for a in found] == ["ann@customer.example", "bob@partner.example"]

    @pytest.mark.parametrize(("folder", "sender", "bcc_option", "expected"), [
        (Folder.SENT_ITEMS, "sam@org.example", True, ["ann@customer.example", "hidden@partner.example"]),
        (Folder.INBOX, "sam@org.example", True, ["ann@customer.example", "hidden@partner.example"]),
        (Folder.SENT_ITEMS, "sam@org.example", False, ["ann@customer.example"]),
        (Folder.INBOX, "bob@else.example", True, ["bob@else.example", "ann@customer.example"]),
    ])
    def test_bcc_only_for_mail_sent_from_the_mailbox(self, folder: Folder, sender: str, bcc_option: bool,
                                                     expected: list[str]) -> None:
        msg = a_message(sender, to=("ann@customer.example",), bcc=(Address("hidden@partner.example"),), folder=folder)
        found = lookup_participants(msg, options(capture_bcc_on_sent=bcc_option), MAILBOX)
        assert [a.email for a in found] == expected


class TestDirection:
    @pytest.mark.parametrize(("sender", "folder", "expected"), [
        ("sam@org.example", Folder.INBOX, Direction.OUTBOUND),
        ("ann@customer.example", Folder.SENT_ITEMS, Direction.OUTBOUND),
        ("ann@customer.example", Folder.INBOX, Direction.INBOUND),
    ])
    def test_direction(self, sender: str, folder: Folder, expected: Direction) -> None:
        assert direction(a_message(sender, folder=folder), MAILBOX) is expected
