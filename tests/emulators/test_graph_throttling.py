"""Outlook throttling (4 concurrent, N requests per window, 429 + Retry-After) and injected faults."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.emulators.conftest import SDK_WARNINGS, Connect, Emulator

pytestmark = [pytest.mark.integration, *SDK_WARNINGS]


def concurrently(emu: Emulator, calls: list[tuple[str, str]]) -> list[httpx.Response]:
    """GET each (token, path) at the same moment."""
    async def fire() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=emu.graph, timeout=10) as client:
            return list(await asyncio.gather(*(client.get(path, headers={"Authorization": f"Bearer {token}"})
                                               for token, path in calls)))
    return asyncio.run(fire())


class TestThrottling:
    def test_fifth_concurrent_request_for_one_app_and_mailbox_gets_429(self, emu: Emulator) -> None:
        emu.mailbox()
        emu.mailbox("bob@contoso.com", "Bob")
        emu.set("faults", {"delayMs": 500, "count": 20})  # every request holds its slot for a while
        alice, bob = "/users/alice@contoso.com/mailFolders/inbox", "/users/bob@contoso.com/mailFolders/inbox"
        responses = concurrently(emu, [("app-a", alice)] * 6 + [("app-b", alice), ("app-a", bob)])
        alice_a = sorted(r.status_code for r in responses[:6])
        assert alice_a == [200] * 4 + [429] * 2
        assert [r.status_code for r in responses[6:]] == [200, 200]  # other app, other mailbox: own budgets
        throttled = next(r for r in responses if r.status_code == 429)
        assert throttled.json()["error"]["code"] == "ApplicationThrottled"
        assert "MailboxConcurrency" in throttled.json()["error"]["message"]
        assert int(throttled.headers["retry-after"]) >= 1
        stats = emu.get("requests")
        assert stats["maxConcurrencyPerMailbox"]["alice@contoso.com"] == 4
        assert stats["throttledByReason"] == {"mailboxConcurrency": 2}

    def test_a_service_time_makes_requests_overlap_so_the_concurrency_limit_binds(self, emu: Emulator) -> None:
        emu.mailbox()
        inbox = "/users/alice@contoso.com/mailFolders/inbox"
        # 1 s: all six must arrive while the first four are served; on two loaded CI cores the client's six
        # connections can take longer than a few hundred ms to reach the emulator process
        emu.set("throttling", {"serviceMs": 1000})
        assert emu.get("throttling")["service_ms"] == 1000
        statuses = sorted(r.status_code for r in concurrently(emu, [("app-a", inbox)] * 6))
        assert statuses == [200] * 4 + [429] * 2
        assert emu.get("requests")["maxConcurrencyPerMailbox"]["alice@contoso.com"] == 4

    def test_request_budget_per_window_then_recovery_on_the_clock(self, emu: Emulator) -> None:
        emu.mailbox()
        emu.mailbox("bob@contoso.com", "Bob")
        emu.set("throttling", {"requests": 5, "windowSeconds": 10})
        statuses = [emu.api.get("/users/alice@contoso.com/mailFolders/inbox").status_code for _ in range(5)]
        over = emu.api.get("/users/alice@contoso.com/messages")
        assert statuses == [200] * 5 and over.status_code == 429
        assert 1 <= int(over.headers["retry-after"]) <= 10
        assert emu.api.get("/users/bob@contoso.com/messages").status_code == 200
        emu.set("clock", {"advance_seconds": 10})
        assert emu.api.get("/users/alice@contoso.com/messages").status_code == 200


class TestFaults:
    def test_next_matching_requests_answer_503_then_recover(self, emu: Emulator) -> None:
        emu.mailbox()
        emu.set("faults", {"status": 503, "count": 2, "retryAfter": 3, "mailbox": "ALICE@contoso.com",
                           "path": "/mailFolders"})
        untouched = emu.api.get("/users/alice@contoso.com/messages")
        answers = [emu.api.get("/users/alice@contoso.com/mailFolders/inbox") for _ in range(3)]
        assert untouched.status_code == 200
        assert [a.status_code for a in answers] == [503, 503, 200]
        assert answers[0].headers["retry-after"] == "3"
        assert answers[0].json()["error"]["code"] == "serviceNotAvailable"
        assert emu.get("faults")["value"] == []

    def test_sdk_retry_handler_honours_retry_after_on_an_injected_429(self, emu: Emulator,
                                                                      graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        emu.set("faults", {"status": 429, "count": 1, "retryAfter": 1, "path": "/mailFolders"})
        emu.control.delete("/_emulator/requests")

        async def call() -> Any:
            async with graph_client() as client:
                return await client.users.by_user_id(user).mail_folders.by_mail_folder_id("inbox").get()

        assert asyncio.run(call()).display_name == "Inbox"
        stats = emu.get("requests")
        assert (stats["perKind"]["folders"], stats["perStatus"]) == (2, {"429": 1, "200": 1})

    def test_delay_fault_slows_matching_requests_only(self, emu: Emulator) -> None:
        emu.mailbox()
        emu.set("faults", {"delayMs": 300, "count": 1, "path": "/mailFolders"})
        slow = emu.api.get("/users/alice@contoso.com/mailFolders/inbox")
        fast = emu.api.get("/users/alice@contoso.com/mailFolders/inbox")
        assert slow.status_code == fast.status_code == 200
        assert slow.elapsed.total_seconds() >= 0.3 > fast.elapsed.total_seconds()
