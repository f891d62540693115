"""The sample mail: every .eml parses cleanly with the stdlib, and the set covers the kinds the product meets."""

from __future__ import annotations

import json
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cache
from pathlib import Path

import pytest

from emulators.sample import MAIL_DIR, load_expected

EMLS = sorted(MAIL_DIR.glob("*.eml"))


@cache  # the messages are only read, never changed
def parse(path: Path) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(msg, EmailMessage)
    return msg


def attachments(msg: EmailMessage) -> list[EmailMessage]:
    return [p for p in msg.walk() if isinstance(p, EmailMessage) and not p.is_multipart() and p.get_filename()]


class TestEveryMessageParses:
    @pytest.mark.parametrize("path", EMLS, ids=lambda p: p.name)
    def test_no_defects_and_the_usual_headers(self, path: Path) -> None:
        msg = parse(path)
        defects = [(part.get_content_type(), d) for part in msg.walk() for d in part.defects]
        assert defects == []  # none of the samples is meant to be malformed
        assert msg["Message-ID"] and msg["Date"].datetime and msg["From"].addresses
        assert msg.get_body(("plain", "html")) is not None or msg.get_content_type() == "multipart/report"
        for part in msg.walk():
            if not part.is_multipart():
                part.get_content()  # every part decodes (charset and transfer encoding are right)

    def test_message_ids_are_unique(self) -> None:
        ids = [str(parse(p)["Message-ID"]).strip() for p in EMLS]
        assert len(ids) == len(set(ids))

    def test_the_draft_is_graph_json(self) -> None:
        [draft] = sorted(MAIL_DIR.glob("*.json"))
        body = json.loads(draft.read_text(encoding="utf-8"))
        assert body["isDraft"] is True and body["toRecipients"] and body["internetMessageId"]


class TestCoverage:
    """The kinds of mail the brief asks the sample to contain, found by looking at the files themselves."""

    def test_at_least_forty_emails(self) -> None:
        assert len(EMLS) >= 40

    @pytest.mark.parametrize("kind", ["multipart/alternative", "multipart/mixed", "multipart/related",
                                      "multipart/report", "message/delivery-status",
                                      "message/disposition-notification", "text/csv", "image/png"])
    def test_mime_structures(self, kind: str) -> None:
        assert any(kind in {p.get_content_type() for p in parse(path).walk()} for path in EMLS)

    def test_html_only_message(self) -> None:
        assert any(parse(p).get_content_type() == "text/html" for p in EMLS)

    @pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
    def test_body_transfer_encodings(self, encoding: str) -> None:
        def body_encodings(msg: EmailMessage) -> set[str]:
            return {str(p.get("Content-Transfer-Encoding", "")).lower() for p in msg.walk()
                    if p.get_content_maintype() == "text"}

        assert any(encoding in body_encodings(parse(p)) for p in EMLS)

    @pytest.mark.parametrize("marker", ["=?UTF-8?Q?", "=?UTF-8?B?"])
    def test_rfc2047_encoded_subjects(self, marker: str) -> None:
        raw_subjects = [line for p in EMLS for line in p.read_text(encoding="utf-8").splitlines()
                        if line.startswith("Subject:")]
        assert any(marker.lower() in s.lower() for s in raw_subjects)

    def test_empty_and_long_named_attachments(self) -> None:
        found = [a for p in EMLS for a in attachments(parse(p))]
        assert any(len(a.get_payload(decode=True) or b"") == 0 for a in found)
        assert any(len(a.get_filename() or "") > 50 for a in found)
        assert any(a.get_content_disposition() == "inline" for a in found)

    @pytest.mark.parametrize("header", ["List-Unsubscribe", "List-Id", "Precedence", "Auto-Submitted",
                                        "X-Auto-Response-Suppress", "In-Reply-To", "References", "Bcc", "Cc"])
    def test_headers_that_drive_rules(self, header: str) -> None:
        assert any(parse(p)[header] for p in EMLS)

    def test_a_to_header_longer_than_100_characters(self) -> None:
        assert any(len(", ".join(a.addr_spec for a in parse(p)["To"].addresses)) > 100 for p in EMLS)

    def test_expected_attachment_facts_match_the_files(self) -> None:
        for message in load_expected()["messages"]:
            if message["file"].endswith(".eml") and "attachments" in message:
                parts = attachments(parse(MAIL_DIR.parent / message["file"]))
                actual = [{"name": a.get_filename(), "size": len(a.get_payload(decode=True) or b""),
                           "inline": a.get_content_disposition() == "inline"} for a in parts]
                assert actual == message["attachments"], message["file"]
