"""The httpx work skipped per request (shared/adapters/http_costs.py) is skipped, and nothing on the wire changes:
cookies set by a server are kept and sent back exactly as by httpx's own jar; an import of the missing sniffio
fails as before, without a search of sys.path."""

from __future__ import annotations

import asyncio
import http.cookiejar
import importlib.machinery
import importlib.util
import logging
import sys
from typing import Any

import httpcore
import httpx
import pytest

from shared.adapters import http_costs
from shared.adapters.imis import http_client

# What a server answers, one response per request: cookies set, none, one replaced, one for another path.
ANSWERS: list[list[tuple[str, str]]] = [
    [("Set-Cookie", "ARRAffinity=abc; Path=/; HttpOnly"), ("Set-Cookie", "session=1; Path=/api")],
    [("Content-Type", "application/json")],
    [("Set-Cookie", "session=2; Path=/api")],
    [("Set-Cookie", "other=x; Path=/token")],
    [],
]


def _client(lean: bool, seen: list[httpx.Request]) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers=ANSWERS[(len(seen) - 1) % len(ANSWERS)], json={})

    client = httpx.Client(base_url="https://imis.example", transport=httpx.MockTransport(answer))
    if lean:
        http_costs.lean_cookies(client)
    return client


def _wire(requests: list[httpx.Request]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [(r.method, str(r.url), sorted(r.headers.multi_items())) for r in requests]


class TestCookies:
    def test_the_requests_sent_are_those_of_httpx_own_cookie_jar(self) -> None:
        plain: list[httpx.Request] = []
        lean: list[httpx.Request] = []
        for client in (_client(False, plain), _client(True, lean)):
            for path in ("/api/Party", "/api/Activity", "/api/Activity", "/token", "/api/Party", "/token"):
                client.post(path, json={"a": 1})
        assert _wire(lean) == _wire(plain)
        assert lean[2].headers["cookie"] == "session=1; ARRAffinity=abc"  # the cookies came back
        assert "session=2" in lean[4].headers["cookie"]  # and were replaced

    def test_a_response_without_set_cookie_is_not_handed_to_the_cookie_jar(self, monkeypatch: Any) -> None:
        handed: list[object] = []
        original = http.cookiejar.CookieJar.extract_cookies
        monkeypatch.setattr(http.cookiejar.CookieJar, "extract_cookies",
                            lambda jar, response, request: handed.append(response) or original(jar, response, request))
        seen: list[httpx.Request] = []
        client = _client(True, seen)
        client.get("/api/Party")  # sets cookies
        client.get("/api/Party")  # sets none
        assert len(handed) == 1

    def test_the_crm_client_extracts_cookies_only_from_responses_that_set_some(self) -> None:
        assert isinstance(http_client("https://imis.example").cookies, http_costs.SetCookieCookies)

    def test_cookies_the_client_held_are_kept(self) -> None:
        client = httpx.Client(cookies={"kept": "1"})
        http_costs.lean_cookies(client)
        assert dict(client.cookies) == {"kept": "1"}


class TestSniffio:
    def test_httpcore_finds_asyncio_without_searching_for_sniffio(self, monkeypatch: Any) -> None:
        monkeypatch.delitem(sys.modules, "sniffio", raising=False)
        assert importlib.util.find_spec("sniffio") is None, "sniffio installed: httpcore uses it, drop the marker"
        searched: list[str] = []
        original = importlib.machinery.PathFinder.find_spec
        monkeypatch.setattr(importlib.machinery.PathFinder, "find_spec",
                            classmethod(lambda cls, name, path=None, target=None:
                                        searched.append(name) or original(name, path, target)))
        http_costs.no_sniffio_search()
        searched.clear()

        async def library() -> str:
            return str(httpcore._synchronization.current_async_library())  # noqa: SLF001

        assert asyncio.run(library()) == "asyncio"
        with pytest.raises(ModuleNotFoundError):
            import sniffio  # noqa: F401
        assert searched == []

    def test_an_imported_sniffio_is_left_alone(self, monkeypatch: Any) -> None:
        stand_in = type(sys)("sniffio")
        monkeypatch.setitem(sys.modules, "sniffio", stand_in)
        http_costs.no_sniffio_search()
        assert sys.modules["sniffio"] is stand_in


class TestRequestLogs:
    def test_no_record_per_request_under_a_root_logger_at_info(self) -> None:
        """The Functions Python worker's root logger is at INFO and sends every record to the host."""
        root, levels = logging.getLogger(), {n: logging.getLogger(n).level for n in ("", *http_costs.REQUEST_LOGGERS)}
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append  # type: ignore[method-assign]
        root.addHandler(handler)
        try:
            root.setLevel(logging.INFO)
            http_costs.quiet_request_logs()
            _client(True, []).get("/api/Party")
            sdk_policy = logging.getLogger("azure.core.pipeline.policies.http_logging_policy")
            assert [r.getMessage() for r in records if r.name.startswith("httpx")] == []
            assert not sdk_policy.isEnabledFor(logging.INFO)  # HttpLoggingPolicy logs only when this holds
            assert sdk_policy.isEnabledFor(logging.WARNING) and logging.getLogger("httpx").isEnabledFor(logging.WARNING)
        finally:
            root.removeHandler(handler)
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)

    def test_the_services_are_built_with_the_request_logs_quiet(self, monkeypatch: pytest.MonkeyPatch) -> None:
        called: list[bool] = []
        monkeypatch.setattr(http_costs, "quiet_request_logs", lambda: called.append(True))
        from shared import bootstrap
        from shared.config import Settings
        from tests.unit.test_credentials import FEDERATED

        services = bootstrap.build_services(Settings.from_env(FEDERATED | {"GRAPH_AUTH_MODE": "static_token",
                                                                           "GRAPH_STATIC_TOKEN": "t"}))
        services.graph.close()  # type: ignore[attr-defined]
        assert called == [True]
