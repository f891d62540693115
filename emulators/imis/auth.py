"""``POST /token`` (OAuth 2.0 password grant at the site root) and the bearer check on ``/api/*``.

Confirmed [IMIS-TOKEN][TGT-AUTH]: form fields grant_type=password, username, password; the answer carries
access_token and expires_in; bad credentials → 400 ``{"error": "invalid_grant", "error_description": ...}``.
The other answer fields (token_type, userName, .issued, .expires) follow the ASP.NET OWIN server iMIS runs
on: UNCONFIRMED. Form field names are matched case-insensitively (public code posts Username/Password/Grant_type).
"""

from __future__ import annotations

import secrets
import time
from email.utils import formatdate
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from emulators.imis.store import TOKEN, Store

DENIED = {"Message": "Authorization has been denied for this request."}  # ASP.NET Web API default text


def _grant_error(code: str, description: str) -> Response:
    return JSONResponse({"error": code, "error_description": description}, 400)


async def token(request: Request) -> Response:
    store: Store = request.app.state.store
    form = {k.lower(): v for k, v in parse_qsl((await request.body()).decode("utf-8", "replace"))}
    if form.get("grant_type") != "password":
        return _grant_error("unsupported_grant_type", "Only grant_type=password is supported.")
    seed = store.seed
    if form.get("username", "").lower() != seed.username.lower() or form.get("password") != seed.password:
        return _grant_error("invalid_grant", "The user name or password is incorrect.")
    ttl = int(request.app.state.token_ttl)
    issued = time.time()
    access = secrets.token_urlsafe(48)
    store.add(TOKEN, access, {"username": seed.username, "expires_at": issued + ttl})
    return JSONResponse({
        "access_token": access, "token_type": "bearer", "expires_in": ttl, "userName": seed.username,
        ".issued": formatdate(issued, usegmt=True), ".expires": formatdate(issued + ttl, usegmt=True),
    }, headers={"Cache-Control": "no-cache"})


def valid_token(store: Store, header: str) -> bool:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return False
    found = store.get(TOKEN, value.strip())
    return bool(found and found["expires_at"] > time.time())


class BearerAuth:
    """401 for ``/api/*`` without a live bearer token; other paths pass through."""

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].lower().startswith("/api/"):
            headers = dict(scope["headers"])
            if not valid_token(self.store, headers.get(b"authorization", b"").decode("latin-1")):
                response = JSONResponse(DENIED, 401, headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
