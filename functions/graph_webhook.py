"""Graph change and lifecycle notifications: validate, check clientState, queue, answer 202. Nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import azure.functions as func

from functions._http import problem, read_json
from shared.bootstrap import get_services
from shared.config import QUEUE_NAME
from shared.domain.notifications import BadNotification
from shared.services.deps import Services
from shared.services.notifications import Accepted, accept_lifecycle, accept_notifications

bp_graph_webhook = func.Blueprint()


def _validation(req: func.HttpRequest) -> func.HttpResponse | None:
    token = req.params.get("validationToken")
    if token is None:
        return None
    # Graph's handshake: echo the token as text/plain within 10 s, nothing else.
    return func.HttpResponse(token, status_code=200, mimetype="text/plain")


def _handle(req: func.HttpRequest, out: func.Out[list[str]],
            accept: Callable[[Any, Services], Accepted]) -> func.HttpResponse:
    handshake = _validation(req)
    if handshake is not None:
        return handshake
    try:
        accepted = accept(read_json(req), get_services())
    except (ValueError, BadNotification) as exc:
        return problem(400, "Not a Graph notification", str(exc))
    if accepted.payloads:
        out.set([json.dumps(p) for p in accepted.payloads])  # a failed enqueue makes the host answer 5xx
    return func.HttpResponse(status_code=202)


@bp_graph_webhook.function_name("GraphNotifications")
@bp_graph_webhook.route(route="graph/notifications", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@bp_graph_webhook.queue_output(arg_name="out", queue_name=QUEUE_NAME, connection="AzureWebJobsStorage")
def graph_notifications(req: func.HttpRequest, out: func.Out[list[str]]) -> func.HttpResponse:
    return _handle(req, out, accept_notifications)


@bp_graph_webhook.function_name("GraphLifecycle")
@bp_graph_webhook.route(route="graph/lifecycle", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@bp_graph_webhook.queue_output(arg_name="out", queue_name=QUEUE_NAME, connection="AzureWebJobsStorage")
def graph_lifecycle(req: func.HttpRequest, out: func.Out[list[str]]) -> func.HttpResponse:
    return _handle(req, out, accept_lifecycle)
