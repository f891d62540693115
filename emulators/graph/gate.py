"""ASGI middleware in front of ``/v1.0``: canonical paths, request ids, auth, throttling, faults, stats.

Runs before routing, so every Graph request (including each request inside a ``$batch``) is counted
and throttled exactly once. Only requests that address a mailbox (``/users/{id}/...``) are subject to
the Outlook limits; ``/subscriptions`` and ``$batch`` itself are not.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulators.graph.errors import error_body
from emulators.graph.ids import new_guid
from emulators.graph.paths import normalize
from emulators.graph.state import GraphState

PREFIX = "/v1.0"
_USER = re.compile(r"^/users/([^/]+)")
_KINDS = (
    (re.compile(r"^/\$batch$"), "batch"),
    (re.compile(r"^/subscriptions"), "subscriptions"),
    (re.compile(r"/messages/delta$"), "delta"),
    (re.compile(r"/messages/[^/]+/\$value$"), "message_mime"),
    (re.compile(r"/attachments"), "attachments"),
    (re.compile(r"/messages/[^/]+/move$"), "message_move"),
    (re.compile(r"/messages/[^/]+$"), "message"),
    (re.compile(r"/messages$"), "message_list"),
    (re.compile(r"/mailFolders"), "folders"),
    (re.compile(r"^/users/[^/]+$"), "user"),
)


def kind_of(path: str) -> str:
    return next((kind for pattern, kind in _KINDS if pattern.search(path)), "other")


def _reject(status: int, code: str, message: str, rid: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return JSONResponse(error_body(code, message, rid), status_code=status, headers=headers)


class GraphGate:
    def __init__(self, app: ASGIApp, state: GraphState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (scope["path"] == PREFIX or scope["path"].startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        path = normalize(scope["path"][len(PREFIX):])
        rid = Headers(scope=scope).get("client-request-id") or new_guid()
        scope = dict(scope, path=PREFIX + path, raw_path=quote(PREFIX + path).encode())
        scope["state"] = {**scope.get("state", {}), "request_id": rid}
        send = self._with_ids(send, rid)
        response = await self._admit(scope, path, rid)
        if response is not None:
            await response(scope, receive, send)
            return
        await self._run(scope, receive, send, path, rid)

    @staticmethod
    def _with_ids(send: Send, rid: str) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []),
                                                 (b"request-id", rid.encode()), (b"client-request-id", rid.encode())])
            await send(message)
        return wrapped

    async def _admit(self, scope: Scope, path: str, rid: str) -> JSONResponse | None:
        auth = Headers(scope=scope).get("authorization", "")
        if not auth.lower().startswith("bearer ") or not auth[7:].strip():
            self.state.stats.per_status[401] += 1
            return _reject(401, "InvalidAuthenticationToken", "Access token is empty.", rid)
        scope["state"]["app"] = auth[7:].strip()
        return None

    def _mailbox_keys(self, path: str) -> tuple[str | None, set[str]]:
        match = _USER.match(path)
        if not match:
            return None, set()
        mailbox = self.state.store.find(match.group(1))
        if mailbox is None:
            return match.group(1).lower(), {match.group(1).lower()}
        return mailbox.address.lower(), {mailbox.address.lower(), mailbox.id}

    async def _run(self, scope: Scope, receive: Receive, send: Send, path: str, rid: str) -> None:
        st, throttler = self.state, self.state.throttler
        label, keys = self._mailbox_keys(path)
        st.stats.total += 1
        st.stats.per_kind[kind_of(path)] += 1
        key: tuple[str, ...] | None = None
        if label is not None:
            st.stats.per_mailbox[label] += 1
            key = throttler.key(scope["state"]["app"], label)
            rejection = self._throttle(key, rid)
            if rejection is not None:
                await self._send_counted(rejection, scope, receive, send)
                return
        st.stats.in_flight += 1
        st.stats.max_concurrency = max(st.stats.max_concurrency, st.stats.in_flight)
        if label is not None:
            st.stats.max_concurrency_per_mailbox[label] = max(st.stats.max_concurrency_per_mailbox[label],
                                                              throttler.in_flight(key))  # type: ignore[arg-type]
        try:
            if key is not None and throttler.limits.enabled and throttler.limits.service_ms:
                await asyncio.sleep(throttler.limits.service_ms / 1000)  # serving: the slot stays taken
            await self._faulted_or_real(scope, receive, send, path, keys, rid)
        finally:
            st.stats.in_flight -= 1
            if key is not None:
                throttler.release(key)

    def _throttle(self, key: tuple[str, ...], rid: str) -> JSONResponse | None:
        throttler = self.state.throttler
        if not throttler.acquire(key):
            self.state.stats.throttled["mailboxConcurrency"] += 1
            return _reject(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", rid,
                           throttler.limits.concurrency_retry_after_s)
        wait = throttler.over_budget(key)
        if wait is not None:
            throttler.release(key)
            self.state.stats.throttled["requestLimit"] += 1
            return _reject(429, "ApplicationThrottled", "Application is over its request limit.", rid, wait)
        return None

    async def _send_counted(self, response: JSONResponse, scope: Scope, receive: Receive, send: Send) -> None:
        self.state.stats.per_status[response.status_code] += 1
        await response(scope, receive, send)

    async def _faulted_or_real(self, scope: Scope, receive: Receive, send: Send, path: str, keys: set[str],
                               rid: str) -> None:
        rule = self.state.throttler.take_fault(keys, path, scope["method"])
        if rule is not None:
            self.state.stats.faults_applied += 1
            if rule.delay_ms:
                await asyncio.sleep(rule.delay_ms / 1000)
            if rule.status is not None:
                default_code = {429: "TooManyRequests", 503: "serviceNotAvailable"}.get(rule.status, "generalException")
                response = _reject(rule.status, rule.code or default_code, "Injected fault.", rid, rule.retry_after_s)
                await self._send_counted(response, scope, receive, send)
                return
        await self.app(scope, receive, self._status_recorder(send))

    def _status_recorder(self, send: Send) -> Send:
        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.state.stats.per_status[message["status"]] += 1
            await send(message)
        return wrapped  # type: ignore[return-value]
