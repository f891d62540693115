"""Control API for behaviour (not Graph, no auth): faults, throttling, notification switches,
lifecycle events, the emulated clock, request counters, settings and reset. See README.md.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.graph.errors import GraphError, bad_request
from emulators.graph.payloads import LIFECYCLE_EVENTS
from emulators.graph.throttle import FaultRule
from emulators.graph.web import pick, read_json, state_of


def _fields(obj: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dataclasses.asdict(obj).items()}


def _apply(obj: Any, body: dict[str, Any], names: dict[str, str]) -> None:
    """Set dataclass fields from camelCase (or snake_case) keys; unknown keys are an error."""
    known = {**names, **{v: v for v in names.values()}}
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise bad_request(f"Unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(names))}.")
    for key, value in body.items():
        setattr(obj, known[key], value)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def reset(request: Request) -> Response:
    await state_of(request).reset()
    return JSONResponse({"status": "reset"})


async def faults(request: Request) -> Response:
    throttler = state_of(request).throttler
    if request.method == "DELETE":
        throttler.faults.clear()
    elif request.method == "POST":
        rule = FaultRule()
        _apply(rule, await read_json(request), {"count": "count", "status": "status", "retryAfter": "retry_after_s",
                                                "delayMs": "delay_ms", "mailbox": "mailbox", "path": "path",
                                                "method": "method", "code": "code"})
        return JSONResponse(_fields(throttler.add_fault(rule)), status_code=201)
    return JSONResponse({"value": [_fields(r) for r in throttler.faults if r.count > 0]})


async def throttling(request: Request) -> Response:
    limits = state_of(request).throttler.limits
    if request.method == "POST":
        _apply(limits, await read_json(request), {"enabled": "enabled", "concurrency": "concurrency",
                                                  "requests": "requests", "windowSeconds": "window_s",
                                                  "concurrencyRetryAfter": "concurrency_retry_after_s",
                                                  "scope": "scope", "serviceMs": "service_ms"})
    return JSONResponse(_fields(limits))


async def notifications(request: Request) -> Response:
    st = state_of(request)
    notifier = st.notifier
    if request.method == "POST":
        body = dict(await read_json(request))
        seconds = pick(body, "dropForSeconds", "drop_for_seconds")
        body.pop("dropForSeconds", None), body.pop("drop_for_seconds", None)
        if seconds is not None:
            notifier.faults.drop_until = st.clock.now() + timedelta(seconds=float(seconds))
        config_keys = {"timeoutSeconds": "timeout_s", "attempts": "attempts", "backoffSeconds": "backoff_s",
                       "validationTimeoutSeconds": "validation_timeout_s", "resourceStyle": "resource_style"}
        fault_keys = {"dropNext": "drop_next", "duplicates": "duplicates", "delayMs": "delay_ms",
                      "delayCount": "delay_count", "jitterMs": "jitter_ms", "missedOnDrop": "missed_on_drop"}
        known = set(config_keys) | set(config_keys.values())
        _apply(notifier.config, {k: v for k, v in body.items() if k in known}, config_keys)
        _apply(notifier.faults, {k: v for k, v in body.items() if k not in known}, fault_keys)
    return JSONResponse({"config": _fields(notifier.config), "faults": _fields(notifier.faults),
                         "pending": notifier.pending, "log": notifier.log})


async def subscriptions(request: Request) -> Response:
    st = state_of(request)
    values = [s.to_json("") | {"appToken": s.app_token, "reauthorizationRequired": s.reauthorization_required,
                               "reauthorizations": s.reauthorizations} for s in st.subscriptions.active(st.clock.now())]
    return JSONResponse({"value": values})


async def lifecycle(request: Request) -> Response:
    st = state_of(request)
    event = str(pick(await read_json(request), "event", "lifecycleEvent", default=""))
    if event not in LIFECYCLE_EVENTS:
        raise bad_request(f"event must be one of {', '.join(LIFECYCLE_EVENTS)}.")
    sub = st.subscriptions.get(request.path_params["sid"], st.clock.now())
    if sub is None:
        raise GraphError(404, "ResourceNotFound", "The object was not found.")
    sent = st.notifier.lifecycle(sub, event)
    if event == "reauthorizationRequired":
        sub.reauthorization_required = True
    if event == "subscriptionRemoved":
        st.subscriptions.remove(sub.id)
    return JSONResponse({"subscriptionId": sub.id, "event": event, "sent": sent}, status_code=202)


async def clock(request: Request) -> Response:
    st = state_of(request)
    if request.method == "POST":
        seconds = pick(await read_json(request), "advance_seconds", "advanceSeconds", default=0)
        try:
            st.clock.advance(float(seconds))
        except ValueError as exc:
            raise bad_request(str(exc)) from exc
    return JSONResponse({"now": st.clock.now().isoformat()})


async def requests(request: Request) -> Response:
    st = state_of(request)
    if request.method == "DELETE":
        in_flight = st.stats.in_flight
        st.stats = type(st.stats)()
        st.stats.in_flight = in_flight
    return JSONResponse(st.stats.as_json())


async def settings(request: Request) -> Response:
    current = state_of(request).settings
    if request.method == "POST":
        _apply(current, await read_json(request), {"maxSubscriptionMinutes": "max_subscription_minutes",
                                                   "defaultPageSize": "default_page_size",
                                                   "maxPageSize": "max_page_size", "batchLimit": "batch_limit",
                                                   "batchParallelism": "batch_parallelism",
                                                   "maxExpand": "max_expand"})
    return JSONResponse(_fields(current))


def control_ops_routes() -> list[Route]:
    return [
        Route("/_emulator/health", health),
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/throttling", throttling, methods=["GET", "POST"]),
        Route("/_emulator/notifications", notifications, methods=["GET", "POST"]),
        Route("/_emulator/subscriptions", subscriptions, methods=["GET"]),
        Route("/_emulator/subscriptions/{sid}/lifecycle", lifecycle, methods=["POST"]),
        Route("/_emulator/clock", clock, methods=["GET", "POST"]),
        Route("/_emulator/requests", requests, methods=["GET", "DELETE"]),
        Route("/_emulator/settings", settings, methods=["GET", "POST"]),
    ]
