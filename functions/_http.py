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


def _shape_problem(value: Any, limit: int) -> str | None:
    """Iterative walk (no recursion to exhaust): what makes a parsed body unusable — nesting deeper than
    ``limit``, or a string holding a lone surrogate (a "\\ud800" escape), which I-JSON refuses (RFC 7493 §2.1)
    and which no UTF-8 store, log or CRM call could take later."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return "a string holds an unpaired UTF-16 surrogate (RFC 7493 §2.1)"
        elif isinstance(node, dict | list):
            if depth > limit:
                return f"the body nests deeper than {limit} levels"
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return None


def read_json(req: func.HttpRequest, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """The request body as JSON; raises BodyTooLarge or BadRequest with a readable message. Bounded: the size
    is checked first, nesting is capped, and NaN/Infinity, numbers too long to convert and lone surrogates are
    refused."""
    body = req.get_body() or b""
    if len(body) > max_bytes:
        raise BodyTooLarge(f"the body is {len(body)} bytes; this route takes at most {max_bytes}")
    try:
        value = json.loads(body or b"null", parse_float=_finite, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadRequest(f"the body nests deeper than {MAX_JSON_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if (why := _shape_problem(value, MAX_JSON_DEPTH)) is not None:
        raise BadRequest(why)
    return value
