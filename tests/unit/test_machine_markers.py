"""The machine markers behind the auto-reply rule, one at a time: each alone is enough, none of them is set by a
person's mail client (RFC 3834 Auto-Submitted, RFC 5321 null reverse-path, Exchange's X-Auto-Response-Suppress
and X-MS-Exchange-Inbox-Rules-Loop, RFC 2076 Precedence)."""

from __future__ import annotations

import pytest

from shared.domain.automated_signals import has_machine_marker, return_path
from tests.builders import a_message


@pytest.mark.parametrize("header", [
    ("Auto-Submitted", "auto-replied"), ("Auto-Submitted", "auto-generated (vacation)"), ("Return-Path", "<>"),
    ("X-Auto-Response-Suppress", "All"), ("X-MS-Exchange-Inbox-Rules-Loop", "membership@association.example"),
    ("Precedence", "bulk"), ("Precedence", " Junk "), ("Precedence", "list"),
])
def test_each_marker_alone_is_enough(header: tuple[str, str]) -> None:
    assert has_machine_marker(a_message(headers=(header,)))


@pytest.mark.parametrize("headers", [
    (), (("Auto-Submitted", "no"),), (("Precedence", "first-class"),), (("Return-Path", "<ada@example.com>"),),
])
def test_a_persons_mail_has_no_marker(headers: tuple[tuple[str, str], ...]) -> None:
    assert not has_machine_marker(a_message(headers=headers))


def test_return_path_is_reported_as_sent_or_absent() -> None:
    assert return_path(a_message(headers=(("Return-Path", " <ada@example.com> "),))) == "<ada@example.com>"
    assert return_path(a_message(headers=())) == "absent"
