"""Composition: ``create_app(db_path, seed=None)`` builds the Starlette app over one SQLite file.

iMIS runs on IIS, where URL paths are case-insensitive: the docs write ``/api/party/101`` and public code
``/api/Party`` and ``/Token``. ``CanonicalPaths`` maps each known segment to our spelling before routing,
and drops a trailing slash (``/api/GroupMember/?GroupId=…`` appears in the wild).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from emulators.imis import activities, attachments, control, interactions, metadata, parties
from emulators.imis.auth import BearerAuth, token
from emulators.imis.replies import ApiError, render_api_error
from emulators.imis.schema import Schema
from emulators.imis.seed import Seed
from emulators.imis.store import Store
from emulators.imis.traffic import Traffic, TrafficState

ROUTES = [Route("/token", token, methods=["POST"]), *parties.ROUTES, *activities.ROUTES, *interactions.ROUTES,
          *attachments.ROUTES, *control.ROUTES, *metadata.ROUTES]


def _segments() -> dict[str, str]:
    names: dict[str, str] = {}
    for route in ROUTES:
        assert isinstance(route, Route)
        for part in route.path.strip("/").split("/"):
            if not part.startswith("{"):
                names[part.lower()] = part
    return names


class CanonicalPaths:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.names = _segments()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            parts = scope["path"].rstrip("/").split("/") if scope["path"] != "/" else [""]
            path = "/".join(self.names.get(p.lower(), p) for p in parts) or "/"
            scope = dict(scope, path=path, raw_path=path.encode())
        await self.app(scope, receive, send)


def create_app(db_path: str | Path, seed: str | Path | dict[str, Any] | None = None, *,
               token_ttl: int | None = None) -> Starlette:
    """``seed`` (a path or the parsed crm.json) fills an empty database; an existing one keeps its data."""
    loaded = Seed.from_dict(seed) if isinstance(seed, dict) else Seed.load(seed) if seed else None
    store = Store(db_path, loaded)
    traffic = TrafficState()
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(CanonicalPaths), Middleware(Traffic, state=traffic),
                    Middleware(BearerAuth, store=store)],
        exception_handlers={ApiError: render_api_error},
    )
    app.state.store = store
    app.state.schema = Schema()
    app.state.traffic = traffic
    app.state.default_token_ttl = token_ttl or store.seed.token_ttl
    app.state.token_ttl = app.state.default_token_ttl
    return app
