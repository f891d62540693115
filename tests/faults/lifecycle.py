"""Lifecycle and notification abuse for the fault suite: duplicated, stale (reordered) and forged events.

Graph delivers lifecycle notifications at least once, so the same ``subscriptionRemoved`` may arrive several
times, even in one POST (learn.microsoft.com/graph/change-notifications-lifecycle-events); it may also arrive
after the app already replaced the subscription. Anyone can POST to the anonymous webhook and lifecycle URLs,
so forged events (wrong clientState, made-up subscription ids) must change nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from devhost.stack import Stack


@dataclass
class Abuse:
    """What was sent, so the tests can judge what the product did with it."""

    duplicated: dict[str, Any] = field(default_factory=dict)  # the removed subscription delivered 3x + once by Graph
    stale: list[str] = field(default_factory=list)  # subscriptionRemoved for subscriptions already replaced
    forged_lifecycle: int = 0
    forged_changes: int = 0
    answers: list[int] = field(default_factory=list)  # every status the product answered to this abuse


def graph_subscription(graph: httpx.Client, subscription_id: str) -> dict[str, Any] | None:
    live = graph.get("/subscriptions").json()["value"]
    return next((s for s in live if s["id"] == subscription_id), None)


def lifecycle_body(sub_id: str, client_state: str, event: str, copies: int = 1) -> dict[str, Any]:
    item = {"subscriptionId": sub_id, "subscriptionExpirationDateTime": "2030-01-01T00:00:00.0000000Z",
            "tenantId": str(uuid.uuid4()), "clientState": client_state, "lifecycleEvent": event}
    return {"value": [dict(item) for _ in range(copies)]}


class Abuser:
    def __init__(self, stack: Stack, graph: httpx.Client) -> None:
        self.stack, self.graph, self.sent = stack, graph, Abuse()

    def _post(self, route: str, body: dict[str, Any]) -> None:
        answer = httpx.post(f"{self.stack.host_url}/api/graph/{route}", json=body, timeout=30)
        self.sent.answers.append(answer.status_code)

    def remove_three_times(self, sub_id: str) -> None:
        """Graph removes the subscription and says so once; two more copies arrive together in one POST."""
        live = graph_subscription(self.graph, sub_id)
        assert live is not None, f"subscription {sub_id} is not live"
        self.graph.post(f"/subscriptions/{sub_id}/lifecycle", json={"event": "subscriptionRemoved"}).raise_for_status()
        self._post("lifecycle", lifecycle_body(sub_id, live["clientState"], "subscriptionRemoved", copies=2))
        self.sent.duplicated = {"subscription": sub_id, "resource": live["resource"], "copies": 3}

    def stale_removal(self, old_sub_id: str, client_state: str) -> None:
        """A subscriptionRemoved for a subscription the product has already replaced, arriving late."""
        self._post("lifecycle", lifecycle_body(old_sub_id, client_state, "subscriptionRemoved"))
        self.sent.stale.append(old_sub_id)

    def forge(self, sub_ids: list[str]) -> None:
        """Events and notifications with a wrong clientState for real subscriptions, and made-up subscriptions."""
        for sub_id in [*sub_ids, str(uuid.uuid4())]:
            for event in ("subscriptionRemoved", "reauthorizationRequired", "missed"):
                self._post("lifecycle", lifecycle_body(sub_id, "forged-" + uuid.uuid4().hex, event))
                self.sent.forged_lifecycle += 1
            note = {"subscriptionId": sub_id, "clientState": "forged-" + uuid.uuid4().hex, "changeType": "created",
                    "resource": f"Users/{uuid.uuid4()}/Messages/forged-{uuid.uuid4().hex}",
                    "subscriptionExpirationDateTime": "2030-01-01T00:00:00.0000000Z", "tenantId": str(uuid.uuid4())}
            self._post("notifications", {"value": [note, note]})
            self.sent.forged_changes += 2
