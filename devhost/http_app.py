"""The ASGI side of the local host: HTTP triggers under ``/<routePrefix>/`` and a Core Tools-like admin API.

``GET /admin/functions`` lists the registered functions; ``POST /admin/functions/{name}`` with
``{"input": "..."}`` runs a non-HTTP function once in the background and answers 202. Both need the master
key when one is configured. Responses produced for a function carry ``x-devhost-function: <name>`` so tests
can tell "the function answered 404" from "no function has this route".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import azure.functions as func
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devhost.invoker import Invoker
from devhost.keys import ADMIN, Keys
from devhost.registry import HTTP, FunctionSpec
from devhost.routes import RouteTable

logger = logging.getLogger("devhost.http")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
RunOnce = Callable[[FunctionSpec, str], None]


def _headers(request: Request) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in request.headers.items():
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return joined


def to_starlette(result: Any, name: str) -> Response:
    """Turn what an HTTP function returned into a response (HttpResponse, str, or None -> 204)."""
    if result is None:
        return Response(status_code=204, headers={"x-devhost-function": name})
    if isinstance(result, str):
        result = func.HttpResponse(result)
    if not isinstance(result, func.HttpResponse):
        raise TypeError(f"HTTP function returned {type(result).__name__}, expected HttpResponse")
    response = Response(content=result.get_body(), status_code=result.status_code)
    raw = [(k, v) for k, v in response.raw_headers if k == b"content-length"]
    headers = result.headers
    if "content-type" not in headers:
        charset = f"; charset={result.charset}" if result.mimetype.startswith("text/") else ""
        raw.append((b"content-type", f"{result.mimetype}{charset}".encode("latin-1")))
    for key, value in headers.items():
        if key.lower() != "content-length":
            raw.append((key.lower().encode("latin-1"), str(value).encode("latin-1")))
    raw.append((b"x-devhost-function", name.encode("latin-1")))
    response.raw_headers = raw
    return response


def _listing(spec: FunctionSpec) -> dict[str, Any]:
    return {"name": spec.name, "trigger": spec.trigger_type, "settings": spec.settings, "bindings": spec.bindings,
            "unsupported": list(spec.unsupported)}


def build_app(specs: list[FunctionSpec], invoker: Invoker, keys: Keys, route_prefix: str,
              run_once: RunOnce, disabled: frozenset[str] | set[str] = frozenset()) -> Starlette:
    table: RouteTable[FunctionSpec] = RouteTable()
    for spec in specs:
        if spec.trigger_type == HTTP:
            table.add(spec.settings["route"], spec.settings["methods"], spec)
    by_name = {spec.name.lower(): spec for spec in specs}

    async def http_trigger(request: Request) -> Response:
        found = table.match(request.path_params.get("path", ""), request.method)
        if found is None:
            return JSONResponse({"error": "no function matches this route and method"}, status_code=404)
        spec, route_params = found
        if spec.name in disabled and not keys.allows(ADMIN, request.headers, request.query_params):
            return JSONResponse({"error": "no function matches this route and method"}, status_code=404)
        if not keys.allows(spec.settings["auth_level"], request.headers, request.query_params):
            return Response(status_code=401, headers={"x-devhost-function": spec.name})
        req = func.HttpRequest(request.method, str(request.url), headers=_headers(request),
                               params=dict(request.query_params), route_params=route_params,
                               body=await request.body())
        outcome = await invoker.invoke(spec, req, reason="This function was programmatically called via HTTP")
        if outcome.ok:
            try:
                return to_starlette(outcome.value, spec.name)
            except TypeError:
                logger.exception("Function 'Functions.%s' returned an unusable value", spec.name)
        return Response(status_code=500, headers={"x-devhost-function": spec.name})

    def admin_denied(request: Request) -> Response | None:
        if keys.allows(ADMIN, request.headers, request.query_params):
            return None
        return JSONResponse({"error": "master key required"}, status_code=401)

    async def list_functions(request: Request) -> Response:
        return admin_denied(request) or JSONResponse([_listing(s) for s in specs])

    async def run_function(request: Request) -> Response:
        if (denied := admin_denied(request)) is not None:
            return denied
        spec = by_name.get(request.path_params["name"].lower())
        if spec is None:
            return JSONResponse({"error": "no such function"}, status_code=404)
        if spec.trigger_type == HTTP:
            return JSONResponse({"error": "call HTTP functions through their route"}, status_code=400)
        try:
            payload = json.loads(await request.body() or b"{}")
            text = payload.get("input", "") if isinstance(payload, dict) else None
        except ValueError:
            text = None
        if not isinstance(text, str):
            return JSONResponse({"error": 'body must be {"input": "<string>"}'}, status_code=400)
        run_once(spec, text)
        return Response(status_code=202)

    prefix = f"/{route_prefix}" if route_prefix else ""
    return Starlette(routes=[
        Route("/admin/functions", list_functions, methods=["GET"]),
        Route("/admin/functions/{name}", run_function, methods=["POST"]),
        Route(prefix + "/{path:path}", http_trigger, methods=METHODS),
    ])
