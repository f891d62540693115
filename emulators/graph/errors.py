"""Graph's error shape: ``{"error": {"code", "message", "innerError": {"date", "request-id"}}}``.

Reference: https://learn.microsoft.com/graph/errors (concepts/errors.md in microsoft-graph-docs-contrib).
Handlers raise ``GraphError``; the app's exception handler renders it with the request's id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from emulators.graph.ids import new_guid


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def not_found(message: str = "The specified object was not found in the store.") -> GraphError:
    return GraphError(404, "ErrorItemNotFound", message)


def bad_request(message: str, code: str = "BadRequest") -> GraphError:
    return GraphError(400, code, message)


def error_body(code: str, message: str, request_id: str) -> dict[str, Any]:
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    inner = {"date": date, "request-id": request_id, "client-request-id": request_id}
    return {"error": {"code": code, "message": message, "innerError": inner}}


def request_id_of(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id") or new_guid())


def error_response(err: GraphError, request_id: str) -> JSONResponse:
    return JSONResponse(error_body(err.code, err.message, request_id), status_code=err.status, headers=err.headers)
