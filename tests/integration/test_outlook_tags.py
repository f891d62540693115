"""Tag captured mail in Outlook on the local stack: the worker PATCHes the message's categories in Graph."""

from __future__ import annotations

import httpx
import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.conftest import SAMPLE_MAIL, fresh_copy

pytestmark = pytest.mark.integration

ALICE = SAMPLE_MAIL / "01-alice-renewal-question.eml"


def categories(stack: Stack, mailbox: str, message_id: str) -> list[str]:
    answer = httpx.get(f"{stack.graph_url}/users/{mailbox}/messages/{message_id}", params={"$select": "categories"},
                       headers={"Authorization": "Bearer dev-token", "Prefer": 'IdType="ImmutableId"'}, timeout=10)
    answer.raise_for_status()
    return list(answer.json()["categories"])


class TestOutlookTags:
    def test_captured_mail_gets_the_category(self, stack: Stack, driver: StackDriver, mailbox: str) -> None:
        current = driver.admin("GET", "options").json()["options"]
        driver.set_options(current | {"tag_captured_category": "In CRM"})
        delivered = driver.deliver(mailbox, fresh_copy(ALICE))
        outcome = driver.wait_for_outcomes({(mailbox, delivered["id"])})[(mailbox, delivered["id"])]
        assert outcome["outcome"] == "captured"
        driver.wait_until(lambda: categories(stack, mailbox, delivered["id"]) == ["In CRM"], 30, "the category")
