"""``/subscriptions``: create (after the validation handshake), list, get, renew, delete, reauthorize.

References: api-reference/v1.0/api/subscription-post-subscriptions.md, subscription-update.md,
subscription-delete.md, subscription-reauthorize.md, subscription-list.md. Expired subscriptions are
gone: they answer 404 and no longer notify.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.graph.errors import GraphError, bad_request
from emulators.graph.odata import parse_prefer
from emulators.graph.subscriptions import Subscription, build_subscription, check_expiration
from emulators.graph.web import app_of, graph_base, graph_json, read_json, state_of


def _live(request: Request) -> Subscription:
    st = state_of(request)
    sub = st.subscriptions.get(request.path_params["sid"], st.clock.now())
    if sub is None:
        raise GraphError(404, "ResourceNotFound", "The object was not found.")
    return sub


async def create_subscription(request: Request) -> Response:
    st = state_of(request)
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    sub = build_subscription(body, st.store, app_of(request), st.settings.max_subscription_minutes)
    # "include the Prefer: IdType="ImmutableId" header when creating a subscription"; subscriptions created
    # without it keep the default ids (concepts/outlook-immutable-id.md, "Immutable ID with change notifications").
    sub.immutable_ids = parse_prefer(request.headers).immutable_id
    await st.notifier.validate(sub.notification_url)
    if sub.lifecycle_url:
        await st.notifier.validate(sub.lifecycle_url)
    st.subscriptions.add(sub)
    return graph_json(sub.to_json(graph_base(request)), status=201)


async def list_subscriptions(request: Request) -> Response:
    st = state_of(request)
    mine = [s for s in st.subscriptions.active(st.clock.now()) if s.app_token == app_of(request)]
    base = graph_base(request)
    values = [{k: v for k, v in s.to_json(base).items() if k != "@odata.context"} for s in mine]
    return graph_json({"@odata.context": f"{base}/$metadata#subscriptions", "value": values})


async def subscription_item(request: Request) -> Response:
    st = state_of(request)
    sub = _live(request)
    if request.method == "DELETE":
        st.subscriptions.remove(sub.id)
        return Response(status_code=204)
    if request.method == "PATCH":
        body = await read_json(request)
        if not isinstance(body, dict) or not {"expirationDateTime", "notificationUrl"} & set(body):
            raise bad_request("Only expirationDateTime and notificationUrl can be updated.", code="InvalidRequest")
        if "notificationUrl" in body:
            await st.notifier.validate(str(body["notificationUrl"]))
            sub.notification_url = str(body["notificationUrl"])
        if "expirationDateTime" in body:
            sub.expiration = check_expiration(body["expirationDateTime"], st.clock.now(),
                                              st.settings.max_subscription_minutes)
    return graph_json(sub.to_json(graph_base(request)))


async def reauthorize(request: Request) -> Response:
    sub = _live(request)
    sub.reauthorization_required, sub.reauthorizations = False, sub.reauthorizations + 1
    return Response(status_code=204)


def subscription_routes() -> list[Route]:
    return [
        Route("/v1.0/subscriptions", create_subscription, methods=["POST"]),
        Route("/v1.0/subscriptions", list_subscriptions, methods=["GET"]),
        Route("/v1.0/subscriptions/{sid}", subscription_item, methods=["GET", "PATCH", "DELETE"]),
        Route("/v1.0/subscriptions/{sid}/reauthorize", reauthorize, methods=["POST"]),
    ]
