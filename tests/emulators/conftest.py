"""Fixtures for the Graph emulator tests.

``graph_url``: the emulator started as ``python -m emulators.graph --port 0`` (a subprocess, once per
session; each test resets it). ``sink``: a local webhook receiver on another free port. ``graph_client``:
builds msgraph-sdk's ``GraphServiceClient`` against the emulator with a static bearer token.
"""

from __future__ import annotations

import importlib
import select
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from azure.core.credentials import AccessToken

from emulators.graph.serve import ServerThread
from emulators.graph.sink import WebhookSink

# msgraph-sdk and kiota emit DeprecationWarnings while importing their own modules (generated request
# builders are imported lazily, on first use). Under filterwarnings=error that breaks collection and
# calls, so: import the modules the tests name here, silently, and mark the tests with SDK_WARNINGS.
SDK_WARNINGS = [pytest.mark.filterwarnings("ignore::DeprecationWarning:msgraph"),
                pytest.mark.filterwarnings("ignore::DeprecationWarning:kiota_abstractions")]
_SDK_MODULES = (
    "kiota_abstractions.default_query_parameters",
    "msgraph.generated.users.item.messages.item.message_item_request_builder",
    "msgraph.generated.users.item.mail_folders.item.messages.delta.delta_request_builder",
    "msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder",
    "msgraph.generated.users.item.messages.item.move.move_post_request_body",
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    for _name in _SDK_MODULES:
        importlib.import_module(_name)
    from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph.graph_request_adapter import options as sdk_options
    from msgraph_core import GraphClientFactory

ROOT = Path(__file__).resolve().parents[2]


class StaticTokenCredential:
    """An ``azure.core.credentials.TokenCredential`` that always returns the same token."""

    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


def wait_until(check: Callable[[], Any], timeout: float = 5.0, interval: float = 0.02) -> Any:
    """Poll ``check`` until it returns something truthy (and return that), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {result!r})")
        time.sleep(interval)


def in_minutes(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


class Emulator:
    """Control-API helper: ``emu.control.post("/_emulator/...")`` plus shortcuts for common setup."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.graph = url + "/v1.0"
        self.control = httpx.Client(base_url=url, timeout=10)
        self.api = httpx.Client(base_url=self.graph, headers={"Authorization": "Bearer app-token"}, timeout=10)

    def mailbox(self, address: str = "alice@contoso.com", name: str = "Alice") -> dict[str, Any]:
        response = self.control.post("/_emulator/mailboxes", json={"address": address, "displayName": name})
        response.raise_for_status()
        return dict(response.json())

    def deliver(self, address: str, message: dict[str, Any] | bytes, **params: Any) -> dict[str, Any]:
        url = f"/_emulator/mailboxes/{address}/messages"
        if isinstance(message, bytes):
            response = self.control.post(url, content=message, params=params,
                                         headers={"Content-Type": "message/rfc822"})
        else:
            response = self.control.post(url, json=message, params=params)
        response.raise_for_status()
        return dict(response.json())

    def set(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.control.post(f"/_emulator/{path}", json=body)
        response.raise_for_status()
        return dict(response.json())

    def get(self, path: str) -> dict[str, Any]:
        response = self.control.get(f"/_emulator/{path}")
        response.raise_for_status()
        return dict(response.json())

    def close(self) -> None:
        self.control.close()
        self.api.close()


@pytest.fixture(scope="session")
def graph_url() -> Iterator[str]:
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "emulators.graph", "--host", "127.0.0.1", "--port", "0"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], 20)
            line = proc.stdout.readline().strip() if ready else ""
            if not line.startswith("graph-emulator listening on "):
                log.seek(0)
                raise RuntimeError(f"emulator did not start: {line!r} {log.read().decode(errors='replace')}")
            yield line.rsplit(" ", 1)[1]
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def emu(graph_url: str) -> Iterator[Emulator]:
    emulator = Emulator(graph_url)
    emulator.control.post("/_emulator/reset").raise_for_status()
    yield emulator
    emulator.close()


@pytest.fixture(scope="session")
def sink_server() -> Iterator[tuple[WebhookSink, str]]:
    sink = WebhookSink()
    with ServerThread(sink.app) as server:
        yield sink, server.url


@pytest.fixture
def sink(sink_server: tuple[WebhookSink, str]) -> WebhookSink:
    sink_server[0].clear()
    return sink_server[0]


HookUrl = Callable[[str], str]


@pytest.fixture
def hook_url(sink_server: tuple[WebhookSink, str]) -> HookUrl:
    """``hook_url("hooks/x")``: the sink's URL for endpoint ``/hooks/x``."""
    return lambda path: sink_server[1] + "/" + path.strip("/")


Connect = Callable[..., AbstractAsyncContextManager[GraphServiceClient]]


@pytest.fixture
def graph_client(emu: Emulator) -> Connect:
    """``async with graph_client() as client:``: msgraph-sdk with its default middleware (retry, redirect...),
    a static bearer token (``app-token`` unless given) and the emulator as base URL.

    The connection pool is closed explicitly on exit: msgraph-core's AsyncGraphTransport does not pass
    ``aclose`` on to the transport it wraps, and the leaked socket's ResourceWarning would later fire
    inside an unrelated ``ast.parse`` (a CPython 3.11 SystemError under filterwarnings=error)."""

    @asynccontextmanager
    async def connect(token: str = "app-token") -> AsyncIterator[GraphServiceClient]:
        auth = AzureIdentityAuthenticationProvider(StaticTokenCredential(token),
                                                   scopes=["https://graph.microsoft.com/.default"],
                                                   allowed_hosts=["127.0.0.1"])
        pool = httpx.AsyncHTTPTransport()
        http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient(transport=pool),
                                                                 options=sdk_options)
        adapter = GraphRequestAdapter(auth, client=http)
        adapter.base_url = emu.graph
        try:
            yield GraphServiceClient(request_adapter=adapter)
        finally:
            await pool.aclose()

    return connect


@pytest.fixture
def adapter(emu: Emulator) -> Iterator[Any]:
    """The product's Graph adapter (msgraph-sdk) on the emulator, with Alice's mailbox made."""
    from shared.adapters.graph import SdkGraphClient, build_sdk_client

    emu.mailbox("alice@contoso.com")
    client = SdkGraphClient(build_sdk_client(StaticTokenCredential("app-token"), emu.graph), timeout=20)
    yield client
    client.close()
