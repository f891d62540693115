"""Queue triggers through the local host against Azurite, with the test host.json
(maxDequeueCount 3, visibilityTimeout 1 s, messageEncoding base64)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.queue import QueueClient

from devhost.stack import Stack
from devhost.storage import decode_message, encode_message
from tests.devhost.support import Records, wait_for

pytestmark = pytest.mark.integration
QueueFactory = Callable[[str], QueueClient]


def queued(client: QueueClient) -> list[str]:
    """Raw text of the visible messages; the host creates a poison queue only when it needs one."""
    try:
        return [m.content for m in client.peek_messages(max_messages=32)]
    except ResourceNotFoundError:
        return []


def queued_bodies(client: QueueClient) -> list[str]:
    return [decode_message(text, "base64").decode() for text in queued(client)]


@pytest.fixture(scope="module")
def failing(sample_stack: Stack) -> dict[str, str]:
    """Two failing messages sent together, so their retries run side by side (the tests only wait)."""
    unique = uuid.uuid4().hex[:12]
    bodies = {"retried": f"fail-2:{unique}", "poisoned": f"poison:{unique}"}
    with QueueClient.from_connection_string(sample_stack.connection_string, "devhost-in") as inbox:
        for body in bodies.values():
            inbox.send_message(encode_message(body, "base64"))
    return bodies


class TestDelivery:
    def test_message_is_passed_with_its_metadata_and_deleted_after_success(
            self, sample_stack: object, sample_records: Records, queue: QueueFactory, unique: str) -> None:
        inbox = queue("devhost-in")
        sent = inbox.send_message(encode_message(f"ok:{unique}", "base64"))
        (seen,) = sample_records.wait(body=f"ok:{unique}")
        assert (seen["ok"], seen["dequeue_count"], seen["id"]) == (True, 1, sent.id)
        wait_for(lambda: inbox.get_queue_properties().approximate_message_count == 0, 10, "the queue to drain")

    def test_failed_message_is_retried_after_the_visibility_timeout(
            self, failing: dict[str, str], sample_records: Records) -> None:
        attempts = sample_records.wait(count=3, body=failing["retried"])
        assert [(a["dequeue_count"], a["ok"]) for a in attempts] == [(1, False), (2, False), (3, True)]
        gaps = [later["at"] - earlier["at"] for earlier, later in zip(attempts, attempts[1:], strict=False)]
        assert min(gaps) >= 0.9  # visibilityTimeout 00:00:01

    def test_message_moves_to_poison_after_max_dequeue_count(
            self, failing: dict[str, str], sample_records: Records, queue: QueueFactory) -> None:
        body = failing["poisoned"]
        wait_for(lambda: body in queued_bodies(queue("devhost-in-poison")), 15, "the poison queue")
        attempts = sample_records.where(body=body)
        assert [a["dequeue_count"] for a in attempts] == [1, 2, 3]
        assert body not in queued_bodies(queue("devhost-in"))

    def test_undecodable_message_goes_to_poison_without_running(
            self, sample_stack: object, sample_records: Records, queue: QueueFactory, unique: str) -> None:
        raw = f"not base64 {unique}!"
        queue("devhost-in").send_message(raw)
        wait_for(lambda: raw in queued(queue("devhost-in-poison")), 10, "the poison queue")
        assert not [r for r in sample_records.all() if unique in str(r.get("body"))]
