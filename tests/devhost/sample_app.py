"""A small function app for the local host's tests (loaded with ``--app tests.devhost.sample_app``).

Functions record what they saw as JSON lines in the file named by ``DEVHOST_SAMPLE_RECORDS``.
Queue bodies steer the worker: ``fail-<n>:<id>`` fails until dequeue_count > n, ``poison:<id>`` always fails,
``slow:<id>`` takes 2.5 s on its first delivery; anything else succeeds.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import threading
import time
from typing import Any

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
_lock = threading.Lock()


def record(**fields: Any) -> None:
    with _lock, open(os.environ["DEVHOST_SAMPLE_RECORDS"], "a", encoding="utf-8") as out:
        out.write(json.dumps({"at": time.time(), **fields}) + "\n")


@app.function_name("Health")
@app.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("ok")


@app.function_name("Echo")
@app.route(route="items/{id:int}/{tag?}", methods=["GET", "POST"])
def echo(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    seen = {"route_params": dict(req.route_params), "params": dict(req.params), "method": req.method,
            "body": req.get_body().decode(), "header": req.headers.get("X-Sample"), "function": context.function_name}
    return func.HttpResponse(json.dumps(seen), status_code=201, mimetype="application/json",
                             headers={"X-Echo": "yes"})


@app.function_name("AdminOnly")
@app.route(route="secret", auth_level=func.AuthLevel.ADMIN)
def admin_only(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("secret")


@app.function_name("Greet")
@app.route(route="greet/{name}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
async def greet(req: func.HttpRequest) -> func.HttpResponse:
    await asyncio.sleep(0)
    return func.HttpResponse(f"hello {req.route_params['name']}")


@app.function_name("SetResponse")
@app.route(route="set-response", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS, binding_arg_name="res")
def set_response(req: func.HttpRequest, res: func.Out[func.HttpResponse]) -> None:
    res.set(func.HttpResponse("set on the output", status_code=203))


@app.function_name("Boom")
@app.route(route="boom", auth_level=func.AuthLevel.ANONYMOUS)
def boom(req: func.HttpRequest) -> func.HttpResponse:
    raise RuntimeError("boom")


@app.function_name("Enqueue")
@app.route(route="enqueue", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@app.queue_output(arg_name="out", queue_name="devhost-out", connection="AzureWebJobsStorage")
def enqueue(req: func.HttpRequest, out: func.Out[list[str]]) -> func.HttpResponse:
    out.set(req.get_json())
    return func.HttpResponse(status_code=202)


@app.function_name("EnqueueBroken")
@app.route(route="enqueue-broken", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@app.queue_output(arg_name="out", queue_name="devhost-out", connection="DEVHOST_SAMPLE_BROKEN_STORAGE")
def enqueue_broken(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    out.set("never arrives")
    return func.HttpResponse(status_code=202)


@app.function_name("EnqueueThenFail")
@app.route(route="enqueue-then-fail", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@app.queue_output(arg_name="out", queue_name="devhost-out", connection="AzureWebJobsStorage")
def enqueue_then_fail(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    out.set(req.get_body().decode())
    raise RuntimeError("failing after setting the output")


@app.function_name("EnqueueAndLook")
@app.route(route="enqueue-and-look", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@app.queue_output(arg_name="out", queue_name="devhost-fresh", connection="AzureWebJobsStorage")
def enqueue_and_look(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:
    """Sets the output, waits, then answers whether the message is already in the queue (it must not be)."""
    from azure.core.exceptions import ResourceNotFoundError
    from azure.storage.queue import QueueClient

    marker = req.get_body().decode()
    out.set(marker)
    time.sleep(0.3)
    storage = os.environ["AzureWebJobsStorage"]  # noqa: SIM112 (the Functions setting's own name)
    with QueueClient.from_connection_string(storage, "devhost-fresh") as queue:
        try:
            early = any(marker in base64.b64decode(m.content).decode() for m in queue.peek_messages(32))
        except ResourceNotFoundError:
            early = False
    return func.HttpResponse("sent before return" if early else "not sent yet")


@app.function_name("Worker")
@app.queue_trigger(arg_name="msg", queue_name="devhost-in", connection="AzureWebJobsStorage")
def worker(msg: func.QueueMessage) -> None:
    body = msg.get_body().decode()
    kind = body.split(":", 1)[0]
    fails = kind == "poison" or (kind.startswith("fail-") and msg.dequeue_count <= int(kind[5:]))
    if kind == "slow" and msg.dequeue_count == 1:
        record(fn="Worker", body=body, phase="started")
        time.sleep(2.5)  # longer than the test lease: the host must renew it
    record(fn="Worker", body=body, ok=not fails, dequeue_count=msg.dequeue_count, id=msg.id)
    if fails:
        raise RuntimeError(f"failing on purpose: {body}")


@app.function_name("Ticker")
@app.timer_trigger(arg_name="timer", schedule="*/2 * * * * *")
def ticker(timer: func.TimerRequest) -> None:
    started = time.time()
    time.sleep(0.4)
    record(fn="Ticker", started=started, past_due=timer.past_due)


@app.function_name("Yearly")
@app.timer_trigger(arg_name="timer", schedule="0 0 0 1 1 *", run_on_startup=True)
def yearly(timer: func.TimerRequest) -> None:
    record(fn="Yearly", past_due=timer.past_due)
