"""Long invocations, graceful stop and crash recovery of the local host (queue lease 2 s in these tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from azure.storage.queue import QueueClient

from devhost.stack import Stack
from devhost.storage import encode_message
from tests.devhost.support import Records, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def restarted_after(sample_stack: Stack) -> Iterator[Stack]:
    """The shared host, started again after the test (which stops or kills it)."""
    yield sample_stack
    if not sample_stack.running("host"):
        sample_stack.start_host()


def send_slow(queue: Callable[[str], QueueClient], records: Records, unique: str) -> tuple[str, QueueClient]:
    inbox = queue("devhost-in")
    body = f"slow:{unique}"
    inbox.send_message(encode_message(body, "base64"))
    records.wait(body=body, phase="started")
    return body, inbox


class TestStopping:
    def test_sigterm_lets_the_running_invocation_finish_and_exits_0(
            self, restarted_after: Stack, sample_records: Records, queue: Callable[[str], QueueClient],
            unique: str) -> None:
        body, inbox = send_slow(queue, sample_records, unique)
        assert restarted_after.kill_host(hard=False) == 0
        (done,) = sample_records.where(body=body, ok=True)
        assert done["dequeue_count"] == 1  # ran 2.5 s under a 2 s lease: renewed, never redelivered
        assert inbox.get_queue_properties().approximate_message_count == 0

    def test_a_crashed_hosts_message_is_redelivered_after_its_lease(
            self, restarted_after: Stack, sample_records: Records, queue: Callable[[str], QueueClient],
            unique: str) -> None:
        body, inbox = send_slow(queue, sample_records, unique)
        restarted_after.kill_host(hard=True)
        restarted_after.start_host()
        (redelivered,) = sample_records.wait(body=body, ok=True)
        assert redelivered["dequeue_count"] == 2
        wait_for(lambda: inbox.get_queue_properties().approximate_message_count == 0, 10, "the queue to drain")
