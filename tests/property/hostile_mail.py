"""Hypothesis strategies for hostile email: odd encodings, malformed addresses, huge headers, HTML bombs, deep
or broken MIME. Each builds raw RFC 5322 bytes (and a Graph-shaped JSON variant for the worker's path)."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

CHARSETS = ["utf-8", "iso-8859-1", "x-unknown", "utf-7", "gb2312", "", "utf-8*en", "unicode-1-1-utf-7"]
ODD_ADDRESSES = ["<>", "a@@b.example", "@example.org", "no-at-sign", '"a, b" <a@b.example>, :;, @, <@>',
                 "undisclosed-recipients:;", "x@y.example (comment) <z@w.example>", "<unbalanced@example.org",
                 "=?utf-8?B?w6k=?= <e@example.org>", "\"quoted\\\"name\" <q@example.org>", "a" * 5000 + "@example.org",
                 "Ünïcödé Näme <u@exämple.org>", "MAILER-DAEMON", "postmaster@", "\t ,,, \t",
                 "/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=a1b2-jo"]


@st.composite
def encoded_word(draw: st.DrawFn) -> str:
    payload = draw(st.text(alphabet=string.ascii_letters + string.digits + "=+/_?-", max_size=40))
    return f"=?{draw(st.sampled_from(CHARSETS))}?{draw(st.sampled_from('BQbqX'))}?{payload}?="


TEXT = st.text(max_size=80).map(lambda t: t.replace("\r", " ").replace("\n", " "))
HEADER_TEXT = TEXT | encoded_word() | st.lists(encoded_word(), max_size=4).map(" ".join)
ADDRESS = st.sampled_from(ODD_ADDRESSES) | st.emails() | st.builds(lambda n, e: f"{n} <{e}>", encoded_word(),
                                                                     st.emails())


def _html_bomb(kind: str, n: int) -> str:
    bombs = {
        "nested": "<div>" * n + "x" + "</div>" * n,
        "unclosed": "<table><tr><td>" * n,
        "entities": "&amp;&#x1F600;&#99999999;&bogus;" * n,
        "comment": "<!--" + "-" * n,
        "attributes": "<p " + " ".join(f'a{i}="{i}"' for i in range(n)) + ">x</p>",
        "script": "<script>" + "x" * (n * 10) + "</script><p>hello</p>",
    }
    return bombs[kind]


HTML = st.builds(_html_bomb, st.sampled_from(["nested", "unclosed", "entities", "comment", "attributes", "script"]),
                 st.integers(1, 3000))


@st.composite
def body_part(draw: st.DrawFn, depth: int = 0) -> bytes:
    kind = draw(st.sampled_from(["plain", "html", "base64", "multipart", "broken"] if depth < 3 else ["plain", "html"]))
    charset = draw(st.sampled_from(CHARSETS))
    if kind == "plain":
        return f"Content-Type: text/plain; charset={charset}\n\n".encode() + draw(st.binary(max_size=300))
    if kind == "html":
        return f"Content-Type: text/html; charset={charset}\n\n{draw(HTML)}".encode("utf-8", "surrogateescape")
    if kind == "base64":
        name = draw(st.sampled_from(["../../etc/passwd", "a" * 300 + ".pdf", "=?utf-8?Q?r=C3=A9sum=C3=A9?=.doc", ""]))
        return (f'Content-Type: application/pdf; name="{name}"\nContent-Transfer-Encoding: base64\n'
                f'Content-Disposition: attachment; filename="{name}"\n\n').encode() + draw(st.binary(max_size=200))
    if kind == "broken":
        return b"Content-Type: multipart/mixed; boundary=\n\n--\n--x\n" + draw(st.binary(max_size=100))
    boundary = draw(st.sampled_from(["b", "=_x", "a" * 80, "\"q\""]))
    parts = draw(st.lists(body_part(depth + 1), min_size=0, max_size=3))
    inner = b"".join(b"--" + boundary.strip('"').encode() + b"\n" + p + b"\n" for p in parts)
    return f"Content-Type: multipart/mixed; boundary={boundary}\n\n".encode() + inner + b"--" + \
        boundary.strip('"').encode() + b"--\n"


@st.composite
def raw_email(draw: st.DrawFn) -> bytes:
    headers = [f"From: {draw(ADDRESS)}", f"To: {', '.join(draw(st.lists(ADDRESS, max_size=4)))}",
               f"Cc: {draw(ADDRESS)}", f"Subject: {draw(HEADER_TEXT)}", f"Message-ID: <{draw(TEXT)}>",
               f"Date: {draw(st.sampled_from(['Thu, 31 Feb 99999 25:61 +9999', 'yesterday', '', 'Mon, 1 Jan 2024']))}"]
    headers += [f"X-Filler-{i}: {'v' * draw(st.integers(0, 50))}" for i in range(draw(st.integers(0, 2500)))]
    if draw(st.booleans()):
        headers.append("X-Huge: " + "h" * draw(st.integers(1000, 300_000)))
    if draw(st.booleans()):
        headers.append("Received: from x\n" + "\tcontinued\n" * draw(st.integers(1, 5000)))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    head = newline.join(h.rstrip("\n") for h in headers).encode("utf-8", "surrogateescape")
    head += draw(st.sampled_from([b"", b"\nX-Latin: caf\xe9", b"\nX-Bad-UTF8: \xc3\x28\xa0\xa1"]))
    return head + newline.encode() + draw(body_part())


def graph_person(value: Any) -> Any:
    return {"emailAddress": {"address": value, "name": value}} if isinstance(value, str) else value


GRAPH_PERSON = ADDRESS.map(graph_person) | st.sampled_from([None, {}, {"emailAddress": None},
                                                            {"emailAddress": {"name": "only a name"}}])


@st.composite
def graph_message(draw: st.DrawFn) -> dict[str, Any]:
    """Graph JSON as the worker receives it, with nulls and odd values where Graph allows them."""
    html = draw(st.booleans())
    return {
        "id": "AAMk" + draw(st.text(string.ascii_letters, max_size=20)), "subject": draw(st.none() | HEADER_TEXT),
        "internetMessageId": draw(st.none() | TEXT), "conversationId": draw(st.none() | TEXT),
        "body": {"contentType": "html" if html else "text", "content": draw(HTML if html else st.text(max_size=500))},
        "from": draw(GRAPH_PERSON), "sender": draw(GRAPH_PERSON),
        "toRecipients": draw(st.lists(GRAPH_PERSON, max_size=4)),
        "ccRecipients": draw(st.none() | st.lists(GRAPH_PERSON, max_size=3)),
        "sentDateTime": draw(st.sampled_from([None, "2026-11-02T14:05:00Z", "not a date", "2026-11-02T14:05:00"])),
        "receivedDateTime": draw(st.sampled_from([None, "2026-11-02T14:06:00Z", ""])),
        "isDraft": draw(st.booleans()), "hasAttachments": draw(st.booleans()),
        "internetMessageHeaders": [{"name": draw(st.sampled_from(["List-Id", "Auto-Submitted", "Content-Type",
                                                                  "Precedence", "X-Odd"])), "value": draw(HEADER_TEXT)}
                                   for _ in range(draw(st.integers(0, 6)))],
        "singleValueExtendedProperties": draw(st.sampled_from([None, [], [{"id": "String 0x1a", "value": "REPORT.X"}],
                                                               [{"id": "String 0x1a"}]])),
        "attachments": [{"name": draw(st.text(max_size=300)), "size": draw(st.integers(-1, 10**9)),
                         "contentType": draw(TEXT), "isInline": draw(st.booleans())}
                        for _ in range(draw(st.integers(0, 3)))],
    }
