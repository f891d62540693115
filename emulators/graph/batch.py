"""``POST /$batch``: JSON batching (concepts/json-batching.md).

At most 20 requests ("JSON batch requests are currently limited to 20 individual requests"); a
malformed batch, duplicate ids or too many requests answer 400. Each request runs through the whole
app (auth, throttling, faults), so a batch cannot dodge the Outlook limits; independent requests run
up to 4 at a time as Outlook does, ``dependsOn`` orders them, and a failed dependency yields 424.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.graph.errors import bad_request, error_body, request_id_of
from emulators.graph.web import graph_json, read_json, state_of

_KEEP_HEADERS = ("content-type", "retry-after", "location", "preference-applied", "odata-version")


def _validate(body: Any, limit: int) -> list[dict[str, Any]]:
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list) or not requests or not all(isinstance(r, dict) for r in requests):
        raise bad_request("Invalid batch payload format.")
    if len(requests) > limit:
        raise bad_request(f"The batch contains {len(requests)} requests; at most {limit} are allowed.")
    seen: set[str] = set()
    for item in requests:
        if not item.get("id") or not item.get("method") or not item.get("url"):
            raise bad_request("Each batch request needs id, method and url.")
        key = str(item["id"]).lower()
        if key in seen:
            raise bad_request(f"Batch request id '{item['id']}' is not unique.")
        seen.add(key)
    for item in requests:
        for dep in item.get("dependsOn") or []:
            if str(dep).lower() not in seen:
                raise bad_request(f"Batch request '{item['id']}' depends on unknown request '{dep}'.")
    return requests


def _target(url: str) -> str:
    path = url.split("/v1.0", 1)[1] if url.lower().startswith("http") and "/v1.0" in url else url
    return "/v1.0/" + path.lstrip("/")


def _content(item: dict[str, Any]) -> bytes | None:
    body = item.get("body")
    if body is None:
        return None
    if isinstance(body, str):
        try:
            return base64.b64decode(body, validate=True)
        except ValueError:
            return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def _answer(item_id: str, response: httpx.Response) -> dict[str, Any]:
    headers = {k: v for k, v in response.headers.items() if k.lower() in _KEEP_HEADERS}
    out: dict[str, Any] = {"id": item_id, "status": response.status_code, "headers": headers}
    if response.content:
        ctype = response.headers.get("content-type", "")
        out["body"] = response.json() if "json" in ctype else base64.b64encode(response.content).decode("ascii")
    return out


async def batch(request: Request) -> Response:
    st = state_of(request)
    requests = _validate(await read_json(request), st.settings.batch_limit)
    results: dict[str, dict[str, Any]] = {}
    done = {str(r["id"]).lower(): asyncio.Event() for r in requests}
    gate = asyncio.Semaphore(st.settings.batch_parallelism)
    root = str(request.base_url).rstrip("/")
    auth = request.headers.get("authorization", "")

    async def run(client: httpx.AsyncClient, item: dict[str, Any]) -> None:
        item_id, deps = str(item["id"]), [str(d).lower() for d in item.get("dependsOn") or []]
        try:
            for dep in deps:
                await done[dep].wait()
            if any(results[d]["status"] >= 400 for d in deps):
                body = error_body("FailedDependency", "A request this one depends on failed.", request_id_of(request))
                results[item_id.lower()] = {"id": item_id, "status": 424, "headers": {}, "body": body}
                return
            headers = {"Authorization": auth, **{str(k): str(v) for k, v in (item.get("headers") or {}).items()}}
            async with gate:
                response = await client.request(str(item["method"]).upper(), _target(str(item["url"])),
                                                headers=headers, content=_content(item))
            results[item_id.lower()] = _answer(item_id, response)
        finally:
            done[item_id.lower()].set()

    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url=root, timeout=None) as client:
        await asyncio.gather(*(run(client, item) for item in requests))
    return graph_json({"responses": [results[str(r["id"]).lower()] for r in requests]})


def batch_routes() -> list[Route]:
    return [Route("/v1.0/$batch", batch, methods=["POST"])]
