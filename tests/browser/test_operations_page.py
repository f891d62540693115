"""Status, decision log (search and replay), mailboxes and explain on the admin page, against the seeded stack."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from devhost.stack import Stack
from shared.bootstrap import build_services
from shared.config import Settings
from shared.domain.mailbox import Mailbox
from tests.browser.pages import drop_file, use_key
from tests.browser.support import AUTO_REPLY, MAILBOX, PERSON_MAIL, admin_client, create_graph_mailbox

pytestmark = [pytest.mark.browser, pytest.mark.integration]


class TestStatus:
    def test_shows_the_watched_mailbox_its_subscriptions_and_the_last_day(
            self, page: Any, stack: Stack, screenshot: Any) -> None:
        use_key(page, stack)
        body = page.locator("#status-body")
        expect(body.locator("tr", has_text=MAILBOX).get_by_role("cell", name="Sent Items")).to_be_visible()
        expect(body.locator("tr", has_text=MAILBOX).filter(has_text="Inbox")).to_contain_text("until")
        expect(body).to_contain_text("auto_reply: 1")
        expect(body).to_contain_text(re.compile(r"Queue\s*\d+ \(live \d+, bulk \d+\)"))  # both lanes, then each
        screenshot(page)

    def test_shows_a_mailbox_whose_capture_folder_is_gone(self, page: Any, stack: Stack) -> None:
        # The worker records the problem when Graph says the folder is gone (tests/usecases/test_capture_folder.py);
        # here the mailbox is stored with it, as the worker leaves it, and the page must say so.
        address, problem = "filing@association.example", "the capture folder is gone (Graph answered 404)"
        deps = build_services(Settings.from_env(stack.app_env()))
        deps.mailboxes.put(Mailbox(address=address, capture_folder="CRM", folder_problem=problem, enabled=False))
        try:
            use_key(page, stack)
            expect(page.locator("#status-body")).to_contain_text(f"{address}: {problem}")
        finally:
            deps.mailboxes.delete(address)

    def test_purges_the_contact_cache(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        page.get_by_role("button", name="Purge contact cache").click()
        expect(page.locator("#status-message")).to_contain_text("Contact cache purged (generation")


class TestDecisionLog:
    def test_search_by_reason_finds_the_auto_reply_and_replays_it(
            self, page: Any, stack: Stack, screenshot: Any) -> None:
        use_key(page, stack)
        form = page.locator("#log-form")
        form.get_by_label("Mailbox", exact=True).fill(MAILBOX)
        form.get_by_label("Reason").select_option("auto_reply")
        form.get_by_role("button", name="Search").click()
        rows = page.locator("#log-results tbody tr")
        expect(rows.first).to_contain_text("skipped")
        # the webhook's pass and, at onboarding, the first delta walk's pass may both be logged for one email
        assert 1 <= rows.count() <= 2
        screenshot(page, "log")
        rows.first.get_by_role("button", name="Replay").click()
        expect(page.locator("#log-message")).to_contain_text("Queued again")

    def test_captured_emails_have_no_replay_button(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        page.locator("#log-form").get_by_label("Outcome").select_option("captured")
        page.locator("#log-form").get_by_role("button", name="Search").click()
        expect(page.locator("#log-results tbody tr").first).to_contain_text("captured")
        expect(page.locator("#log-results").get_by_role("button", name="Replay")).to_have_count(0)

    def test_time_range_in_the_future_finds_nothing(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        page.locator("#log-form").get_by_label("From").fill("2999-01-01T00:00")
        page.locator("#log-form").get_by_role("button", name="Search").click()
        expect(page.locator("#log-message")).to_have_text("0 entries.")


class TestExplain:
    def test_dropped_auto_reply_is_explained(self, page: Any, stack: Stack, screenshot: Any) -> None:
        use_key(page, stack)
        drop_file(page, "#drop-zone", AUTO_REPLY)
        result = page.locator("#explain-result")
        expect(result.locator(".reason")).to_contain_text("auto_reply: An automatic reply")
        expect(result).to_contain_text("skip")
        screenshot(page, "explain")

    def test_chosen_person_mail_would_be_captured(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        page.get_by_label("Mailbox it arrived in").fill(MAILBOX)
        page.locator("#explain-file").set_input_files(str(PERSON_MAIL))
        result = page.locator("#explain-result")
        expect(result).to_contain_text("capture")
        expect(result).to_contain_text("alice.moreau@example.org")


class TestMailboxes:
    def test_adds_and_removes_a_mailbox(self, page: Any, stack: Stack) -> None:
        address = "events@association.example"
        create_graph_mailbox(stack, address)
        use_key(page, stack)
        form = page.locator("#mailbox-form")
        form.get_by_label("Address").fill(address)
        form.get_by_label("Import days").fill("0")
        form.get_by_role("button", name="Add mailbox").click()
        expect(page.locator("#mailboxes-message")).to_contain_text(f"Watching {address}: 2 subscription(s)")
        expect(page.locator("#mailboxes-list")).to_contain_text(address)
        remove = page.get_by_role("button", name=f"Remove {address}")
        remove.click()
        remove.click()  # the second click confirms
        expect(page.locator("#mailboxes-message")).to_contain_text(f"Removed {address} (2 subscriptions)")
        expect(page.locator("#mailboxes-list")).not_to_contain_text(address)
        with admin_client(stack) as admin:
            assert admin.get(f"/mailboxes/{address}").status_code == 404
