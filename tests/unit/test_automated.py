from __future__ import annotations

import pytest

from shared.domain.automated import classify
from shared.domain.model import Address, MailMessage
from shared.domain.reasons import Reason


def a_message(sender: str = "ann@customer.example", subject: str = "Question about my membership", *,
              name: str = "", headers: dict[str, str] | None = None, **fields: object) -> MailMessage:
    return MailMessage(
        subject=subject,
        from_=Address(email=sender, name=name) if sender else None,
        to=(Address("mailbox@org.example"),),
        headers=tuple((headers or {}).items()),
        **fields,  # type: ignore[arg-type]
    )


def reasons(msg: MailMessage) -> list[Reason]:
    return [v.reason for v in classify(msg)]


class TestPersonMailIsKept:
    @pytest.mark.parametrize("msg", [
        a_message(),
        a_message("info@smallsociety.example", "Membership renewal for our society"),
        a_message(subject="Re: Automatic reply: Conference dates"),
        a_message(subject="Fwd: Undelivered Mail Returned to Sender",
                  body_text="Can you check this address?\n\n> This is the mail system at host mx.example."),
        a_message(subject="Out of office next week", headers={"X-Mailer": "Microsoft Outlook 16.0"}),
        a_message(subject="Re: Our newsletter", headers={"In-Reply-To": "<n1@news.example>"}),
        a_message(subject="Board meeting", content_type="multipart/alternative",
                  part_types=("multipart/alternative", "text/plain", "text/calendar")),
        a_message(subject="Delivery failed?", body_text="My parcel delivery failed, can you help?"),
        a_message(subject="Delivery failure", body_text="Your message could not be delivered to my colleague."),
        a_message(headers={"X-Auto-Response-Suppress": "All"}),  # only asks not to be auto-answered
        a_message(headers={"Auto-Submitted": "no"}),
        a_message(content_type="multipart/mixed", part_types=("multipart/mixed", "text/plain", "message/rfc822")),
        a_message(headers={"Return-Path": "<>"}),  # saved or re-injected copies carry a null reverse path too
    ], ids=["plain", "info-mailbox", "re-automatic-reply", "forwarded-bounce", "ooo-announcement",
            "reply-to-newsletter", "calendar-invite", "delivery-words", "person-reports-failure", "suppress-header",
            "auto-submitted-no",
            "attached-message", "null-return-path"])
    def test_person_mail_has_no_machine_verdict(self, msg: MailMessage) -> None:
        assert classify(msg) == ()


class TestStandards:
    @pytest.mark.parametrize(("msg", "expected"), [
        (a_message(message_class="REPORT.IPM.Note.NDR"), Reason.BOUNCE),
        (a_message(message_class="REPORT.IPM.Note.DR"), Reason.AUTOMATED),  # delivered: a receipt, no bounce
        (a_message(message_class="REPORT.IPM.Note.IPNRN"), Reason.AUTOMATED),
        (a_message(message_class="IPM.Note.Rules.OofTemplate.Microsoft"), Reason.AUTO_REPLY),
        (a_message(message_class="IPM.Note.Rules.ReplyTemplate.Microsoft"), Reason.AUTO_REPLY),
        (a_message(content_type="multipart/report", report_type="delivery-status"), Reason.BOUNCE),
        (a_message(content_type="multipart/report", report_type="global-delivery-status"), Reason.BOUNCE),
        (a_message(content_type="multipart/report", report_type="feedback-report"), Reason.AUTOMATED),
        (a_message(content_type="multipart/report", report_type="disposition-notification"), Reason.AUTOMATED),
        (a_message(headers={"Auto-Submitted": "auto-replied"}), Reason.AUTO_REPLY),
        (a_message(headers={"Auto-Submitted": "auto-generated"}), Reason.AUTOMATED),
        (a_message(headers={"Auto-Submitted": "auto-notified; owner-email=x@y.example"}), Reason.AUTOMATED),
        (a_message(headers={"X-Autoreply": "yes"}), Reason.AUTO_REPLY),
        (a_message(headers={"List-Id": "<members.lists.example>"}), Reason.BULK),
        (a_message(headers={"List-Unsubscribe": "<https://u.example/x>", "List-Unsubscribe-Post":
                            "List-Unsubscribe=One-Click"}), Reason.BULK),
        (a_message(headers={"Precedence": "bulk"}), Reason.BULK),
        (a_message(headers={"Precedence": "list"}), Reason.BULK),
        (a_message(headers={"Feedback-ID": "1:campaign:esp"}), Reason.BULK),
        (a_message(message_class="IPM.Schedule.Meeting.Resp.Pos"), Reason.AUTOMATED),
    ])
    def test_standard_markers(self, msg: MailMessage, expected: Reason) -> None:
        assert reasons(msg)[0] == expected

    def test_delivery_report_beats_auto_submitted_auto_replied(self) -> None:
        # Postfix stamps its bounces "Auto-Submitted: auto-replied"; they are bounces all the same.
        msg = a_message("mailer-daemon@mx.example", "Undelivered Mail Returned to Sender",
                        headers={"Auto-Submitted": "auto-replied"}, content_type="multipart/report",
                        report_type="delivery-status")
        assert reasons(msg) == [Reason.BOUNCE]

    @pytest.mark.parametrize("subject", ["Automatiskt svar: Faktura", "Автоматический ответ: Счет", "自动答复: 发票",
                                         "Réponse automatique : Facture", "Automatic reply: Invoice"])
    def test_localised_outlook_prefixes(self, subject: str) -> None:
        assert reasons(a_message(subject=subject)) == [Reason.AUTO_REPLY]

    def test_out_of_office_text_from_a_machine(self) -> None:
        msg = a_message(subject="Invoice", headers={"Auto-Submitted": "auto-generated"},
                        body_text="Thank you. I am out of the office until Monday.")
        assert reasons(msg) == [Reason.AUTO_REPLY]

    def test_out_of_office_text_from_a_person(self) -> None:
        assert classify(a_message(subject="Invoice", body_text="I was out of the office, sorry for the delay.")) == ()

    def test_vacation_reply_with_precedence_bulk_is_an_auto_reply(self) -> None:
        msg = a_message(subject="Out of Office: Re: invoice", headers={"Precedence": "bulk"})
        assert reasons(msg)[0] == Reason.AUTO_REPLY


class TestClassicBounces:
    @pytest.mark.parametrize(("sender", "subject", "headers", "body"), [
        ("MAILER-DAEMON@mx.example", "failure notice", {}, "Hi. This is the qmail-send program at mx.example."),
        ("postmaster@mx.example", "Returned mail: see transcript for details", {}, ""),
        ("someone@mx.example", "Mail delivery failed: returning message to sender", {"Return-Path": "<>"}, ""),
        ("postmaster@corp.example", "Undeliverable: Hello", {}, "Delivery has failed to these recipients"),
        ("", "Delivery Status", {}, "kijitora@example.com... No such user"),
    ])
    def test_sender_plus_subject_or_text(self, sender: str, subject: str, headers: dict[str, str],
                                         body: str) -> None:
        assert reasons(a_message(sender, subject, headers=headers, body_text=body)) == [Reason.BOUNCE]

    def test_postmaster_alone_is_a_person(self) -> None:
        assert classify(a_message("postmaster@smallsociety.example", "Your mail server settings")) == ()


class TestNoReply:
    @pytest.mark.parametrize("sender", ["no-reply@x.example", "noreply@x.example", "donotreply@x.example",
                                        "do-not-reply@x.example", "no_reply@x.example", "billing-noreply@x.example",
                                        "noreply+abc@x.example"])
    def test_no_reply_addresses(self, sender: str) -> None:
        assert reasons(a_message(sender)) == [Reason.NO_REPLY_SENDER]

    @pytest.mark.parametrize("sender", ["reply@x.example", "norelly@x.example", "info@x.example", "noreen@x.example"])
    def test_similar_addresses_are_people(self, sender: str) -> None:
        assert classify(a_message(sender)) == ()

    def test_no_reply_newsletter_is_bulk_first_then_no_reply(self) -> None:
        msg = a_message("no-reply@news.example", headers={"List-Unsubscribe": "<mailto:u@news.example>"})
        assert reasons(msg) == [Reason.BULK, Reason.NO_REPLY_SENDER]
