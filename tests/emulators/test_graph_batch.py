"""JSON batching (``POST /$batch``) over raw httpx: responses, limits, dependsOn, per-request throttling."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.emulators.conftest import Emulator

pytestmark = pytest.mark.integration
EML = b"From: bob@example.org\nTo: alice@contoso.com\nSubject: Batched\nMessage-ID: <b1@example.org>\n\nbody\n"


def batch(emu: Emulator, requests: list[dict[str, Any]]) -> Any:
    return emu.api.post("/$batch", json={"requests": requests})


def by_id(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()["responses"]}


class TestBatch:
    def test_each_request_answers_with_its_own_status_headers_and_body(self, emu: Emulator) -> None:
        user = emu.mailbox()["id"]
        mid = emu.deliver("alice@contoso.com", EML)["id"]
        answers = by_id(batch(emu, [
            {"id": "1", "method": "GET", "url": f"/users/{user}/messages/{mid}?$select=subject"},
            {"id": "2", "method": "GET", "url": f"users/{user}/messages/AAkALgMissing="},
            {"id": "3", "method": "GET", "url": f"/users/{user}/messages/{mid}/$value"},
            {"id": "4", "method": "PATCH", "url": f"/users/{user}/messages/{mid}", "body": {"isRead": True},
             "headers": {"Content-Type": "application/json"}},
        ]))
        assert answers["1"]["status"] == 200 and answers["1"]["body"]["subject"] == "Batched"
        assert answers["1"]["headers"]["content-type"].startswith("application/json")
        assert answers["2"]["status"] == 404 and answers["2"]["body"]["error"]["code"] == "ErrorItemNotFound"
        assert base64.b64decode(answers["3"]["body"]) == EML
        assert answers["4"]["status"] == 200 and answers["4"]["body"]["isRead"] is True

    @pytest.mark.parametrize("requests", [
        [{"id": str(i), "method": "GET", "url": "/subscriptions"} for i in range(21)],
        [{"id": "a", "method": "GET", "url": "/subscriptions"}, {"id": "A", "method": "GET", "url": "/subscriptions"}],
        [{"id": "1", "method": "GET"}],
        [],
    ])
    def test_malformed_or_oversized_batches_are_400(self, emu: Emulator, requests: list[dict[str, Any]]) -> None:
        response = batch(emu, requests)
        assert response.status_code == 400 and response.json()["error"]["code"] == "BadRequest"

    def test_twenty_requests_are_fine(self, emu: Emulator) -> None:
        answers = by_id(batch(emu, [{"id": str(i), "method": "GET", "url": "/subscriptions"} for i in range(20)]))
        assert {a["status"] for a in answers.values()} == {200} and len(answers) == 20

    def test_a_failed_dependency_fails_its_dependents_with_424(self, emu: Emulator) -> None:
        user = emu.mailbox()["id"]
        answers = by_id(batch(emu, [
            {"id": "1", "method": "GET", "url": f"/users/{user}/messages/AAkALgMissing="},
            {"id": "2", "method": "GET", "url": f"/users/{user}/mailFolders/inbox", "dependsOn": ["1"]},
            {"id": "3", "method": "GET", "url": f"/users/{user}/mailFolders/inbox"},
        ]))
        assert [answers[i]["status"] for i in "123"] == [404, 424, 200]

    def test_requests_inside_a_batch_count_against_throttling(self, emu: Emulator) -> None:
        user = emu.mailbox()["id"]
        emu.set("throttling", {"requests": 3, "windowSeconds": 60})
        emu.control.delete("/_emulator/requests")
        answers = by_id(batch(emu, [{"id": str(i), "method": "GET", "url": f"/users/{user}/mailFolders/inbox",
                                     "dependsOn": [str(i - 1)] if i else []} for i in range(5)]))
        statuses = [answers[str(i)]["status"] for i in range(5)]
        assert statuses == [200, 200, 200, 429, 424]
        assert answers["3"]["body"]["error"]["code"] == "ApplicationThrottled"
        assert int(answers["3"]["headers"]["retry-after"]) > 0
        stats = emu.get("requests")
        assert (stats["perKind"], stats["throttled"]) == ({"batch": 1, "folders": 4}, 1)
