from __future__ import annotations

import pytest

from shared.adapters.mime import UnparseableMessage, message_from_mime
from shared.domain.model import Folder

SIMPLE = b"""From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <Joerg@Example.COM>
To: "Sam, Smith" <sam@org.example>, kim@org.example
Cc: undisclosed-recipients:;
Subject: =?iso-8859-1?q?R=E9union?= du =?utf-8?b?Y29taXTDqQ==?=
Date: Tue, 03 Feb 2026 10:00:00 +0100
Message-ID: <abc@example.com>
In-Reply-To: <prev@org.example>
References: <first@org.example> <prev@org.example>
Content-Type: text/plain; charset=utf-8

Bonjour
"""


class TestHeaders:
    def test_decodes_addresses_and_encoded_words(self) -> None:
        msg = message_from_mime(SIMPLE)
        assert msg.author is not None
        assert (msg.author.email, msg.author.name) == ("joerg@example.com", "Jörg Müller")
        assert [a.email for a in msg.to] == ["sam@org.example", "kim@org.example"]
        assert msg.to[0].name == "Sam, Smith"
        assert msg.subject == "Réunion du comité"
        assert msg.sent_at is not None and msg.sent_at.utcoffset() is not None
        assert msg.references == ("<first@org.example>", "<prev@org.example>")
        assert msg.body_text.strip() == "Bonjour"
        assert msg.header("message-id") == "<abc@example.com>"

    def test_unknown_charset_and_raw_8bit_headers_degrade(self) -> None:
        raw = ("Subject: =?x-unknown?q?caf=E9?= and caf\xe9\nFrom: a@b.example\n"
               "Content-Type: text/plain; charset=x-nope\n\nd\xe9j\xe0\n").encode("latin-1")
        msg = message_from_mime(raw)
        assert "caf" in msg.subject
        assert msg.body_text.startswith("d")

    @pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
    def test_any_line_ending_and_mbox_from_line(self, newline: bytes) -> None:
        raw = newline.join([b"From MAILER-DAEMON Thu Apr 29 23:34:45 2010", b"From: a@b.example",
                            b"Subject: hi", b"", b"body"])
        msg = message_from_mime(raw)
        assert msg.subject == "hi" and msg.author is not None and msg.author.email == "a@b.example"

    def test_odd_address_headers(self) -> None:
        raw = b'From: "postmaster@" <mx.example postmaster@mx.example>\nTo: ' + b"a:" * 3000 + b"b@c.example\n\nx"
        msg = message_from_mime(raw)
        assert msg.author is not None and msg.author.email == "postmaster@mx.example"

    def test_x_unsent_marks_a_draft_and_folder_is_kept(self) -> None:
        msg = message_from_mime(b"X-Unsent: 1\nTo: a@b.example\nSubject: draft\n\nx", folder=Folder.SENT_ITEMS)
        assert msg.is_draft and msg.folder is Folder.SENT_ITEMS


REPORT = b"""From: MAILER-DAEMON@mx.example
To: sam@org.example
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host mx.example.
--B
Content-Type: message/delivery-status

Final-Recipient: rfc822; x@y.example
Action: failed
--B
Content-Type: message/rfc822

Content-Type: multipart/report; report-type=feedback-report; boundary="C"
From: inner@x.example

--C
Content-Type: message/feedback-report

x
--C--
--B--
"""


class TestStructure:
    def test_report_type_and_parts_without_entering_attached_messages(self) -> None:
        msg = message_from_mime(REPORT)
        assert (msg.content_type, msg.report_type) == ("multipart/report", "delivery-status")
        assert "message/delivery-status" in msg.part_types
        assert "message/rfc822" in msg.part_types
        assert "message/feedback-report" not in msg.part_types
        assert msg.body_text.startswith("This is the mail system")

    def test_attachment_metadata(self) -> None:
        raw = (b'From: a@b.example\nContent-Type: multipart/mixed; boundary="X"\n\n--X\nContent-Type: text/plain\n\n'
               b'hi\n--X\nContent-Type: application/pdf; name="r.pdf"\nContent-Disposition: attachment; '
               b'filename="r.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--X--\n')
        msg = message_from_mime(raw)
        assert [(a.name, a.content_type, a.size) for a in msg.attachments] == [("r.pdf", "application/pdf", 5)]
        assert msg.has_attachments

    def test_absurd_nesting_is_bounded(self) -> None:
        depth = 3000
        head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth))
        msg = message_from_mime(b"From: a@b.example\nSubject: deep\n" + head + b"Content-Type: text/plain\n\nx\n")
        assert msg.subject == "deep"


class TestUnparseable:
    @pytest.mark.parametrize(("raw", "words"), [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 20, "no message header"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".msg"),
        (b"just some text\nwithout any header\n", "no message header"),
    ])
    def test_raises_with_what_was_wrong(self, raw: bytes, words: str) -> None:
        with pytest.raises(UnparseableMessage, match=words.replace(".", r"\.")):
            message_from_mime(raw)


def a_dsn(*actions: str, top: str = "multipart/report; report-type=delivery-status") -> bytes:
    recipients = "\n\n".join(f"Final-Recipient: rfc822; r{i}@y.example\nAction: {a}" for i, a in enumerate(actions))
    return (f'From: MAILER-DAEMON@mx.example\nTo: sam@org.example\nSubject: Delivery report\n'
            f'Content-Type: {top}; boundary="B"\n\n--B\nContent-Type: text/plain\n\nReport.\n--B\n'
            f'Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n{recipients}\n'
            '--B--\n').encode()


class TestDeliveryReportClass:
    """Exchange names a DSN of successful delivery REPORT.IPM.Note.DR (MS-OXCMAIL 2.2.3.7.1); so does the parser."""

    @pytest.mark.parametrize("actions", [("delivered",), ("relayed", "expanded"), ("Delivered", "delivered")])
    def test_only_successful_actions_make_a_delivery_report(self, actions: tuple[str, ...]) -> None:
        assert message_from_mime(a_dsn(*actions)).message_class == "REPORT.IPM.Note.DR"

    @pytest.mark.parametrize("actions", [("failed",), ("delivered", "failed"), ("delayed",), ()])
    def test_failures_and_delays_keep_no_class(self, actions: tuple[str, ...]) -> None:
        assert message_from_mime(a_dsn(*actions)).message_class == ""

    def test_a_status_part_outside_a_top_level_report_is_not_one(self) -> None:
        assert message_from_mime(a_dsn("delivered", top="multipart/mixed")).message_class == ""
