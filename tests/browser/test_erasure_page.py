"""The Erasure section on a stack whose iMIS may delete (IMIS_ALLOW_DELETE=true, as the emulator allows): the
listing names the record and the file attached to it, the first click only arms the button, the second deletes
exactly what was listed, and the CRM (the iMIS emulator's records) then holds neither; everyone else's stay."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from devhost.stack import Stack
from tests.browser.pages import use_key
from tests.browser.support import (
    MAILBOX,
    SAMPLE_MAIL,
    admin_client,
    create_graph_mailbox,
    deliver,
    full_stack,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]
BEN = "ben.okafor@example.com"  # sample 04 from him carries a PDF; contact 20002 in the emulator
ALICE_MAIL = SAMPLE_MAIL / "01-alice-renewal-question.eml"
BEN_MAIL = SAMPLE_MAIL / "04-ben-invoice-query-pdf.eml"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own (deleting must not touch the other pages' data): Ben's email with its PDF and Alice's
    email captured, attachments kept."""
    with full_stack(tmp_path_factory.mktemp("erasure-stack"), {"IMIS_ALLOW_DELETE": "true"}) as started:
        create_graph_mailbox(started, MAILBOX)
        with admin_client(started) as admin:
            current = admin.get("/options").json()
            admin.patch("/options", json={"attachments": "non_inline", "internal_domains": ["association.example"]},
                        headers={"If-Match": f'"v{current["version"]}"'}).raise_for_status()
            admin.post("/mailboxes", json={"address": MAILBOX, "import_days": 0}).raise_for_status()
            for eml in (BEN_MAIL, ALICE_MAIL):
                deliver(started, eml)
            wait_for(lambda: len(crm(started)["activities"]) >= 2 and crm(started)["attachments"], 30,
                     "both emails and the PDF in the CRM")
        yield started


def crm(stack: Stack) -> dict[str, Any]:
    return dict(httpx.get(f"{stack.imis_control_url}/records", timeout=10).json())


def test_the_listed_records_and_their_files_are_deleted_on_the_second_click(
        page: Any, stack: Stack, screenshot: Any) -> None:
    [ben] = [a for a in crm(stack)["activities"] if a["PartyId"] == "20002"]
    files = [f for f in crm(stack)["attachments"] if str(f["ParentId"]) == str(ben["SEQN"])]
    assert [f["FileName"] for f in files] == ["INV-2025-0417.pdf"]
    use_key(page, stack)
    page.locator("#erasure-value").fill(BEN)
    page.locator("#erasure-form").get_by_role("button", name="List").click()
    expect(page.locator("#erasure-result")).to_contain_text("1 record(s) with 1 attached file(s) for 1 contact(s)")
    expect(page.locator("#erasure-result tr", has_text=str(ben["SEQN"]))).to_contain_text(files[0]["AttachmentId"])
    button = page.locator("#erasure-delete")
    button.click()
    expect(button).to_have_text("Click again to delete 1 record(s) from the CRM")
    assert [a["PartyId"] for a in crm(stack)["activities"]].count("20002") == 1  # armed only: nothing deleted yet
    button.click()
    expect(page.locator("#erasure-message")).to_have_text(
        "Deleted 1 record(s), 1 attached file(s) and 0 .eml copy(ies) in Blob storage; 0 already gone, 0 refused, "
        "0 not attempted.")
    after = crm(stack)
    assert [a["PartyId"] for a in after["activities"]] == ["20001"]  # Alice's stays
    assert not [f for f in after["attachments"] if str(f["ParentId"]) == str(ben["SEQN"])]
    screenshot(page, "erasure")
