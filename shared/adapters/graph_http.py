"""The HTTP client under msgraph-sdk's request adapter: msgraph-core's default middleware (redirects, retries with
Retry-After, parameter-name decoding, user agent, header and body inspection, the SDK's telemetry headers) on
httpx, with the per-request work that has no effect for us left out and nothing sent differently
(tests/unit/test_graph_client_wire.py compares the requests with the library's defaults; figures in
docs/benchmarks.md "Sixth round")."""

from __future__ import annotations

from typing import Any

import httpx
from kiota_http.kiota_client_factory import KiotaClientFactory
from kiota_http.middleware.options import HeadersInspectionHandlerOption, RetryHandlerOption, UrlReplaceHandlerOption
from msgraph_core import GraphClientFactory
from msgraph_core.middleware.telemetry import GraphTelemetryHandler

from shared.adapters.http_costs import lean_cookies, no_sniffio_search


class OriginTelemetryHandler(GraphTelemetryHandler):
    """msgraph-core's telemetry handler, its answer to "is this a Graph host?" remembered per origin: the library
    builds the set of national-cloud origins and parses the whole URL (urllib3) for every request, and its
    answer depends only on the URL's scheme and host:port (msgraph_core/middleware/telemetry.py is_graph_url)."""

    def __init__(self) -> None:
        super().__init__()
        self._origins: dict[tuple[str, bytes], bool] = {}

    def is_graph_url(self, url: Any) -> bool:
        if not isinstance(url, httpx.URL):
            return bool(super().is_graph_url(url))
        origin = (url.scheme, url.netloc)
        known = self._origins.get(origin)
        if known is None:
            known = bool(super().is_graph_url(url))
            if len(self._origins) < 16:  # the client talks to one base URL; a few more are cheap, not unbounded
                self._origins[origin] = known
        return known


def graph_http_client() -> httpx.AsyncClient:
    options: dict[str, Any] = {
        RetryHandlerOption.get_key(): RetryHandlerOption(delay=1, max_retries=1),
        UrlReplaceHandlerOption.get_key(): UrlReplaceHandlerOption(enabled=False),
        # By default kiota's HeadersInspectionHandler copies every request's and response's headers into its shared
        # option object for a caller to read; nothing here reads them (a request may still ask with its own option).
        HeadersInspectionHandlerOption.get_key(): HeadersInspectionHandlerOption(
            inspect_request_headers=False, inspect_response_headers=False),
    }
    no_sniffio_search()
    # what GraphClientFactory.create_with_default_middleware builds, its telemetry handler (no option given) ours
    middleware = [*KiotaClientFactory.get_default_middleware(options), OriginTelemetryHandler()]
    http = GraphClientFactory.create_with_custom_middleware(middleware)
    lean_cookies(http)
    return http
