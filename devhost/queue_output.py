"""The queue output binding, written the way the Functions host writes it, on the host's event loop.

After the function returned successfully, each value set on a queue output is one Put Message, in order, with no
batching (the queue extension's ``QueueAsyncCollector``: ``AddAsync`` sends, ``FlushAsync`` is "Batching not
supported" — Azure/azure-sdk-for-net, sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/Config/
QueuesExtensionConfigProvider.cs). A missing queue is created when the send answers 404 ``QueueNotFound`` and the
send is repeated (``AddMessageAndCreateIfNotExistsAsync``, sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.
Common/src/Shared/StorageQueueExtensions.cs). Any other error propagates: the invocation fails (an HTTP caller
gets 500). Encoding and the 64 KiB limit are the queue's: bodies are encoded per ``messageEncoding`` and the
storage service (Azurite locally) refuses an oversized one.

The async client (aiohttp) keeps one connection pool for every invocation and needs no thread per send; the
earlier synchronous client from the thread pool cost ~1.1 ms of host CPU per message against ~0.6 ms here.
"""

from __future__ import annotations

import contextlib
import urllib.request
from collections.abc import Callable, Iterable

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.queue import StorageErrorCode
from azure.storage.queue._shared.policies_async import LinearRetry  # the aio twin of azure.storage.queue.LinearRetry
from azure.storage.queue.aio import QueueClient

from devhost.storage import QueueGateway, encode_message

OnSent = Callable[[str, str], None]


class QueueOutput:
    """Async queue clients per (connection string, queue), created on first use and closed with the host."""

    def __init__(self, gateway: QueueGateway, on_sent: OnSent | None = None) -> None:
        self._gateway = gateway  # app-setting lookup and messageEncoding, shared with the queue listeners
        self._on_sent = on_sent
        self._clients: dict[tuple[str, str], QueueClient] = {}
        # aiohttp with trust_env looks up proxies and .netrc in a thread on every request; only worth it when a
        # proxy is configured (never for a loopback Azurite).
        self._env_settings = bool(urllib.request.getproxies())

    def _client(self, connection: str, queue: str) -> QueueClient:
        key = (self._gateway.connection_string(connection), queue)
        if key not in self._clients:
            # Short retries, as the listener's clients: a dead Azurite must be a fast 500, not a minute of backoff.
            self._clients[key] = QueueClient.from_connection_string(
                key[0], queue, retry_policy=LinearRetry(backoff=0.5, retry_total=2, random_jitter_range=0.2),  # type: ignore[arg-type]
                use_env_settings=self._env_settings)
        return self._clients[key]

    async def send(self, connection: str, queue: str, values: Iterable[str | bytes]) -> None:
        client = self._client(connection, queue)
        for value in values:
            await _put(client, encode_message(value, self._gateway.encoding))
        if self._on_sent is not None:  # the host's IMessageEnqueuedWatcher: wake a local listener of this queue
            self._on_sent(connection, queue)

    async def close(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            with contextlib.suppress(Exception):
                await client.close()


async def _put(client: QueueClient, text: str) -> None:
    try:
        await client.send_message(text)
    except ResourceNotFoundError as exc:
        if exc.error_code != StorageErrorCode.QUEUE_NOT_FOUND:  # type: ignore[attr-defined]
            raise
        with contextlib.suppress(ResourceExistsError):  # another invocation created it meanwhile
            await client.create_queue()
        await client.send_message(text)
