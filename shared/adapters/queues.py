"""Storage queues: the mail-messages work queue (base64, like host.json says) and its poison queue.

Queue Storage has no batch send (Put Message adds one message:
https://learn.microsoft.com/rest/api/storageservices/put-message) and does not guarantee first-in-first-out order
(https://learn.microsoft.com/rest/api/storageservices/queue-service-rest-api), so a call with many payloads (a
backstop or renewal fan-out, a page of an import) sends them SENDERS at a time instead of one after another.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.storage.queue import BinaryBase64DecodePolicy, BinaryBase64EncodePolicy, QueueClient

from shared.adapters.tables import storage_options
from shared.config import Settings

SENDERS = 8  # concurrent Put Message requests per queue client (the SDK's clients are thread-safe)


def queue_client(settings: Settings, name: str, credential: Any = None) -> QueueClient:
    policies: dict[str, Any] = {"message_encode_policy": BinaryBase64EncodePolicy(),
                                "message_decode_policy": BinaryBase64DecodePolicy(), **storage_options()}
    if settings.storage_connection:
        return QueueClient.from_connection_string(settings.storage_connection, name, **policies)
    url = settings.queue_service_uri or f"https://{settings.storage_account_name}.queue.core.windows.net"
    return QueueClient(url, name, credential=credential, **policies)


class StorageMessageQueue:
    def __init__(self, client: QueueClient) -> None:
        self._client = client
        self._ready = False
        self._senders = ThreadPoolExecutor(SENDERS, thread_name_prefix="queue-send")  # threads start on first use

    def _ensure(self) -> None:
        if not self._ready:
            with contextlib.suppress(ResourceExistsError):
                self._client.create_queue()
            self._ready = True

    def send(self, payloads: Iterable[dict[str, Any]], visibility_timeout: int | None = None) -> None:
        """Every payload is sent before this returns, or the first failure is raised (then, as when they were
        sent one by one, the caller's retry may send some of them twice)."""
        self._ensure()
        bodies = [json.dumps(payload, separators=(",", ":")).encode() for payload in payloads]
        if len(bodies) <= 1:
            for body in bodies:
                self._client.send_message(body, visibility_timeout=visibility_timeout)
            return
        sends = [self._senders.submit(self._client.send_message, body, visibility_timeout=visibility_timeout)
                 for body in bodies]
        wait(sends)  # all of them end before the caller hears of a failure: nothing is sent behind its back
        for sent in sends:
            sent.result()

    def depth(self) -> int:
        self._ensure()
        return int(self._client.get_queue_properties().approximate_message_count or 0)

    def drain(self, limit: int = 32) -> list[dict[str, Any]]:
        """Receive and delete up to ``limit`` messages (used by poison replay)."""
        self._ensure()
        out = []
        for message in self._client.receive_messages(max_messages=min(limit, 32), visibility_timeout=60):
            out.append(_decode(message.content))
            self._client.delete_message(message)
            if len(out) >= limit:
                break
        return out


def _decode(content: Any) -> dict[str, Any]:
    """A queue message body as JSON; anything else is kept raw so nothing is silently lost."""
    try:
        value = json.loads(content)
    except ValueError:
        return {"raw": bytes(content).decode("utf-8", "replace")[:2000]}
    return value if isinstance(value, dict) else {"raw": str(value)[:2000]}
