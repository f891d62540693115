"""Small request/response helpers shared by the Graph routes and the control API."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from emulators.graph.errors import bad_request
from emulators.graph.state import GraphState


def state_of(request: Request) -> GraphState:
    state: GraphState = request.app.state.graph
    return state


def app_of(request: Request) -> str:
    """The caller's bearer token: the emulator's identity for "the app"."""
    return str(request.scope.get("state", {}).get("app", ""))


def graph_base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/v1.0"


def query(request: Request) -> dict[str, str]:
    """Query options by lower-case name, so ``$deltaToken`` and ``$deltatoken`` are the same."""
    return {k.lower(): v for k, v in request.query_params.items()}


async def read_json(request: Request, default: Any = None) -> Any:
    raw = await request.body()
    if not raw.strip():
        if default is not None:
            return default
        raise bad_request("A JSON request body is required.")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise bad_request("The request body is not valid JSON.") from exc


def pick(body: dict[str, Any], *names: str, default: Any = None) -> Any:
    """The first of ``names`` present in ``body`` (control API accepts camelCase and snake_case)."""
    return next((body[n] for n in names if n in body), default)


def graph_json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    merged = {"OData-Version": "4.0", **(headers or {})}
    return JSONResponse(data, status_code=status, headers=merged,
                        media_type="application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false")
