"""Microsoft Graph through msgraph-sdk, behind the ``GraphClient`` port.

The SDK is async; the service is sync. One event loop runs in a background thread per process and every
call is submitted to it, so connections are reused. Throttling discipline lives here: at most 4 requests
in flight per mailbox (Graph's documented Outlook limit), a per-mailbox pace under 10,000 requests per
10 minutes, one short in-client retry, then ``GraphUnavailable(retry_after=…)`` so the queue redelivers.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from shared.adapters import graph_folders
from shared.adapters.graph_calls import GraphCalls
from shared.adapters.graph_message import fetched_from_graph
from shared.adapters.pacing import MailboxPacer
from shared.adapters.shared_limits import SharedLimits
from shared.domain.errors import (
    GraphUnavailable,
    MessageNotFound,
    PermanentError,
    ResourceNotFound,
    SubscriptionNotFound,
    SyncStateExpired,
)
from shared.domain.model import FetchedMessage, MailFolderInfo
from shared.ports import DeltaPage, FetchSpec, GraphSubscription

T = TypeVar("T")
TRANSIENT_STATUSES = {408, 429, 500, 502, 503, 504}


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="graph-loop", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


def build_sdk_client(credential: Any, base_url: str) -> Any:
    """A GraphServiceClient aimed at ``base_url`` (real Graph, a national cloud or the local emulator)."""
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )
    from msgraph import GraphRequestAdapter, GraphServiceClient

    from shared.adapters.graph_http import graph_http_client

    host = urlsplit(base_url).hostname or "graph.microsoft.com"
    scheme_host = f"{urlsplit(base_url).scheme}://{urlsplit(base_url).netloc}"
    scopes = [("https://graph.microsoft.com" if host.endswith("graph.microsoft.com") else scheme_host) + "/.default"]
    auth = AzureIdentityAuthenticationProvider(credential, scopes=scopes, allowed_hosts=[host])
    http = graph_http_client()  # msgraph-core's default middleware (graph_http)
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = base_url.rstrip("/")
    return GraphServiceClient(request_adapter=adapter)


class SdkGraphClient:
    def __init__(self, sdk_client: Any, timeout: float = 60.0, pacer: MailboxPacer | None = None,
                 limits: SharedLimits | None = None) -> None:
        self._calls = GraphCalls(sdk_client)
        self._loop = _LoopThread()
        self._timeout = timeout
        self._pacer = pacer or MailboxPacer()
        self._limits = limits  # every instance's share of each mailbox's limits (None: this process alone)

    def _run(self, mailbox: str, make: Any, not_found: type[ResourceNotFound] = ResourceNotFound) -> Any:
        """``not_found`` names what a 404 means for this call, so callers catch exactly their case."""
        if self._limits is None or mailbox == "subscriptions":  # /subscriptions addresses no mailbox
            return self._run_paced(mailbox, make, not_found)
        with self._limits.request(mailbox.lower()):
            return self._run_paced(mailbox, make, not_found)

    def _run_paced(self, mailbox: str, make: Any, not_found: type[ResourceNotFound]) -> Any:
        async def paced() -> Any:
            async with self._pacer.slot(mailbox):
                return await make()

        try:
            return self._loop.run(paced(), self._timeout)
        except TimeoutError as exc:
            raise GraphUnavailable("Graph did not answer in time") from exc
        except Exception as exc:
            raise _translate(exc, not_found) from exc

    def close(self) -> None:
        """Close the connection pool (msgraph-core's AsyncGraphTransport does not pass ``aclose`` on to the
        transport it wraps, so both are closed here)."""
        http = getattr(self._calls.client.request_adapter, "_http_client", None)
        if http is not None:
            inner = getattr(http._transport, "transport", None)
            self._loop.run(_aclose(http, inner), self._timeout)
        self._loop.stop()

    def get_message(self, mailbox: str, message_id: str, spec: FetchSpec) -> FetchedMessage:
        data = self._run(mailbox, lambda: self._calls.get_message(mailbox, message_id, spec), MessageNotFound)
        return fetched_from_graph(data, spec.folder)

    def get_mime(self, mailbox: str, message_id: str) -> bytes:
        return self._run(mailbox, lambda: self._calls.get_mime(mailbox, message_id), MessageNotFound)

    def get_attachments(self, mailbox: str, message_id: str) -> list[dict[str, Any]]:
        return self._run(mailbox, lambda: self._calls.get_attachments(mailbox, message_id), MessageNotFound)

    def set_categories(self, mailbox: str, message_id: str, categories: tuple[str, ...]) -> None:
        self._run(mailbox, lambda: self._calls.set_categories(mailbox, message_id, categories), MessageNotFound)

    def check_mailbox(self, mailbox: str) -> str:
        return self._run(mailbox, lambda: self._calls.check_mailbox(mailbox))

    def create_subscription(self, resource: str, notification_url: str, lifecycle_url: str, client_state: str,
                            expires_at: datetime) -> GraphSubscription:
        return self._run("subscriptions", lambda: self._calls.create_subscription(
            resource, notification_url, lifecycle_url, client_state, expires_at))

    def renew_subscription(self, subscription_id: str, expires_at: datetime) -> GraphSubscription:
        return self._run("subscriptions",
                         lambda: self._calls.renew_subscription(subscription_id, expires_at), SubscriptionNotFound)

    def list_subscriptions(self) -> list[GraphSubscription]:
        return list(self._run("subscriptions", self._calls.list_subscriptions))

    def reauthorize_subscription(self, subscription_id: str) -> None:
        self._run("subscriptions", lambda: self._calls.reauthorize_subscription(subscription_id), SubscriptionNotFound)

    def delete_subscription(self, subscription_id: str) -> None:
        self._run("subscriptions", lambda: self._calls.delete_subscription(subscription_id), SubscriptionNotFound)

    def delta_page(self, mailbox: str, folder: str, link: str | None, page_size: int) -> DeltaPage:
        return self._run(mailbox, lambda: self._calls.delta_page(mailbox, folder, link, page_size))

    def count_messages_since(self, mailbox: str, folder: str, since: datetime) -> int:
        return self._run(mailbox, lambda: self._calls.count_since(mailbox, folder, since))

    def list_messages_since(self, mailbox: str, folder: str, since: datetime, link: str | None,
                            page_size: int) -> tuple[tuple[str, ...], str | None]:
        return self._run(mailbox,
                         lambda: self._calls.list_since(mailbox, folder, since, link, page_size))

    def list_folders(self, mailbox: str, parent: str | None) -> list[MailFolderInfo]:
        return list(self._run(mailbox, lambda: graph_folders.list_folders(self._calls.client, mailbox, parent)))

    def folder_id(self, mailbox: str, well_known: str) -> str:
        return str(self._run(mailbox, lambda: graph_folders.folder_id(self._calls.client, mailbox, well_known)))


async def _aclose(http: Any, inner: Any) -> None:
    await http.aclose()
    if inner is not None:
        await inner.aclose()


def _translate(exc: Exception, not_found: type[ResourceNotFound] = ResourceNotFound) -> Exception:
    status = getattr(exc, "response_status_code", None)
    headers = {k.lower(): v for k, v in (getattr(exc, "response_headers", None) or {}).items()}
    code = _error_code(exc)
    if status == 404:
        return not_found(f"Graph answered 404 {code}".strip())
    if status in TRANSIENT_STATUSES or status is None and _is_network(exc):
        retry_after = headers.get("retry-after")
        seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
        return GraphUnavailable(f"Graph answered {status or 'no response'} {code}".strip(), retry_after=seconds)
    if status == 410:
        return SyncStateExpired(f"Graph answered 410 {code}".strip())
    if status is not None:
        return PermanentError(f"Graph answered {status} {code}".strip())
    return exc


def _error_code(exc: Exception) -> str:
    error = getattr(exc, "error", None)
    return str(getattr(error, "code", "") or "")


def _is_network(exc: Exception) -> bool:
    import httpx

    return isinstance(exc, httpx.TransportError)
