"""A stack of this module's own, first fresh, then seeded. Fresh: the Getting started section guides the first
run (options never saved, no mailbox). Seeded, on an iMIS that may delete (IMIS_ALLOW_DELETE=true, as the
emulator allows): in the Erasure section the listing names the record and the file attached to it, the first
click only arms the button, the second deletes exactly what was listed, and the CRM (the iMIS emulator's records)
then holds neither; everyone else's stay. The fresh-stack test comes first in this file (pytest keeps file
order) and checks its precondition through the API."""

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
    """A stack of its own (deleting must not touch the other pages' data), fresh until ``seeded``."""
    with full_stack(tmp_path_factory.mktemp("erasure-stack"), {"IMIS_ALLOW_DELETE": "true"}) as started:
        yield started


@pytest.fixture(scope="module")
def seeded(stack: Stack) -> Stack:
    """Ben's email with its PDF and Alice's email captured, attachments kept."""
    create_graph_mailbox(stack, MAILBOX)
    with admin_client(stack) as admin:
        current = admin.get("/options").json()
        admin.patch("/options", json={"attachments": "non_inline", "internal_domains": ["association.example"]},
                    headers={"If-Match": f'"v{current["version"]}"'}).raise_for_status()
        admin.post("/mailboxes", json={"address": MAILBOX, "import_days": 0}).raise_for_status()
        for eml in (BEN_MAIL, ALICE_MAIL):
            deliver(stack, eml)
        wait_for(lambda: len(crm(stack)["activities"]) >= 2 and crm(stack)["attachments"], 30,
                 "both emails and the PDF in the CRM")
    return stack


def crm(stack: Stack) -> dict[str, Any]:
    return dict(httpx.get(f"{stack.imis_control_url}/records", timeout=10).json())


def test_a_fresh_installation_is_guided_through_the_setup_order(page: Any, stack: Stack, screenshot: Any) -> None:
    with admin_client(stack) as admin:
        assert admin.get("/options").json()["version"] == 0 and admin.get("/mailboxes").json()["mailboxes"] == [], \
            "this test needs the module's stack fresh: it must run before the seeded one"
    use_key(page, stack)
    guide = page.locator("#setup")
    expect(guide).to_be_visible()
    steps = guide.locator("#setup-steps li")
    expect(steps).to_have_count(5)
    expect(steps.first).to_contain_text("1. Roles — Who can access and change these options.")
    expect(steps.last).to_contain_text("5. First mailbox — Watch a mailbox")
    expect(guide.locator("li.done")).to_have_count(0)
    expect(page.locator("#setup-next")).to_have_text("Next: Roles.")
    screenshot(page, "setup")


def test_the_listed_records_and_their_files_are_deleted_on_the_second_click(
        page: Any, seeded: Stack, screenshot: Any) -> None:
    stack = seeded
    [ben] = [a for a in crm(stack)["activities"] if a["PartyId"] == "20002"]
    files = [f for f in crm(stack)["attachments"] if str(f["ParentId"]) == str(ben["SEQN"])]
    assert [f["FileName"] for f in files] == ["INV-2025-0417.pdf"]
    use_key(page, stack)
    expect(page.locator("#setup")).to_be_hidden()  # options saved and a mailbox watched: no more guide
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
        "Deleted 1 record(s), 1 attached file(s), 0 .eml copy(ies) in Blob storage, and 2 thread link(s); "
        "0 already gone, 0 refused, 0 not attempted.")  # the thread links: its conversation id and Message-ID
    expect(page.locator("#erasure-result")).to_contain_text("0 record(s) with 0 attached file(s) for 1 contact(s); "
                                                            "1 already erased.")  # listed again: what is left
    expect(button).to_be_hidden()
    after = crm(stack)
    assert [a["PartyId"] for a in after["activities"]] == ["20001"]  # Alice's stays
    assert not [f for f in after["attachments"] if str(f["ParentId"]) == str(ben["SEQN"])]
    screenshot(page, "erasure")
