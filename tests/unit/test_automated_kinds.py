"""The kinds of machine mail recognised by structure and sender roles (automated_sender, automated_mass,
report parts, challenge-response), each with the person mail that must still be kept."""

from __future__ import annotations

import pytest

from shared.domain.automated import classify
from shared.domain.model import Address, AttachmentInfo, MailMessage
from shared.domain.reasons import Reason


def a_message(sender: str = "ann@customer.example", subject: str = "Question about my membership", *,
              name: str = "", to: str = "mailbox@org.example", headers: dict[str, str] | None = None,
              **fields: object) -> MailMessage:
    return MailMessage(
        subject=subject,
        from_=Address(email=sender, name=name) if sender or name else None,
        to=(Address(to),) if to else (),
        headers=tuple((headers or {}).items()),
        **fields,  # type: ignore[arg-type]
    )


ESP = {"Return-Path": "<bounces-77@m.brand.example>"}


def reason(msg: MailMessage) -> Reason | None:
    verdicts = classify(msg)
    return verdicts[0].reason if verdicts else None


class TestSenderRoles:
    @pytest.mark.parametrize(("sender", "name", "expected"), [
        ("notify@social.example", "", Reason.AUTOMATED),
        ("notifications@saas.example", "", Reason.AUTOMATED),
        ("benachrichtigung@shop.example", "", Reason.AUTOMATED),
        ("efax@gateway.example", "", Reason.AUTOMATED),
        ("scanner@copier.example", "", Reason.AUTOMATED),
        ("x7@device.example", "Scanner 2nd floor", Reason.AUTOMATED),
        ("scan@office.example", "", Reason.AUTOMATED),
        ("dmarc-reports@receiver.example", "", Reason.AUTOMATED),
        ("newsletter@club.example", "", Reason.BULK),
        ("nieuwsbrief@vereniging.example", "", Reason.BULK),
        ("members-request@lists.example", "", Reason.BULK),
        ("owner-announce@lists.example", "", Reason.BULK),
        ("majordomo@lists.example", "", Reason.BULK),
    ])
    def test_role_decides(self, sender: str, name: str, expected: Reason) -> None:
        assert reason(a_message(sender, name=name)) == expected

    @pytest.mark.parametrize("sender", ["info@society.example", "support@vendor.example", "sales@firm.example",
                                        "news@paper.example", "updates@firm.example", "anna.news@firm.example",
                                        "notifynot.person@x.example", "bottomley@firm.example"])
    def test_shared_mailboxes_and_weak_words_alone_are_kept(self, sender: str) -> None:
        assert classify(a_message(sender)) == ()

    def test_weak_role_word_with_an_unsubscribe_footer_is_bulk(self) -> None:
        msg = a_message("news@paper.example", "Weekly digest of events",
                        body_text="Events this week.\n\nTo stop these emails, unsubscribe at https://paper.example/u")
        assert reason(msg) == Reason.BULK

    def test_a_reply_from_a_weak_role_address_is_kept(self) -> None:
        msg = a_message("updates@firm.example", "Re: our order", in_reply_to="<o1@org.example>",
                        body_text="Thanks, confirmed.\n\n> unsubscribe")
        assert classify(msg) == ()

    def test_two_marks_of_mass_mailing_are_bulk(self) -> None:
        msg = a_message("ceo@brand.example", "Spring collection", headers=ESP,
                        body_html='<p>New in.</p><a href="https://brand.example/u?e=mailbox%40org.example">x</a>')
        assert reason(msg) == Reason.BULK

    def test_one_mark_alone_is_kept(self) -> None:
        msg = a_message("ceo@brand.example", "Spring collection", headers=ESP)
        assert classify(msg) == ()


class TestNoFrom:
    def test_notice_without_from_is_automated(self) -> None:
        assert reason(a_message("", "Product update 5.2 available")) == Reason.AUTOMATED

    def test_from_address_without_from_field_is_kept(self) -> None:
        msg = a_message("ann@customer.example", headers={"To": "mailbox@org.example", "Subject": "Question"})
        assert classify(msg) == ()

    def test_from_field_with_a_name_only_is_kept(self) -> None:
        assert classify(a_message("", name="Ann Example", headers={"From": "Ann Example"})) == ()

    def test_name_without_address_is_kept(self) -> None:
        assert classify(a_message("", name="Ann Example")) == ()

    def test_reply_without_from_is_kept(self) -> None:
        assert classify(a_message("", "Re: invoice", in_reply_to="<i@org.example>")) == ()


class TestReportsWithoutMultipartReport:
    def test_dmarc_aggregate_file_name(self) -> None:
        att = AttachmentInfo(name="google.com!org.example!1700000000!1700086399.zip", size=900,
                             content_type="application/zip")
        assert reason(a_message("dmarc@receiver.example", "Your report", attachments=(att,))) == Reason.AUTOMATED

    def test_failure_report_as_plain_multipart(self) -> None:
        msg = a_message("postmaster@receiver.example", "Failure report", content_type="multipart/mixed",
                        part_types=("multipart/mixed", "text/plain", "text/rfc822-headers"))
        assert reason(msg) == Reason.AUTOMATED

    def test_arf_fields_in_text(self) -> None:
        body = "A message failed.\n\nFeedback-Type: auth-failure\nVersion: 1\nAuth-Failure: dmarc\n"
        assert reason(a_message("reports@receiver.example", "Report", body_text=body)) == Reason.AUTOMATED

    def test_dmarc_report_subject_with_the_failed_message_attached(self) -> None:
        att = AttachmentInfo(name="message.eml", size=900, content_type="message/rfc822")
        msg = a_message("security@receiver.example", "DMARC Failure Report for org.example", attachments=(att,))
        assert reason(msg) == Reason.AUTOMATED

    def test_person_forwarding_a_dmarc_report_is_kept(self) -> None:
        att = AttachmentInfo(name="report.zip", size=900, content_type="application/zip")
        msg = a_message("it@customer.example", "Fwd: DMARC aggregate report", attachments=(att,))
        assert classify(msg) == ()

    def test_person_attaching_a_zip_is_kept(self) -> None:
        att = AttachmentInfo(name="photos!2024.zip", size=900, content_type="application/zip")
        assert classify(a_message(attachments=(att,))) == ()


class TestRepliesWrittenByPrograms:
    def test_challenge_response_from_a_person_address(self) -> None:
        msg = a_message("pieter@smallbiz.example", "Re: invoice", in_reply_to="<i@org.example>",
                        body_text="Your message is being held until you confirm you are a human sender.")
        assert reason(msg) == Reason.AUTO_REPLY

    @pytest.mark.parametrize("text", [
        "To confirm that your message was sent by a real person, reply to this email.",
        "Please confirm your message so it can be delivered to my inbox.",
        "I use an anti-spam service; please verify your address once by clicking below.",
    ])
    def test_challenge_variants(self, text: str) -> None:
        msg = a_message("pieter@smallbiz.example", "Re: invoice", in_reply_to="<i@org.example>", body_text=text)
        assert reason(msg) == Reason.AUTO_REPLY

    def test_self_declared_automated_response(self) -> None:
        msg = a_message("support@vendor.example", "Re: contract", in_reply_to="<c@org.example>",
                        body_text="This is an automated response to let you know we received your message.")
        assert reason(msg) == Reason.AUTO_REPLY

    def test_person_quoting_a_challenge_is_kept(self) -> None:
        msg = a_message("ann@customer.example", "Re: invoice", in_reply_to="<i@org.example>",
                        body_text="Sorry about my spam filter!\n\n> confirm you are a human sender")
        assert classify(msg) == ()

    def test_list_post_replying_to_an_out_of_office_is_bulk_not_auto_reply(self) -> None:
        msg = a_message("kevin@person.example", "[ILUG] Re: Dermot is out of the office.",
                        headers={"Precedence": "list", "List-Id": "<ilug.linux.ie>"})
        assert reason(msg) == Reason.BULK


class TestPeopleWhoLookLikeMachines:
    @pytest.mark.parametrize(("sender", "name"), [
        ("jan.bot@firm.example", "Jan Bot"),  # a surname, not a robot
        ("john.owner@firm.example", "John Owner"),
        ("anna.join@firm.example", ""),
        ("johnsmith1987@mail.example", ""),
    ])
    def test_kept(self, sender: str, name: str) -> None:
        assert classify(a_message(sender, name=name)) == ()

    def test_safe_links_naming_the_recipient_are_not_a_mark(self) -> None:
        link = ("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fdocs.example%2Fa&data=05%7C01%7C"
                "mailbox%40org.example%7C1234")
        msg = a_message("ann@customer.example", "Agenda",
                        body_html=f'<p>Agenda attached, see <a href="{link}">the notes</a>.</p>'
                                  "<p>Ann, Customer Ltd. To unsubscribe from our updates, reply STOP.</p>")
        assert classify(msg) == ()

    def test_a_person_inviting_to_the_guest_list_is_kept(self) -> None:
        msg = a_message(subject="Re: Gala dinner", in_reply_to="<g@org.example>",
                        body_text="Of course, I will add you to the guest list. Please click the link to verify "
                                  "your dietary needs.")
        assert classify(msg) == ()


class TestBounceWrittenLikeAReply:
    NOTICE = "*****\nYour message could not be delivered to j.doe@customer.example\n*****\n"

    def test_gateway_notice_with_re_subject_is_a_bounce(self) -> None:
        msg = a_message("gateway.notices@customer.example", "RE: Agenda : non remis (delivery failed)",
                        body_text=self.NOTICE)
        assert reason(msg) == Reason.BOUNCE

    @pytest.mark.parametrize(("subject", "fields"), [
        ("RE: Agenda : non remis (delivery failed)", {"in_reply_to": "<agenda@org.example>"}),
        ("Fwd: Undeliverable: Agenda", {}),
        ("RE: Agenda", {}),
    ], ids=["real-reply", "forward", "no-bounce-subject"])
    def test_people_are_kept(self, subject: str, fields: dict[str, object]) -> None:
        assert reason(a_message(subject=subject, body_text=self.NOTICE, **fields)) is None

    def test_person_opening_with_own_words_is_kept(self) -> None:
        text = "Sorry, I think our server lost it - please resend.\n\n" + "x " * 200 + self.NOTICE
        assert reason(a_message(subject="RE: Agenda : non remis (delivery failed)", body_text=text)) is None


class TestErrorsTo:
    def test_bounce_collecting_errors_to_supports_a_weak_role_word(self) -> None:
        msg = a_message("net-admin@network.example", "Security update available", name="Network Alert",
                        headers={"Errors-To": "net-bounce+1358455-1917980@network.example"})
        assert reason(msg) == Reason.AUTOMATED
        assert "Errors-To" in classify(msg)[0].detail

    def test_weak_role_word_alone_is_kept(self) -> None:
        assert reason(a_message("net-admin@network.example", "Security update available", name="Network Alert")) is None

    def test_person_errors_to_is_not_a_mark(self) -> None:
        msg = a_message("net-admin@network.example", "Security update available", name="Network Alert",
                        headers={"Errors-To": "ann@network.example"})
        assert reason(msg) is None


class TestAnswersFromRoleMailboxes:
    def test_editor_answering_from_the_newsletter_mailbox_is_kept(self) -> None:
        msg = a_message("newsletter@partner.example", "Re: Article for December", in_reply_to="<a@org.example>",
                        body_text="Thanks, we will run it. Chloe")
        assert reason(msg) is None

    def test_newsletter_mailbox_without_a_reference_is_bulk(self) -> None:
        assert reason(a_message("newsletter@partner.example", "December issue")) == Reason.BULK

    def test_threaded_notification_is_still_automated(self) -> None:
        msg = a_message("notifications@tasks.example", "Re: [Board] Budget task", references=("<t-1@tasks.example>",))
        assert reason(msg) == Reason.AUTOMATED


class TestDispositionNotifications:
    @staticmethod
    def mdn(sender: str, name: str) -> MailMessage:
        return a_message(sender, "Automatically rejected mail", name=name, content_type="multipart/report",
                         report_type="disposition-notification",
                         part_types=("multipart/report", "text/plain", "message/disposition-notification"))

    def test_reject_sent_by_the_mail_system_is_a_bounce(self) -> None:
        assert reason(self.mdn("admin@mail.example", "Mail Delivery Subsystem")) == Reason.BOUNCE
        assert reason(self.mdn("MAILER-DAEMON@mail.example", "")) == Reason.BOUNCE

    def test_read_receipt_from_a_reader_is_automated(self) -> None:
        assert reason(self.mdn("ann@customer.example", "Ann Lee")) == Reason.AUTOMATED


class TestReportClasses:
    @pytest.mark.parametrize(("cls", "expected"), [
        ("REPORT.IPM.Note.DR", Reason.AUTOMATED),
        ("REPORT.IPM.Note.NDR", Reason.BOUNCE),
        ("REPORT.IPM.Note.Delayed.DR", Reason.BOUNCE),
        ("REPORT.IPM.Note.IPNRN", Reason.AUTOMATED),
    ])
    def test_delivery_receipts_are_not_bounces(self, cls: str, expected: Reason) -> None:
        assert reason(a_message("postmaster@mx.example", "Delivered: Agenda", message_class=cls)) == expected
