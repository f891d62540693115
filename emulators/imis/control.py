"""Control API under ``/_emulator/`` (not iMIS; no auth): health, records, request counts, faults, tokens, reset."""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.imis.replies import read_json, store_of
from emulators.imis.schema import Schema
from emulators.imis.store import ACTIVITY, ATTACHMENT, INTERACTION, PARTY, TOKEN
from emulators.imis.traffic import Fault, TrafficState


def _traffic(request: Request) -> TrafficState:
    return request.app.state.traffic


def _bad(text: str) -> Response:
    return JSONResponse({"error": text}, 400)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "parties": len(store_of(request).all(PARTY))})


async def records(request: Request) -> Response:
    """Everything written through the API, with all fields (attachment bytes only by id, below)."""
    store = store_of(request)
    attachments = [{k: v for k, v in d.items() if k != "Data"} for d in store.all(ATTACHMENT)]
    return JSONResponse({
        "parties": store.all(PARTY, from_api=True),
        "activities": store.all(ACTIVITY),
        "interactions": store.all(INTERACTION),
        "attachments": attachments,
    })


async def attachment_bytes(request: Request) -> Response:
    doc = store_of(request).get(ATTACHMENT, request.path_params["key"])
    if doc is None:
        return JSONResponse({"error": "no such attachment"}, 404)
    return Response(base64.b64decode(doc["Data"]), media_type=doc["ContentType"])


async def requests(request: Request) -> Response:
    return JSONResponse(_traffic(request).summary())


async def clear_requests(request: Request) -> Response:
    _traffic(request).clear_counts()
    return Response(status_code=204)


async def add_fault(request: Request) -> Response:
    body = await read_json(request)
    known = set(Fault.__dataclass_fields__)
    if set(body) - known:
        return _bad(f"unknown field(s): {', '.join(sorted(set(body) - known))}; known: {', '.join(sorted(known))}")
    for name, value in body.items():
        wanted = str if name in ("path_prefix", "method") else int
        if value is None and name in ("status", "retry_after"):
            continue
        if not isinstance(value, wanted) or isinstance(value, bool):
            return _bad(f"{name} must be a {wanted.__name__}")
    fault = Fault(**body)
    if fault.count < 1 or (fault.status is None and not fault.delay_ms and not fault.after_ms):
        return _bad("a fault needs count >= 1 and a status, delay_ms and/or after_ms")
    _traffic(request).faults.append(fault)
    return JSONResponse(asdict(fault), 201)


async def list_faults(request: Request) -> Response:
    return JSONResponse([asdict(f) for f in _traffic(request).faults if f.count > 0])


async def clear_faults(request: Request) -> Response:
    _traffic(request).faults.clear()
    return Response(status_code=204)


async def tokens(request: Request) -> Response:
    """``{"ttl_seconds": N}`` sets the lifetime of tokens issued from now on; ``{"expire_all": true}`` ends
    every issued token at once (like disabling the user and purging the cache, [IMIS-OUTLOOK-SEC])."""
    body: dict[str, Any] = await read_json(request)
    if "ttl_seconds" in body:
        if not isinstance(body["ttl_seconds"], int) or body["ttl_seconds"] < 1:
            return _bad("ttl_seconds must be a positive whole number")
        request.app.state.token_ttl = body["ttl_seconds"]
    if body.get("expire_all"):
        store_of(request).delete_kind(TOKEN)
    return JSONResponse({"ttl_seconds": request.app.state.token_ttl})


async def reset(request: Request) -> Response:
    """Back to the seed: data, tokens, faults, counters and token lifetime."""
    store = store_of(request)
    store.reset()
    traffic = _traffic(request)
    traffic.faults.clear()
    traffic.clear_counts()
    request.app.state.token_ttl = request.app.state.default_token_ttl
    request.app.state.schema = Schema()
    return JSONResponse({"status": "reset", "parties": len(store.all(PARTY))})


ROUTES = [
    Route("/_emulator/health", health, methods=["GET"]),
    Route("/_emulator/records", records, methods=["GET"]),
    Route("/_emulator/attachments/{key}", attachment_bytes, methods=["GET"]),
    Route("/_emulator/requests", requests, methods=["GET"]),
    Route("/_emulator/requests", clear_requests, methods=["DELETE"]),
    Route("/_emulator/faults", add_fault, methods=["POST"]),
    Route("/_emulator/faults", list_faults, methods=["GET"]),
    Route("/_emulator/faults", clear_faults, methods=["DELETE"]),
    Route("/_emulator/tokens", tokens, methods=["POST"]),
    Route("/_emulator/reset", reset, methods=["POST"]),
]
