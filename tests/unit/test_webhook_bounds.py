"""The anonymous webhook and lifecycle functions, called in-process: bounded parsing (issue 19, defect 3),
per-request caps and no Table read per made-up subscription id (defect 6), per-item tolerance (defect 7 and
issue 13 item 3) and the empty validation token (minor)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared import bootstrap
from shared.domain.notifications import MAX_NOTIFICATIONS
from shared.services.notifications import MAX_READS
from tests.property.fakes import KNOWN, STATE, Out, fake_services, function, is_problem, request

SUB, LATE = sorted(KNOWN)  # LATE: created after the webhook's snapshot was taken


class CountingSubscriptions:
    def __init__(self) -> None:
        self.reads = 0

    def all(self) -> list[Any]:
        self.reads += 1
        return [r for r in KNOWN.values() if r.id != LATE]

    def get(self, subscription_id: str) -> Any:
        self.reads += 1
        return KNOWN.get(subscription_id)


@pytest.fixture
def reads() -> Iterator[CountingSubscriptions]:
    table = CountingSubscriptions()
    deps = fake_services()  # a fresh composition root: an empty subscription snapshot
    deps.subscriptions = table  # type: ignore[assignment]
    bootstrap.override(deps)
    yield table
    bootstrap.override(None)


def change(subscription_id: str = SUB, message_id: str = "AAMkAD=", state: str = STATE) -> dict[str, Any]:
    return {"subscriptionId": subscription_id, "clientState": state, "changeType": "created",
            "resource": f"Users/u1/Messages/{message_id}", "resourceData": {"id": message_id}}


def post(route: str, body: bytes) -> tuple[Any, Out]:
    out = Out()
    name = "GraphNotifications" if route == "graph/notifications" else "GraphLifecycle"
    return function(name)(req=request(body, route), out=out), out


@pytest.mark.parametrize("route", ["graph/notifications", "graph/lifecycle"])
class TestBoundedParsing:
    @pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"value":' + b"[" * 500 + b"]" * 500 + b"}",
                                      b'{"value": [NaN]}', b'{"value": [1e999]}', b'{"value": [' + b"9" * 5000 + b"]}"])
    def test_hostile_json_is_a_400(self, reads: CountingSubscriptions, route: str, body: bytes) -> None:
        answer, out = post(route, body)
        assert is_problem(answer, 400) and out.value is None

    def test_a_body_over_the_size_cap_is_a_413(self, reads: CountingSubscriptions, route: str) -> None:
        answer, _ = post(route, json.dumps({"value": [], "pad": "x" * 2_000_000}).encode())
        assert is_problem(answer, 413)

    def test_more_notifications_than_the_cap_is_a_413_without_reads(self, reads: CountingSubscriptions,
                                                                     route: str) -> None:
        answer, _ = post(route, json.dumps({"value": [change()] * (MAX_NOTIFICATIONS + 1)}).encode())
        assert is_problem(answer, 413) and reads.reads == 0


class TestFloods:
    def test_made_up_subscription_ids_cost_a_bounded_number_of_reads(self, reads: CountingSubscriptions) -> None:
        for _ in range(4):
            flood = [change(str(uuid.uuid4())) for _ in range(MAX_NOTIFICATIONS - 1)]
            answer, out = post("graph/notifications", json.dumps({"value": flood + [change()]}).encode())
            assert answer.status_code == 202
            assert [p["message_id"] for p in out.payloads] == ["AAMkAD="]  # the real one still goes through
        assert reads.reads <= 4 * (MAX_READS + 1)

    def test_a_subscription_created_after_the_snapshot_is_found(self, reads: CountingSubscriptions) -> None:
        post("graph/notifications", json.dumps({"value": [change()]}).encode())
        answer, out = post("graph/notifications", json.dumps({"value": [change(LATE, "new-mail")]}).encode())
        assert [p["message_id"] for p in out.payloads] == ["new-mail"]

    def test_the_same_unknown_id_is_read_once(self, reads: CountingSubscriptions) -> None:
        same = json.dumps({"value": [change("not-a-subscription")] * 200}).encode()
        for _ in range(3):
            answer, out = post("graph/notifications", same)
            assert answer.status_code == 202 and out.value is None
        assert reads.reads == 2  # the snapshot, then one point read remembered as unknown


class TestPerItemTolerance:
    def test_good_notifications_beside_bad_ones_are_queued(self, reads: CountingSubscriptions) -> None:
        body = {"value": [change(message_id="good-1"), {"subscriptionId": SUB}, 7, change(state="forged"),
                          {**change(), "subscriptionId": {"x": 1}}, change(message_id="good-2")]}
        answer, out = post("graph/notifications", json.dumps(body).encode())
        assert answer.status_code == 202
        assert [p["message_id"] for p in out.payloads] == ["good-1", "good-2"]

    def test_good_lifecycle_events_beside_bad_ones_are_queued(self, reads: CountingSubscriptions) -> None:
        body = {"value": [{"subscriptionId": SUB, "clientState": STATE, "lifecycleEvent": "nonsense"},
                          {"subscriptionId": SUB, "clientState": STATE, "lifecycleEvent": "missed"}]}
        answer, out = post("graph/lifecycle", json.dumps(body).encode())
        assert answer.status_code == 202
        assert [p["event"] for p in out.payloads] == ["missed"]


@pytest.mark.parametrize("token", ["", "   "])
def test_an_empty_validation_token_is_a_400(reads: CountingSubscriptions, token: str) -> None:
    answer = function("GraphNotifications")(req=request(b"", "graph/notifications", content_type="text/plain",
                                                        params={"validationToken": token}), out=Out())
    assert is_problem(answer, 400)
