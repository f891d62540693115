from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.adapters.mime import UnparseableMessage, message_from_mime
from shared.domain.filters import MailboxContext, decide, lookup_participants
from shared.domain.options import DEFAULT_OPTIONS

# differing_executors: stateless test classes; mutmut (make mutate) collects them twice in one process.
SUPPRESSED = [HealthCheck.too_slow, HealthCheck.differing_executors]

NAMES = ["From", "To", "Cc", "Subject", "Content-Type", "Content-Transfer-Encoding", "Return-Path",
         "Auto-Submitted", "List-Id", "Precedence", "Date", "Sender", "Reply-To", "X-Autoreply", "Received"]
VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        'multipart/report; report-type=delivery-status; boundary="b"', "multipart/mixed; boundary=b",
        "text/plain; charset=x-unknown", "=?utf-8?b?w6k=?= =?bogus?q?x?=", "<>", '"a, b" <a@b.c>, :;, @, <@>',
        "auto-replied", "base64", "quoted-printable", "Thu, 31 Feb 99999 25:61 +9999", "a:b:c:d:e@f",
    ]),
)
HEADER = st.tuples(st.sampled_from(NAMES), VALUES).map(lambda h: f"{h[0]}: {h[1]}")
BODY = st.one_of(st.binary(max_size=300), st.sampled_from([b"--b\nContent-Type: message/delivery-status\n\nx\n--b--",
                                                           b"--b\n\n--b\n--b--\n", b"=\xff=\n" * 5]))
CONTEXT = MailboxContext(address="mailbox@organisation.invalid")


class TestNeverCrashes:
    @settings(max_examples=150, deadline=None, suppress_health_check=SUPPRESSED)
    @given(headers=st.lists(HEADER, max_size=12), newline=st.sampled_from(["\n", "\r\n", "\r"]), body=BODY)
    def test_any_header_soup_parses_or_is_unparseable(self, headers: list[str], newline: str, body: bytes) -> None:
        raw = newline.join(headers).encode("utf-8", "surrogateescape") + newline.encode() * 2 + body
        try:
            msg = message_from_mime(raw)
        except UnparseableMessage:
            return
        decision = decide(msg, DEFAULT_OPTIONS, CONTEXT)
        assert decision.capture == (decision.reason is None)
        assert all("@" in a.email for a in lookup_participants(msg, DEFAULT_OPTIONS, CONTEXT))

    @settings(max_examples=100, deadline=None, suppress_health_check=SUPPRESSED)
    @given(raw=st.binary(max_size=2000))
    def test_any_bytes_parse_or_are_unparseable(self, raw: bytes) -> None:
        with contextlib.suppress(UnparseableMessage):
            message_from_mime(raw)
