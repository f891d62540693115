"""Attachments policy and the .eml copy: files reach the CRM record, empty ones never, names fit iMIS."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest
from azure.storage.blob import ContainerClient

from devhost.crm_view import capture_key
from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.conftest import SAMPLE_MAIL, fresh_copy

pytestmark = pytest.mark.integration


def patch_options(driver: StackDriver, patch: dict[str, Any]) -> None:
    current = driver.admin("GET", "options")
    answer = driver.admin("PATCH", "options", json=patch, headers={"If-Match": current.headers["ETag"]})
    assert answer.status_code == 200, answer.text


def capture(driver: StackDriver, mailbox: str, sample: str) -> str:
    delivered = driver.deliver(mailbox, fresh_copy(SAMPLE_MAIL / sample))
    entry = driver.wait_for_outcomes({(mailbox, delivered["id"])})[(mailbox, delivered["id"])]
    assert entry["outcome"] == "captured", entry
    return str(entry["record_ids"][0])


def files_of(driver: StackDriver, seqn: str) -> list[dict]:
    return [a for a in driver.crm_records()["attachments"] if str(a["ParentId"]) == seqn]


def bytes_of(driver: StackDriver, attachment: dict) -> bytes:
    answer = driver.imis.get(f"/attachments/{attachment['AttachmentId']}")
    answer.raise_for_status()
    return answer.content


def parts_of(raw: bytes) -> dict[str, bytes]:
    """The email's attached files by name, decoded (what the CRM must end up holding)."""
    message = email.message_from_bytes(raw, policy=policy.default)
    return {str(p.get_filename()): bytes(p.get_payload(decode=True) or b"") for p in message.iter_attachments()}


class TestAttachments:
    def test_non_empty_attachments_are_saved_with_names_cut_to_50(self, driver: StackDriver, mailbox: str) -> None:
        patch_options(driver, {"attachments": "non_inline", "save_as_eml": False})
        sample = "07-emma-medical-form-empty-attachment.eml"
        originals = parts_of((SAMPLE_MAIL / sample).read_bytes())
        assert sorted(len(b) > 0 for b in originals.values()) == [False, True]  # one empty, one real file
        [saved] = files_of(driver, capture(driver, mailbox, sample))  # the empty one is not saved
        assert bytes_of(driver, saved) == originals[saved["FileName"]] != b""
        long_names = files_of(driver, capture(driver, mailbox, "08-farid-partnership-long-filename.eml"))
        assert long_names and all(len(f["FileName"]) <= 50 for f in long_names)
        assert any(f["FileName"].endswith(".pdf") for f in long_names)

    def test_save_as_eml_attaches_the_message_and_keeps_a_blob(self, stack: Stack, driver: StackDriver,
                                                               mailbox: str) -> None:
        patch_options(driver, {"attachments": "none", "save_as_eml": True})
        raw = fresh_copy(SAMPLE_MAIL / "04-ben-invoice-query-pdf.eml")
        delivered = driver.deliver(mailbox, raw)
        entry = driver.wait_for_outcomes({(mailbox, delivered["id"])})[(mailbox, delivered["id"])]
        [eml] = files_of(driver, str(entry["record_ids"][0]))
        assert eml["ContentType"] == "message/rfc822" and eml["FileName"].endswith(".eml")
        container = ContainerClient.from_connection_string(stack.connection_string, "mail-capture")
        key = capture_key(email.message_from_bytes(raw)["Message-ID"])
        kept = container.download_blob(f"{mailbox}/{key}.eml").readall()
        # The blob and the CRM's file are this email: its headers, its body and its PDF.
        for copy in (kept, bytes_of(driver, eml)):
            parsed = email.message_from_bytes(copy, policy=policy.default)
            assert parsed["Message-ID"] == email.message_from_bytes(raw)["Message-ID"]
            assert parts_of(copy) == parts_of(raw) and parts_of(raw)
