"""Typed errors: a 404 from Graph says what was not found; the admin API answers the caller's mistakes with a
400 problem document."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.adapters.graph import _translate
from shared.domain.errors import (
    MessageNotFound,
    ResourceNotFound,
    SubscriptionNotFound,
)
from tests.property.fakes import function, is_problem, request, services


class GraphError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.response_status_code = status


class TestGraphNotFound:
    @pytest.mark.parametrize("kind", [MessageNotFound, SubscriptionNotFound, ResourceNotFound])
    def test_a_404_is_the_not_found_the_call_names(self, kind: type[ResourceNotFound]) -> None:
        translated = _translate(GraphError(404), kind)
        assert type(translated) is kind and "404" in str(translated)

    def test_a_subscription_404_is_not_a_missing_message(self) -> None:
        assert not isinstance(_translate(GraphError(404), SubscriptionNotFound), MessageNotFound)


def call(name: str, route: str, body: Any = None, method: str = "POST", **params: str) -> Any:
    with services():
        raw = json.dumps(body).encode() if body is not None else b""
        return function(name)(req=request(raw, route, method=method, params=params))


class TestAdminBadRequests:
    @pytest.mark.parametrize(("name", "route", "body", "method", "params"), [
        ("AdminReplay", "manage/replay", {"emails": [{"mailbox": "m@association.example"}]}, "POST", {}),
        ("AdminReplay", "manage/replay", {"emails": [{"mailbox": 7, "message_id": "x"}]}, "POST", {}),
        ("AdminDecisions", "manage/decisions", None, "GET", {"since": "yesterday"}),
        ("AdminDecisions", "manage/decisions", None, "GET", {"since": "2026-11-01T00:00:00"}),
        ("AdminDecisions", "manage/decisions", None, "GET", {"limit": "0"}),
    ])
    def test_the_callers_mistake_is_a_400_problem(self, name: str, route: str, body: Any, method: str,
                                                  params: dict[str, str]) -> None:
        assert is_problem(call(name, route, body, method, **params), 400)
