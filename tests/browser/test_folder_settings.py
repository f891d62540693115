"""The capture folder and whole-mailbox capture in the admin page's Mailboxes section and options form."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from devhost.stack import Stack
from tests.browser.pages import use_key
from tests.browser.support import create_graph_mailbox

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def add(page: Any, address: str, folder: str = "", whole: str = "") -> None:
    form = page.locator("#mailbox-form")
    form.get_by_label("Address").fill(address)
    form.get_by_label("Import days").fill("0")
    form.get_by_label("Capture folder").fill(folder)
    form.get_by_label("Whole mailbox").select_option(whole)
    form.get_by_role("button", name="Add mailbox").click()


def remove(page: Any, address: str) -> None:
    button = page.get_by_role("button", name=f"Remove {address}")
    button.click()
    button.click()  # the second click confirms
    expect(page.locator("#mailboxes-list")).not_to_contain_text(address)


def test_a_mailbox_with_a_capture_folder_and_one_watched_whole(page: Any, stack: Stack, screenshot: Any) -> None:
    filer, whole = "filing@association.example", "everything@association.example"
    for address in (filer, whole):
        create_graph_mailbox(stack, address)
    httpx.post(f"{stack.graph_control_url}/mailboxes/{filer}/folders", json={"displayName": "CRM"},
               timeout=10).raise_for_status()
    use_key(page, stack)
    message = page.locator("#mailboxes-message")
    add(page, filer, folder="Customers")
    expect(message).to_contain_text("no folder named 'Customers'")  # the 400 says which folder is missing
    add(page, filer, folder="CRM")
    expect(message).to_contain_text(f"Watching {filer}: 3 subscription(s)")  # Inbox, Sent Items, the folder
    add(page, whole, whole="true")
    expect(message).to_contain_text(f"Watching {whole}: 1 subscription(s)")
    listing = page.locator("#mailboxes-list")
    expect(listing.locator("tr", has_text=filer)).to_contain_text("capture folder CRM")
    expect(listing.locator("tr", has_text=whole)).to_contain_text("whole mailbox")
    screenshot(page, "mailboxes")
    page.locator("#status-refresh").click()
    row = page.locator("#status-body tr", has_text=whole)
    expect(row).to_have_count(1)  # one subscription for the whole mailbox, shown as such
    expect(row).to_contain_text(f"Whole mailbox (every folder)one subscription on users/{whole}/messages")
    expect(row).to_contain_text("never from Conversation History, Deleted Items, Drafts, Junk Email, Outbox")
    remove(page, filer)
    remove(page, whole)


def test_the_options_form_offers_the_folder_options(page: Any, stack: Stack) -> None:
    use_key(page, stack)
    options = page.locator("#options")
    for label in ("Capture folder", "Whole mailbox", "Never-capture folders"):
        expect(options.get_by_text(label, exact=True).first).to_be_visible()
    expect(options.get_by_role("checkbox", name="Inbox", exact=True)).to_have_count(1)  # Folders captured
    for never_offered in ("Outbox", "Drafts", "Never-capture folder"):  # the server would refuse them
        expect(options.get_by_role("checkbox", name=never_offered, exact=True)).to_have_count(0)
