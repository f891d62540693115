"""Open-loop webhook load generator, run in its own process: ``python -m bench.loadgen --url ... --rate 200``.

Request i is due at ``start + i / rate`` whatever happened to earlier ones (no coordinated omission); each
POST carries one well-formed change notification. Latency is measured client-side from the moment the
request is sent, and also from the moment it was due (what a sender on that schedule would see). Prints one
JSON object: counts by status, achieved rate and percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
import uuid
from typing import Any

import httpx

from bench.stackrun import percentiles


def notification(subscription_id: str, client_state: str, user_id: str) -> dict[str, Any]:
    message_id = "AAMk" + uuid.uuid4().hex
    resource = f"Users/{user_id}/Messages/{message_id}"
    return {"value": [{
        "id": uuid.uuid4().hex, "subscriptionId": subscription_id, "clientState": client_state,
        "changeType": "created", "resource": resource, "tenantId": "00000000-0000-0000-0000-000000000001",
        "subscriptionExpirationDateTime": "2030-01-01T00:00:00Z",
        "resourceData": {"@odata.type": "#Microsoft.Graph.Message", "@odata.id": resource,
                         "@odata.etag": 'W/"1"', "id": message_id},
    }]}


Result = tuple[int, float, float]  # status, latency from send, latency from schedule (ms)


async def _send(client: httpx.AsyncClient, url: str, body: dict[str, Any] | None, due: float,
                results: list[Result]) -> None:
    sent = time.perf_counter()
    try:
        status = (await (client.post(url, json=body) if body is not None else client.get(url))).status_code
    except httpx.HTTPError:
        status = 0
    done = time.perf_counter()
    results.append((status, (done - sent) * 1000, (done - due) * 1000))


async def fire(url: str, rate: float, seconds: float, sub: str | None, state: str, user: str) -> list[Result]:
    """POST a notification (or, without ``sub``, GET ``url``) ``rate`` times a second for ``seconds``."""
    results: list[Result] = []
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        tasks = []
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = notification(sub, state, user) if sub else None
            tasks.append(asyncio.create_task(_send(client, url, body, due, results)))
        await asyncio.gather(*tasks)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--subscription", default="", help="omit to send GET requests (a host baseline)")
    parser.add_argument("--client-state", default="")
    parser.add_argument("--user", default="00000000-0000-0000-0000-0000000000aa")
    args = parser.parse_args(argv)
    if args.warmup:
        asyncio.run(fire(args.url, args.rate, args.warmup, args.subscription, args.client_state, args.user))
    # the instrument's own collector pauses are not the host's latency: none while it measures (a run keeps at most
    # a few thousand requests' objects)
    gc.collect()
    gc.freeze()
    gc.disable()
    started = time.perf_counter()
    results = asyncio.run(fire(args.url, args.rate, args.seconds, args.subscription, args.client_state, args.user))
    elapsed = time.perf_counter() - started
    gc.enable()
    statuses: dict[str, int] = {}
    for status, _, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    print(json.dumps({
        "requests": len(results), "seconds_until_last_answer": round(elapsed, 2), "offered_rate": args.rate,
        "answered_per_second": round(len(results) / elapsed, 1), "statuses": statuses,
        "latency_ms": percentiles([r[1] for r in results]),
        "latency_from_schedule_ms": percentiles([r[2] for r in results]),
    }))


if __name__ == "__main__":
    main()
