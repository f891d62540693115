"""Tiny HTTP helpers for the triggers: JSON answers and RFC 7807 problem details. No domain logic."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body, default=str), status_code=status, mimetype="application/json",
                             headers=headers)


def problem(status: int, title: str, detail: str = "", **extra: Any) -> func.HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return func.HttpResponse(json.dumps(body, default=str), status_code=status,
                             mimetype="application/problem+json")


def read_json(req: func.HttpRequest) -> Any:
    """The request body as JSON; raises ValueError with a readable message."""
    try:
        return json.loads(req.get_body() or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the body is not valid JSON: {exc}") from None
