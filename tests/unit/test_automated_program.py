"""Mail written by programs (automated_program): the mailing library, a data-document body, fax/scan reports."""

from __future__ import annotations

import pytest

from shared.domain.automated import classify
from shared.domain.model import Address, MailMessage
from shared.domain.reasons import Reason

CDO = {"X-Mailer": "Microsoft CDO for Windows 2000", "Content-Class": "urn:content-classes:message"}
FAX = ("You have received a new fax.\n\nRemote CSID: +44 20 7946 0000\nPages: 3\nDuration: 00:01:12\n"
       "Result: OK\n")
SCAN = ("<html><body><p>Please open the attached document. It was scanned and sent to you using a "
        "multifunction printer.</p><p>Device name: FLOOR2-MFP</p><p>Number of images: 2</p>"
        "<p>Attachment file type: PDF</p></body></html>")
LEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<?ADF version="1.0"?>\n<adf><prospect><customer><contact>'
        '<name part="full">Pat Lee</name></contact></customer></prospect></adf>\n')


def a_message(subject: str = "Your order 4411", *, sender: str = "orders@shop.example",
              headers: dict[str, str] | None = None, **fields: object) -> MailMessage:
    return MailMessage(subject=subject, from_=Address(sender), to=(Address("sam@org.example"),),
                       headers=tuple((headers or {}).items()), **fields)  # type: ignore[arg-type]


def reasons(msg: MailMessage) -> list[Reason]:
    return [v.reason for v in classify(msg)]


class TestProgramMail:
    @pytest.mark.parametrize("msg", [
        a_message(headers=CDO, body_text="Thank you for your booking."),
        a_message("New lead", sender="leads@portal.example", body_text=LEAD),
        a_message("New lead", sender="leads@portal.example", body_text="\ufeff\r\n" + LEAD),
        a_message("Fax from +44 20 7946 0000", sender="gateway@org.example", body_text=FAX),
        a_message("Attached Image", sender="floor2@org.example", body_html=SCAN),
    ], ids=["cdosys", "xml-lead", "xml-after-bom", "fax-report", "scan-to-mail"])
    def test_automated(self, msg: MailMessage) -> None:
        assert reasons(msg) == [Reason.AUTOMATED]

    def test_decision_names_its_evidence(self) -> None:
        assert "CDOSYS" in classify(a_message(headers=CDO, body_text="Thanks."))[0].detail
        assert "pages" in classify(a_message(body_text=FAX))[0].detail

    @pytest.mark.parametrize("msg", [
        a_message("RE: Broadcom support", sender="bas@isp.example", headers=CDO, in_reply_to="<a@b.example>",
                  body_text="What did they do?\n> quoted"),
        a_message("Re: booking", sender="bas@isp.example", headers=CDO, body_text="Fine by me."),
        a_message("Fwd: New lead", sender="ann@customer.example", body_text=LEAD),
        a_message("Schema question", sender="dev@customer.example",
                  body_text="Hi, is this valid?\n" + LEAD),
        a_message("Fax", sender="ann@customer.example",
                  body_text="I sent you a fax this morning with the signed contract. Pages: 3"),
        a_message("Fax", sender="ann@customer.example",
                  body_text="You have received a fax from us yesterday, did it arrive?\nPages: 3\nThanks, Ann"),
        a_message("Notes", sender="ann@customer.example", body_text="Pages: 3\nDuration: 1h\nResult: fine"),
    ], ids=["cdo-reply", "cdo-re-subject", "forwarded-xml", "xml-after-words", "fax-mentioned-with-a-field",
            "fax-mentioned-one-field", "fields-without-announcement"])
    def test_person(self, msg: MailMessage) -> None:
        assert classify(msg) == ()


def test_a_project_update_with_status_fields_is_kept() -> None:
    msg = a_message("Project summary", sender="ann@customer.example",
                    body_text="Below is the summary sent to you by a colleague.\nStatus: green\nDuration: 6 weeks\n")
    assert classify(msg) == ()
