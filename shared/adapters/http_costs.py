"""Per-request work in httpx/httpcore that has no effect for us, skipped without changing what goes on the wire.

Measured by ``python -m bench.request_cost`` (py-spy, in-process A/B): the share of a request each takes is in
docs/benchmarks.md ("Sixth round").
"""

from __future__ import annotations

import importlib.util
import logging
import sys

import httpx


class SetCookieCookies(httpx.Cookies):
    """httpx's cookie jar, asked to extract cookies only from a response that sets some.

    httpx calls ``Cookies.extract_cookies`` for every response (``Client._send_single_request``); it builds urllib
    stand-ins of the request and response (copying every header) for ``http.cookiejar.CookieJar``, whose
    ``make_cookies`` reads nothing but the Set-Cookie2 and Set-Cookie headers and returns no cookie without them
    (CPython Lib/http/cookiejar.py). Skipping those responses keeps the jar, and the Cookie header of later
    requests, exactly as before: ~10 % of a CRM POST's CPU (~35 µs, in-process A/B)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers or "set-cookie2" in response.headers:
            super().extract_cookies(response)


def lean_cookies(client: httpx.Client | httpx.AsyncClient) -> None:
    """Give ``client`` a ``SetCookieCookies`` holding the cookies it has. The ``cookies`` setter would wrap it in a
    plain ``Cookies`` again, so the attribute behind it is set (httpx 0.28: ``BaseClient._cookies``; the test
    tests/unit/test_http_costs.py fails if httpx stops using it)."""
    client._cookies = SetCookieCookies(client.cookies)  # noqa: SLF001


def no_sniffio_search() -> None:
    """httpcore's async primitives call ``current_async_library()``, which runs ``import sniffio`` each time; with
    sniffio not installed (it is in none of our requirements) every call searches sys.path for it again and fails:
    3-4 failed imports per Graph request. A ``None`` entry in ``sys.modules`` makes that import fail at once with
    the same ModuleNotFoundError (https://docs.python.org/3/reference/import.html#the-module-cache), and httpcore
    takes the same branch ("asyncio"). Nothing is marked when sniffio is installed."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


# One INFO record per request: httpx's "HTTP Request: …" line (httpx/_client.py, every Graph and CRM request) and
# azure-core's HttpLoggingPolicy (URL, method and every header of each storage request and response).
REQUEST_LOGGERS = ("httpx", "azure.core.pipeline.policies.http_logging_policy")


def quiet_request_logs() -> None:
    """The Functions Python worker sets the root logger to INFO and sends every record to the host over gRPC
    (Azure/azure-functions-python-worker, azure_functions_worker/dispatcher.py ``dispatch_forever``), so in Azure each
    request was formatted, sent and stored as an Application Insights trace: ~10 % of a Table request's CPU with
    such a handler (bench/request_cost.py --worker-logging). Warnings and errors still pass."""
    for name in REQUEST_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
