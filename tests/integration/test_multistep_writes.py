"""Exactly once over several CRM steps (issue 13 item 7): the record is written once even when a later step
(the attachment) fails and is retried; recovery never adopts a record that is not ours."""

from __future__ import annotations

import pytest

from devhost.driver import StackDriver
from tests.integration.conftest import SAMPLE_MAIL, fresh_copy
from tests.integration.test_attachments import files_of, patch_options

pytestmark = pytest.mark.integration


def posts(driver: StackDriver, route: str) -> int:
    return int(driver.imis.get("/requests").json()["by_route"].get(route, 0))


def test_attachment_failing_three_times_then_recovering_writes_one_activity(driver: StackDriver,
                                                                           mailbox: str) -> None:
    patch_options(driver, {"attachments": "non_inline", "save_as_eml": False})
    driver.imis.post("/faults", json={"count": 3, "status": 503, "retry_after": 1, "path_prefix": "/api/Attachment",
                                      "method": "POST"}).raise_for_status()
    activities_before = posts(driver, "POST /api/Activity")
    delivered = driver.deliver(mailbox, fresh_copy(SAMPLE_MAIL / "04-ben-invoice-query-pdf.eml"))
    entry = driver.wait_for_outcomes({(mailbox, delivered["id"])}, timeout=120)[(mailbox, delivered["id"])]
    assert entry["outcome"] == "captured", entry
    assert driver.imis.get("/faults").json() == []  # all three refusals were served
    seqn = str(entry["record_ids"][0])
    assert [f["FileName"].endswith(".pdf") for f in files_of(driver, seqn)] == [True]
    assert posts(driver, "POST /api/Activity") - activities_before == 1
    assert posts(driver, "POST /api/Attachment") >= 4  # three refused, the fourth stored
