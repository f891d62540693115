"""Storage queues: the mail-messages work queue (base64, like host.json says) and its poison queue."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.storage.queue import BinaryBase64DecodePolicy, BinaryBase64EncodePolicy, QueueClient

from shared.config import Settings


def queue_client(settings: Settings, name: str, credential: Any = None) -> QueueClient:
    policies: dict[str, Any] = {"message_encode_policy": BinaryBase64EncodePolicy(),
                "message_decode_policy": BinaryBase64DecodePolicy()}
    if settings.storage_connection:
        return QueueClient.from_connection_string(settings.storage_connection, name, **policies)
    url = settings.queue_service_uri or f"https://{settings.storage_account_name}.queue.core.windows.net"
    return QueueClient(url, name, credential=credential, **policies)


class StorageMessageQueue:
    def __init__(self, client: QueueClient) -> None:
        self._client = client
        self._ready = False

    def _ensure(self) -> None:
        if not self._ready:
            with contextlib.suppress(ResourceExistsError):
                self._client.create_queue()
            self._ready = True

    def send(self, payloads: Iterable[dict[str, Any]], visibility_timeout: int | None = None) -> None:
        self._ensure()
        for payload in payloads:
            self._client.send_message(json.dumps(payload, separators=(",", ":")).encode(),
                                      visibility_timeout=visibility_timeout)

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
