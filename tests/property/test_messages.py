"""Hostile message content never crashes the pipeline: a MIME file parses (or is UnparseableMessage) and gets a
decision; a Graph message gets a decision; every CRM field built from it fits its limit; the admin explain
endpoint answers 200 or a clear 400 for any body."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.graph_message import message_from_graph
from shared.adapters.mime import UnparseableMessage, message_from_mime
from shared.domain.filters import MailboxContext, decide, lookup_participants
from shared.domain.mailbox import Mailbox
from shared.domain.mapping import ATTACHMENT_NAME_LIMIT, EMAIL_TO_LIMIT, INTERACTION_SUBJECT_LIMIT
from shared.domain.matching import ContactRef
from shared.domain.model import Folder, MailMessage
from shared.domain.options import DEFAULT_OPTIONS, Options, parse_options
from shared.domain.reasons import Reason
from shared.services.records import build_records
from tests.property.fakes import function, is_problem, request, services
from tests.property.hostile_mail import graph_message, raw_email
from tests.property.profile import profile

CONTEXT = MailboxContext("membership@association.example")
MAILBOX = Mailbox(address=CONTEXT.address, record_types=("activity", "interaction"))
NOW = datetime(2026, 11, 3, tzinfo=UTC)
ZONES = st.sampled_from(["UTC", "Europe/London", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12"])
OPTIONS = st.sampled_from([DEFAULT_OPTIONS, parse_options({"save_body_as_html": True, "attachments": "all"}),
                           parse_options({"attachments": "non_inline", "look_back_days": 0})])
INTERACTION_LIMITS = {"Subject": INTERACTION_SUBJECT_LIMIT, "EmailTo": EMAIL_TO_LIMIT}


def decided(msg: MailMessage, options: Options) -> None:
    decision = decide(msg, options, CONTEXT, now=NOW, captured_today=0)
    # a capture names no reason, except mail captured because its owner filed it in the capture folder
    assert decision.capture == (decision.reason in (None, Reason.CAPTURE_FOLDER)) and isinstance(decision.detail, str)
    assert decision.reason != Reason.CAPTURE_FOLDER or msg.folder == Folder.CAPTURE
    assert all("@" in a.email for a in lookup_participants(msg, options, CONTEXT))


def fits(msg: MailMessage, options: Options, tz: str) -> None:
    """Both record kinds for one contact: every field within its limit, so the CRM never refuses for length."""
    activity_limits = {m.field: m.limit() for m in options.activity_type().fields}
    for record in build_records(msg, options, CONTEXT, MAILBOX, ContactRef("20001", "Alice"), "k" * 40, tz):
        limits = activity_limits if record.kind == "activity" else INTERACTION_LIMITS
        assert all(len(value) <= limits[name] for name, value in record.fields if name in limits)
        assert all(len(n) <= ATTACHMENT_NAME_LIMIT for n in record.attachment_names)


class TestMimeMessages:
    @profile(150)
    @given(raw=raw_email(), options=OPTIONS, tz=ZONES)
    def test_hostile_mime_is_decided_and_mapped_within_limits(self, raw: bytes, options: Options, tz: str) -> None:
        try:
            msg = message_from_mime(raw, folder=Folder.INBOX)
        except UnparseableMessage:
            return
        decided(msg, options)
        fits(msg, options, tz)

    @profile(150)
    @given(raw=st.binary(max_size=5000))
    def test_any_bytes_are_a_message_or_unparseable(self, raw: bytes) -> None:
        try:
            msg = message_from_mime(raw)
        except UnparseableMessage as exc:
            assert str(exc)
            return
        decided(msg, DEFAULT_OPTIONS)


class TestGraphMessages:
    @profile(150)
    @given(data=graph_message(), folder=st.sampled_from(list(Folder)), options=OPTIONS, tz=ZONES)
    def test_odd_graph_json_is_decided_and_mapped_within_limits(self, data: dict[str, Any], folder: Folder,
                                                                options: Options, tz: str) -> None:
        msg = message_from_graph(data, folder)
        decided(msg, options)
        fits(msg, options, tz)


class TestFoundByProperties:
    """Found by these properties (astimezone() of a year-1 or year-9999 date overflowed in a zone with an offset,
    so the worker crashed instead of mapping); fixed in shared.domain.mapping.token_values."""

    @pytest.mark.parametrize(("sent", "tz"), [("0001-01-01T00:00:00Z", "Europe/London"),
                                              ("9999-12-31T23:59:00Z", "Pacific/Kiritimati")])
    def test_extreme_sent_dates_map_in_any_time_zone(self, sent: str, tz: str) -> None:
        data = {"id": "AAMk1", "subject": "Hello", "sentDateTime": sent, "receivedDateTime": "2026-11-02T14:06:00Z",
                "from": {"emailAddress": {"address": "alice.moreau@example.org"}},
                "toRecipients": [{"emailAddress": {"address": CONTEXT.address}}], "body": {"content": "Hi"}}
        msg = message_from_graph(data, Folder.INBOX)
        assert decide(msg, DEFAULT_OPTIONS, CONTEXT, now=NOW, captured_today=0).capture
        fits(msg, DEFAULT_OPTIONS, tz)


class TestAdminExplain:
    @profile(60)
    @given(raw=raw_email() | st.binary(max_size=2000))
    def test_any_eml_gets_an_answer(self, raw: bytes) -> None:
        with services():
            answer = function("AdminExplain")(req=request(raw, "manage/explain", content_type="message/rfc822",
                                                          params={"mailbox": CONTEXT.address}))
        assert answer.status_code == 200
        assert json.loads(answer.get_body())["decision"] in ("capture", "skip")

    @profile(60)
    @given(body=st.dictionaries(st.sampled_from(["eml", "options", "x"]),
                                st.text(max_size=200) | st.dictionaries(st.text(max_size=10), st.integers())))
    def test_the_json_form_answers_200_or_a_clear_400(self, body: dict[str, Any]) -> None:
        with services():
            answer = function("AdminExplain")(req=request(json.dumps(body).encode(), "manage/explain"))
        assert answer.status_code == 200 or is_problem(answer)
