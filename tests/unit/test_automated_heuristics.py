from __future__ import annotations

import pytest

from shared.domain.automated import classify
from shared.domain.model import Address, MailMessage
from shared.domain.reasons import Reason

FOOTER = ("Spring offers.\nTo unsubscribe, click here.\nYou are receiving this email because you signed up.")


def a_message(sender: str = "news@shop.example", subject: str = "Spring offers", *,
              headers: dict[str, str] | None = None, **fields: object) -> MailMessage:
    return MailMessage(subject=subject, from_=Address(sender), to=(Address("sam@org.example"),),
                       headers=tuple((headers or {}).items()), **fields)  # type: ignore[arg-type]


def reasons(msg: MailMessage) -> list[Reason]:
    return [v.reason for v in classify(msg)]


class TestWeakEvidenceCombined:
    @pytest.mark.parametrize(("msg", "expected"), [
        (a_message(body_text=FOOTER), Reason.BULK),
        (a_message(body_html="<p>View this email in your browser</p><p>Update your preferences</p>"), Reason.BULK),
        (a_message(headers={"Return-Path": "<owner-members@lists.example>"}), Reason.BULK),
        (a_message(headers={"Return-Path": "<members-bounces+sam=org.example@lists.example>"}), Reason.BULK),
        (a_message(content_type="multipart/digest"), Reason.BULK),
        (a_message(subject="Report Domain: org.example Submitter: google.com Report-ID: <123>"), Reason.AUTOMATED),
        (a_message("staff@hotmail.example", "complaint about message from 192.0.2.1"), Reason.AUTOMATED),
        (a_message("www-data@web1.example", "New order #12"), Reason.AUTOMATED),
        (a_message("ops@web1.example", headers={"Return-Path": "<apache@web1.example>"}), Reason.AUTOMATED),
        (a_message("x@sns.example", "AWS Notification", body_text='{"notificationType":"Bounce"}'), Reason.BOUNCE),
        (a_message("x@sns.example", "AWS Notification", body_text='{"notificationType":"Complaint"}'),
         Reason.AUTOMATED),
        (a_message("kim@mac.example", "unsubscribe", headers={"Auto-Submitted": "auto-replied"}), Reason.AUTOMATED),
        (a_message("kim@customer.example", "Auto reply: Nyaan"), Reason.AUTO_REPLY),
    ])
    def test_machine(self, msg: MailMessage, expected: Reason) -> None:
        assert reasons(msg)[0] == expected

    @pytest.mark.parametrize("msg", [
        a_message("ann@customer.example", "Please unsubscribe me", body_text="Please unsubscribe me from your list."),
        a_message("ann@customer.example", "Fwd: Spring offers", body_text=FOOTER),
        a_message("ann@customer.example", "Re: Spring offers", body_text=FOOTER, in_reply_to="<x@shop.example>"),
        a_message("ann@customer.example", "Offers", body_text="My thoughts:\n> To unsubscribe, click here.\n"
                                                              "> You are receiving this email because..."),
        a_message("ann@customer.example", headers={"Return-Path": "<ann.return@customer.example>"}),
        a_message("it-admin@customer.example", headers={"Return-Path": "<it-admin@customer.example>"}),
        a_message("ann@customer.example", "Report on the domain submitter list"),
    ], ids=["asks-to-unsubscribe", "forwarded-newsletter", "reply-quoting-footer", "quoted-footer",
            "return-path-word", "admin-address", "report-words"])
    def test_person(self, msg: MailMessage) -> None:
        assert classify(msg) == ()


SIGNATURE = ("Could we meet on Tuesday?\nBest, Chloe\n\nChloe Martin | Partner Org\n"
             "To unsubscribe from our marketing emails, manage your preferences at partner.example/p")


class TestSendersAndSignatures:
    @pytest.mark.parametrize(("msg", "expected"), [
        (a_message("receipts+acct_9Zx8Yw7V@payments.example", "Your receipt #2231",
                   headers={"Return-Path": "<bounces+pay_9Zx8Yw7V@mail.payments.example>"}), Reason.AUTOMATED),
        (a_message("billing@saas.example", "Invoice for November", body_text="Amount due: 12.00\nUnsubscribe"),
         Reason.AUTOMATED),
        (a_message("quarantine@messaging.filter.example", "You have 2 messages in quarantine"), Reason.AUTOMATED),
        (a_message("wordpress@site.example", "[Site] New contact form submission"), Reason.AUTOMATED),
        (a_message("chloe@partner.example", "Co-hosting", body_text=SIGNATURE), Reason.BULK),
    ], ids=["receipts-with-bounce-envelope", "billing-with-footer", "quarantine", "wordpress-default-sender",
            "footer-without-a-mail-client"])
    def test_machine(self, msg: MailMessage, expected: Reason) -> None:
        assert reasons(msg)[0] == expected

    @pytest.mark.parametrize("msg", [
        a_message("billing@customer.example", "Invoice 2026-0388", body_text="We paid it today. Regards, Tom"),
        a_message("orders@customer.example", "Order change", body_text="Please add 3 boxes to order 55."),
        a_message("chloe@partner.example", "Co-hosting", body_text=SIGNATURE,
                  headers={"Thread-Index": "AdtVa1b2c3d4e5f6a7b8c9d0"}),
        a_message("chloe@partner.example", "Co-hosting", body_text=SIGNATURE,
                  headers={"User-Agent": "Mozilla Thunderbird"}),
        a_message("billing@customer.example", "Invoice 2026-0388", body_text="Paid today.\nTo unsubscribe, reply STOP",
                  headers={"Thread-Index": "AdtVa1b2c3d4e5f6a7b8c9d1"}),
    ], ids=["billing-person", "orders-person", "footer-in-outlook-signature", "footer-in-thunderbird-signature",
            "billing-person-with-unsubscribe-signature"])
    def test_person(self, msg: MailMessage) -> None:
        assert classify(msg) == ()
