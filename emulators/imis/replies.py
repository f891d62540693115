"""Error replies and body reading shared by the route modules.

iMIS runs on ASP.NET Web API: errors outside validation carry ``{"Message": ...}`` (the framework's default
shape, UNCONFIRMED for iMIS specifically); validation failures carry a ValidationResultsData body.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulators.imis.wire import validation_errors


class ApiError(Exception):
    """Raised by handlers; rendered by ``render_api_error``."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def invalid(*errors: tuple[str, str]) -> ApiError:
    return ApiError(400, validation_errors(list(errors)))


def message(status: int, text: str, headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status, {"Message": text}, headers)


def not_found(what: str) -> ApiError:
    return message(404, f"{what} was not found.")


async def render_api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body, exc.status, headers=exc.headers)


async def read_json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise message(400, f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise message(400, "The request body must be a JSON object.")
    return body


def store_of(request: Request) -> Any:
    return request.app.state.store
