"""Hostile mail cannot hold a worker: a From address with a 6,000-character local part (found by the property
tests: the per-recipient sender pattern backtracked for 49 s) is decided like any other."""

from __future__ import annotations

import pytest

from shared.adapters.mime import message_from_mime
from shared.domain.filters import MailboxContext, decide
from shared.domain.model import Folder
from shared.domain.options import DEFAULT_OPTIONS


@pytest.mark.timeout(20)  # a guard against a hang, not a speed target: the fixed code takes milliseconds
@pytest.mark.parametrize("local", ["a" * 6000, "a1" * 3000 + "!", "x" * 50 + "a" * 6000])
def test_a_huge_local_part_is_decided(local: str) -> None:
    raw = (f"From: {local}@example.org\r\nTo: membership@association.example\r\nSubject: hi\r\n"
           "Message-ID: <1@example.org>\r\nContent-Type: text/plain\r\n\r\nhello\r\n").encode()
    decision = decide(message_from_mime(raw, Folder.INBOX), DEFAULT_OPTIONS,
                      MailboxContext("membership@association.example", None))
    assert decision.capture or decision.reason is not None
