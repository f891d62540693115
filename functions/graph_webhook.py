"""Graph change and lifecycle notifications: validate, check clientState, queue, answer 202. Nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import azure.functions as func

from functions._http import BodyTooLarge, problem, read_json
from shared.bootstrap import get_services
from shared.config import QUEUE_NAME
from shared.domain.notifications import TooManyNotifications
from shared.services.deps import Services
from shared.services.notifications import Accepted, accept_lifecycle, accept_notifications

bp_graph_webhook = func.Blueprint()


def _validation(req: func.HttpRequest) -> func.HttpResponse | None:
    token = req.params.get("validationToken")
    if token is None:
        return None
    if not token.strip():  # Graph always sends an opaque token; an empty one is not Graph's handshake
        return problem(400, "Empty validation token", "validationToken must not be empty")
    # Graph's handshake: echo the token as text/plain within 10 s, nothing else
    # (learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation).
    return func.HttpResponse(token, status_code=200, mimetype="text/plain",
                             headers={"X-Content-Type-Options": "nosniff"})


def _handle(req: func.HttpRequest, out: func.Out[list[str]],
            accept: Callable[[Any, Services], Accepted]) -> func.HttpResponse:
    handshake = _validation(req)
    if handshake is not None:
        return handshake
    try:
        accepted = accept(read_json(req), get_services())
    except (BodyTooLarge, TooManyNotifications) as exc:
        return problem(413, "Request too large", str(exc))
    except ValueError as exc:  # BadNotification included: the envelope is not a notification collection
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
