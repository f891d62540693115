"""Tiny HTTP helpers for the triggers: JSON answers, RFC 7807 problem details and bounded JSON reading."""

from __future__ import annotations

import json
import math
from typing import Any

import azure.functions as func

from shared.domain.errors import BadRequest

MAX_JSON_BYTES = 1024 * 1024  # an options document with 5,000 blocked domains is ~100 KB
# The Functions host refuses larger requests itself: "The HTTP request length is limited to 100 MB (104,857,600
# bytes)" (learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#limits).
HOST_MAX_BYTES = 104_857_600
MAX_JSON_DEPTH = 32  # the deepest legitimate body (options → activity_types → fields) nests 5 levels


class BodyTooLarge(BadRequest):
    """The request body is over the route's size limit (HTTP 413)."""


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body, default=str), status_code=status, mimetype="application/json",
                             headers=headers)


def problem(status: int, title: str, detail: str = "", **extra: Any) -> func.HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return func.HttpResponse(json.dumps(body, default=str), status_code=status,
                             mimetype="application/problem+json")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]}… is out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN or Infinity)")


def _depth_within(value: Any, limit: int) -> bool:
    """Iterative walk (no recursion to exhaust): whether nothing nests deeper than ``limit``."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return True


def read_json(req: func.HttpRequest, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """The request body as JSON; raises BodyTooLarge or BadRequest with a readable message. Bounded: the size
    is checked first, nesting is capped, and NaN/Infinity or numbers too long to convert are refused."""
    body = req.get_body() or b""
    if len(body) > max_bytes:
        raise BodyTooLarge(f"the body is {len(body)} bytes; this route takes at most {max_bytes}")
    try:
        value = json.loads(body or b"null", parse_float=_finite, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadRequest(f"the body nests deeper than {MAX_JSON_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not _depth_within(value, MAX_JSON_DEPTH):
        raise BadRequest(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    return value
