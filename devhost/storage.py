"""Storage queues for the local host: clients per (connection, queue), message encoding, poison moves.

Blocking azure-storage-queue calls for the queue listeners; the async parts of the host run them in a thread. The
queue output binding sends with the async client instead (devhost/queue_output.py). Connections are named
like the host names them: the app setting ``connection`` (or ``AzureWebJobs<connection>``) holds a
connection string. Identity-based connections (``<connection>__queueServiceUri``) are not supported here.
Retries are short (local emulator): a dead Azurite must turn into a fast error, not a minute of backoff.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import math
import os
import threading
from collections.abc import Mapping

from azure.core.exceptions import ResourceExistsError
from azure.storage.queue import LinearRetry, QueueClient, QueueMessage

POISON_SUFFIX = "-poison"


class StorageConfigError(RuntimeError):
    """The connection app setting is missing."""


def encode_message(value: str | bytes, encoding: str) -> str:
    """Queue wire text for a message body, per host.json ``messageEncoding``."""
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if encoding == "base64":
        return base64.b64encode(raw).decode("ascii")
    return raw.decode("utf-8")


def decode_message(content: str, encoding: str) -> bytes:
    """Message body bytes from queue wire text; ValueError when base64 is expected but not found."""
    if encoding == "base64":
        try:
            return base64.b64decode(content.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise ValueError("message is not valid base64") from exc
    return content.encode("utf-8")


class QueueGateway:
    """Thread-safe cache of queue clients; queues are created on first use, as the host does."""

    def __init__(self, encoding: str, environ: Mapping[str, str] = os.environ) -> None:
        self.encoding = encoding
        self._environ = environ
        self._clients: dict[tuple[str, str], QueueClient] = {}
        self._lock = threading.Lock()

    def connection_string(self, connection: str) -> str:
        for name in (connection, f"AzureWebJobs{connection}"):
            if self._environ.get(name):
                return self._environ[name]
        raise StorageConfigError(f"app setting {connection!r} (queue connection) is not set")

    def client(self, connection: str, queue: str) -> QueueClient:
        key = (self.connection_string(connection), queue)
        with self._lock:
            if key in self._clients:
                return self._clients[key]
        client = QueueClient.from_connection_string(
            key[0], queue, retry_policy=LinearRetry(backoff=0.5, retry_total=2, random_jitter_range=0.2))  # type: ignore[arg-type]
        with contextlib.suppress(ResourceExistsError):
            client.create_queue()
        with self._lock:
            return self._clients.setdefault(key, client)

    def receive(self, connection: str, queue: str, count: int, invisible_for: float) -> list[QueueMessage]:
        client = self.client(connection, queue)
        return list(client.receive_messages(messages_per_page=count, max_messages=count,
                                            visibility_timeout=max(1, math.ceil(invisible_for))))

    def delete(self, connection: str, queue: str, message_id: str, pop_receipt: str) -> None:
        self.client(connection, queue).delete_message(message_id, pop_receipt)

    def hide(self, connection: str, queue: str, message_id: str, pop_receipt: str, seconds: float) -> str:
        """Set the message's visibility timeout; returns the new pop receipt."""
        updated = self.client(connection, queue).update_message(
            message_id, pop_receipt, visibility_timeout=math.ceil(seconds))
        return str(updated.pop_receipt)

    def move_to_poison(self, connection: str, queue: str, message_id: str, content: str, pop_receipt: str) -> None:
        """Copy the message text unchanged to ``<queue>-poison``, then delete the original."""
        self.client(connection, queue + POISON_SUFFIX).send_message(content)
        self.delete(connection, queue, message_id, pop_receipt)
