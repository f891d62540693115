"""A function key sent as ?code= (the host's documented alternative to x-functions-key) never appears in the
local host's log in plain text (issue 19, minor)."""

from __future__ import annotations

import secrets

import httpx
import pytest

from devhost.redact import redact
from devhost.stack import Stack

pytestmark = pytest.mark.integration


def host_log(stack: Stack) -> str:
    return (stack.workdir / "logs" / "host.log").read_text(encoding="utf-8", errors="replace")


def test_a_key_in_the_query_string_is_redacted_from_the_access_log(sample_stack: Stack) -> None:
    wrong = secrets.token_urlsafe(18)  # refused keys must not leak either
    for key in (sample_stack.function_key, wrong):
        httpx.get(f"{sample_stack.host_url}/api/items/7?code={key}&color=blue", timeout=10)
    marker = secrets.token_hex(8)
    httpx.get(f"{sample_stack.host_url}/api/health?marker={marker}", timeout=10)

    def logged() -> bool:
        return marker in host_log(sample_stack)

    for _ in range(40):
        if logged():
            break
        httpx.get(f"{sample_stack.host_url}/api/health", timeout=10)
    text = host_log(sample_stack)
    assert marker in text and "code=[redacted]" in text  # the requests were logged...
    assert sample_stack.function_key not in text and wrong not in text  # ...without the keys


@pytest.mark.parametrize(("line", "expected"), [
    ('"GET /api/x?code=abc123== HTTP/1.1" 200', '"GET /api/x?code=[redacted] HTTP/1.1" 200'),
    ("/api/x?a=1&CODE=k&b=2", "/api/x?a=1&CODE=[redacted]&b=2"),
    ("/admin/host/keys?clientId=default", "/admin/host/keys?clientId=[redacted]"),
    ("/api/x?decode=keep", "/api/x?decode=keep"),
])
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected
