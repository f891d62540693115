"""Attachments policy and the .eml copy: files reach the CRM record, empty ones never, names fit iMIS."""

from __future__ import annotations

from typing import Any

import pytest
from azure.storage.blob import ContainerClient

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


class TestAttachments:
    def test_non_empty_attachments_are_saved_with_names_cut_to_50(self, driver: StackDriver, mailbox: str) -> None:
        patch_options(driver, {"attachments": "non_inline", "save_as_eml": False})
        saved = files_of(driver, capture(driver, mailbox, "07-emma-medical-form-empty-attachment.eml"))
        assert len(saved) == 1 and saved[0]["Size"] > 0  # of its two attachments, the empty one is not saved
        long_names = files_of(driver, capture(driver, mailbox, "08-farid-partnership-long-filename.eml"))
        assert long_names and all(len(f["FileName"]) <= 50 for f in long_names)
        assert any(f["FileName"].endswith(".pdf") for f in long_names)

    def test_save_as_eml_attaches_the_message_and_keeps_a_blob(self, stack: Stack, driver: StackDriver,
                                                               mailbox: str) -> None:
        patch_options(driver, {"attachments": "none", "save_as_eml": True})
        seqn = capture(driver, mailbox, "04-ben-invoice-query-pdf.eml")
        [eml] = files_of(driver, seqn)
        assert eml["ContentType"] == "message/rfc822" and eml["FileName"].endswith(".eml")
        container = ContainerClient.from_connection_string(stack.connection_string, "mail-capture")
        assert any(b.name.startswith(f"{mailbox}/") for b in container.list_blobs())
