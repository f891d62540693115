"""The Graph client ``build_sdk_client`` makes sends what msgraph-sdk's default middleware sends (the same method,
URL and headers, cookies included), with the per-request work that has no effect for us left out
(shared/adapters/graph_http.py, http_costs.py: header inspection into an option nobody reads, cookie extraction from
responses that set none, a failed import per request, the Graph host check repeated per request)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from kiota_http.middleware.options import RetryHandlerOption, UrlReplaceHandlerOption

from shared.adapters.credentials import StaticTokenCredential
from shared.adapters.graph import SdkGraphClient, build_sdk_client
from shared.adapters.http_costs import SetCookieCookies
from shared.ports import FetchSpec

MAILBOX = "membership@association.example"
MESSAGE = {"id": "AAMkAGI2TG93AAA=", "subject": "Renewal", "body": {"contentType": "text", "content": "Hi"},
           "from": {"emailAddress": {"address": "alice@example.org"}}, "toRecipients": [],
           "receivedDateTime": "2026-11-30T10:00:00Z", "internetMessageId": "<a@example.org>"}
COOKIES = [[("Set-Cookie", "x-ms-gateway-slice=estsfd; path=/; httponly")], [], []]


def _library_default(base_url: str) -> Any:
    """The SDK client as built before the cuts: msgraph-core's default middleware and httpx's own cookie jar."""
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph_core import GraphClientFactory

    host = httpx.URL(base_url).host
    auth = AzureIdentityAuthenticationProvider(StaticTokenCredential("token"), scopes=["https://x/.default"],
                                               allowed_hosts=[host])
    options = {RetryHandlerOption.get_key(): RetryHandlerOption(delay=1, max_retries=1),
               UrlReplaceHandlerOption.get_key(): UrlReplaceHandlerOption(enabled=False)}
    adapter = GraphRequestAdapter(auth, client=GraphClientFactory.create_with_default_middleware(options=options))
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


def _middleware(sdk: Any) -> list[Any]:
    handler, chain = sdk.request_adapter._http_client._transport.pipeline._first_middleware, []
    while handler is not None:
        chain.append(handler)
        handler = handler.next
    return chain


def _fetch(sdk: Any, seen: list[httpx.Request], calls: int = 3) -> list[Any]:
    """``calls`` message fetches through ``SdkGraphClient``, answered by a stand-in of Graph at the wire."""
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers=COOKIES[(len(seen) - 1) % len(COOKIES)], json=MESSAGE)

    sdk.request_adapter._http_client._transport.pipeline._transport = httpx.MockTransport(answer)
    client = SdkGraphClient(sdk, timeout=10)
    try:
        return [client.get_message(MAILBOX, MESSAGE["id"], FetchSpec()) for _ in range(calls)]
    finally:
        client.close()


def _wire(requests: list[httpx.Request]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    # client-request-id is a new GUID per request (msgraph-core's telemetry handler, Graph hosts only)
    return [(r.method, str(r.url), sorted((k, v) for k, v in r.headers.multi_items() if k != "client-request-id"))
            for r in requests]


@pytest.mark.parametrize("base_url", ["https://graph.microsoft.com/v1.0", "http://127.0.0.1:7071/v1.0"])
def test_the_requests_are_those_of_the_sdk_default_middleware(base_url: str) -> None:
    ours: list[httpx.Request] = []
    theirs: list[httpx.Request] = []
    fetched = _fetch(build_sdk_client(StaticTokenCredential("token"), base_url), ours)
    assert fetched == _fetch(_library_default(base_url), theirs)
    assert _wire(ours) == _wire(theirs)
    assert "x-ms-gateway-slice=estsfd" in ours[1].headers.get("cookie", "")  # the cookie went back
    if "graph.microsoft.com" in base_url:  # the SDK's telemetry headers are still sent to Graph
        assert {"sdkversion", "hostos", "runtimeenvironment", "client-request-id"} <= set(ours[0].headers.keys())
    assert [json.loads(r.content or b"{}") for r in ours] == [{}, {}, {}]


def test_no_headers_are_copied_for_inspection_unless_a_request_asks() -> None:
    sdk = build_sdk_client(StaticTokenCredential("token"), "https://graph.microsoft.com/v1.0")
    _fetch(sdk, [], calls=1)
    inspection = next(h for h in _middleware(sdk) if type(h).__name__ == "HeadersInspectionHandler")
    assert len(inspection.options.request_headers) == 0 and len(inspection.options.response_headers) == 0


def test_cookies_are_extracted_only_from_responses_that_set_some() -> None:
    sdk = build_sdk_client(StaticTokenCredential("token"), "https://graph.microsoft.com/v1.0")
    assert isinstance(sdk.request_adapter._http_client.cookies, SetCookieCookies)


def test_the_graph_host_check_parses_each_origin_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from msgraph_core.middleware import telemetry

    parsed: list[str] = []
    real = telemetry.parse_url
    monkeypatch.setattr(telemetry, "parse_url", lambda url: (parsed.append(url), real(url))[1])
    seen: list[httpx.Request] = []
    _fetch(build_sdk_client(StaticTokenCredential("token"), "https://graph.microsoft.com/v1.0"), seen, calls=3)
    assert len(seen) == 3 and len(parsed) == 1
    assert all("sdkversion" in r.headers for r in seen)  # the answer, remembered, still adds the headers
