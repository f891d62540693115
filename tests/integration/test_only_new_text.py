"""Only the new text on the local stack: the worker asks Graph for uniqueBody and writes it."""

from __future__ import annotations

import uuid

import pytest

from devhost.driver import StackDriver

pytestmark = pytest.mark.integration

ALICE = "alice.moreau@example.org"  # person 20001 in emulators/sample/crm.json


def reply(mailbox: str) -> dict:
    subject = f"Re: renewal {uuid.uuid4().hex[:8]}"
    return {"subject": subject, "from": {"emailAddress": {"address": ALICE, "name": "Alice Moreau"}},
            "toRecipients": [{"emailAddress": {"address": mailbox}}],
            "internetMessageId": f"<{uuid.uuid4().hex}@example.org>",
            "body": {"contentType": "html", "content": "<p>Thanks, that works.</p>"
                                                       "<blockquote>Your renewal is due on 1 May.</blockquote>"},
            "uniqueBody": {"contentType": "html", "content": "<p>Thanks, that works.</p>"}}


class TestOnlyNewText:
    def test_the_activity_holds_the_new_text_only(self, driver: StackDriver, mailbox: str) -> None:
        current = driver.admin("GET", "options").json()["options"]
        driver.set_options(current | {"only_new_text": True})
        message = reply(mailbox)
        delivered = driver.deliver_json(mailbox, message)
        outcomes = driver.wait_for_outcomes({(mailbox, delivered["id"])})
        assert outcomes[(mailbox, delivered["id"])]["outcome"] == "captured"
        [activity] = [a for a in driver.crm_records()["activities"] if a.get("DESCRIPTION") == message["subject"]]
        assert "Thanks, that works." in activity["NOTE"] and "renewal is due" not in activity["NOTE"]
