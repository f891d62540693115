"""The ASGI app: Graph v1.0 under ``/v1.0`` (behind ``GraphGate``) and the control API under ``/_emulator``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from emulators.graph.batch import batch_routes
from emulators.graph.control_mail import control_mail_routes
from emulators.graph.control_ops import control_ops_routes
from emulators.graph.errors import GraphError, error_response, request_id_of
from emulators.graph.gate import GraphGate
from emulators.graph.routes_delta import delta_routes
from emulators.graph.routes_folders import folder_routes
from emulators.graph.routes_mail import mail_routes
from emulators.graph.routes_subscriptions import subscription_routes
from emulators.graph.state import GraphState


async def _graph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GraphError)
    return error_response(exc, request_id_of(request))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        segment = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        err = GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")
    elif exc.status_code == 405:
        err = GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
    else:
        err = GraphError(exc.status_code, "BadRequest", str(exc.detail))
    return error_response(err, request_id_of(request))


async def _crash(request: Request, exc: Exception) -> Response:
    return error_response(GraphError(500, "generalException", f"Emulator error: {type(exc).__name__}"),
                          request_id_of(request))


def create_app(state: GraphState | None = None) -> Starlette:
    graph_state = state or GraphState()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await graph_state.notifier.aclose()

    routes = [*delta_routes(), *folder_routes(), *mail_routes(), *subscription_routes(), *batch_routes(),
              *control_mail_routes(), *control_ops_routes()]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(GraphGate, state=graph_state)],
        exception_handlers={GraphError: _graph_error, HTTPException: _http_error, Exception: _crash},
        lifespan=lifespan,
    )
    app.state.graph = graph_state
    return app
