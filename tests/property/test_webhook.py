"""Webhook bodies, arbitrary and well-formed, through the parser and through the GraphNotifications and
GraphLifecycle functions: a clear 400 or a 202 that queues exactly the trusted notifications, never a 500."""

from __future__ import annotations

import json
import string
from typing import Any
from urllib.parse import quote, quote_plus

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from shared.domain.notifications import (
    LIFECYCLE_EVENTS,
    BadNotification,
    parse_change_notifications,
    parse_lifecycle_notifications,
)
from tests.property.fakes import KNOWN, STATE, Out, function, is_problem, request, services
from tests.property.profile import profile
from tests.property.values import HOSTILE, JSON

IDS = st.text(alphabet=string.ascii_letters + string.digits + "-_=", min_size=1, max_size=160)
SUBSCRIPTIONS = st.sampled_from(sorted(KNOWN)) | st.uuids().map(str)
STATES = st.just(STATE) | st.text(max_size=40)
PRINTABLE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@st.composite
def change(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A change notification and the message id it names (known from how it was built, not re-parsed)."""
    # Graph names the user by id (observed) or by user principal name (the docs' example), never with "/"
    mid, user = draw(IDS), draw(st.uuids().map(str) | st.emails().filter(lambda e: "/" not in e))
    style = draw(st.sampled_from(["Users/{u}/Messages/{m}", "users/{u}/messages/{m}", "/users/{u}/messages/{m}"]))
    resource = style.format(u=user, m=mid)
    item: dict[str, Any] = {"subscriptionId": draw(SUBSCRIPTIONS), "clientState": draw(STATES),
                            "changeType": "created", "resource": resource, "tenantId": str(draw(st.uuids())),
                            "subscriptionExpirationDateTime": "2030-01-01T00:00:00Z"}
    if draw(st.booleans()):
        item["resourceData"] = {"@odata.type": "#Microsoft.Graph.Message", "@odata.id": resource, "id": mid}
    return item, mid


@st.composite
def lifecycle(draw: st.DrawFn) -> dict[str, Any]:
    return {"subscriptionId": draw(SUBSCRIPTIONS), "clientState": draw(STATES),
            "lifecycleEvent": draw(st.sampled_from(LIFECYCLE_EVENTS)), "tenantId": str(draw(st.uuids())),
            "subscriptionExpirationDateTime": "2030-01-01T00:00:00Z"}


def trusted(item: dict[str, Any]) -> bool:
    return item["subscriptionId"] in KNOWN and item["clientState"] == STATE


class TestParsers:
    @profile(200)
    @given(body=JSON)
    def test_any_json_is_notifications_or_bad_notification(self, body: Any) -> None:
        for parse in (parse_change_notifications, parse_lifecycle_notifications):
            try:
                parsed = parse(body)
            except BadNotification:
                continue
            assert all(n.subscription_id for n in parsed.notes)
            assert len(parsed.notes) + parsed.malformed == len(body["value"])

    @profile()
    @given(changes=st.lists(change(), min_size=1, max_size=5))
    def test_well_formed_changes_keep_every_message_id(self, changes: list[tuple[dict[str, Any], str]]) -> None:
        parsed = parse_change_notifications({"value": [item for item, _ in changes]}).notes
        assert [n.message_id for n in parsed] == [mid for _, mid in changes]


class TestGraphNotifications:
    @profile()
    @given(body=st.binary(max_size=400) | JSON.map(lambda v: json.dumps(v).encode()),
           content_type=st.sampled_from(["application/json", "text/plain", ""]))
    def test_any_body_is_a_problem_or_accepted(self, body: bytes, content_type: str) -> None:
        out = Out()
        with services():
            answer = function("GraphNotifications")(req=request(body, "graph/notifications",
                                                                content_type=content_type), out=out)
        assert answer.status_code == 202 or is_problem(answer)
        assert answer.status_code == 202 or out.value is None  # a refused body queues nothing

    @profile()
    @given(changes=st.lists(change(), min_size=1, max_size=5))
    def test_queues_exactly_the_trusted_notifications(self, changes: list[tuple[dict[str, Any], str]]) -> None:
        out = Out()
        items = [item for item, _ in changes]
        with services():
            answer = function("GraphNotifications")(req=request(json.dumps({"value": items}).encode(),
                                                                "graph/notifications"), out=out)
        assert answer.status_code == 202
        wanted = [(KNOWN[i["subscriptionId"]].mailbox, mid, KNOWN[i["subscriptionId"]].folder)
                  for i, mid in changes if trusted(i)]
        assert [(p["mailbox"], p["message_id"], p["folder"]) for p in out.payloads] == wanted

    @profile()
    @given(body=HOSTILE)
    def test_deep_or_large_bodies_get_a_clear_answer(self, body: bytes) -> None:
        out = Out()
        with services():
            answer = function("GraphNotifications")(req=request(body, "graph/notifications"), out=out)
        assert answer.status_code == 202 or is_problem(answer, (400, 413))
        assert answer.status_code == 202 or out.value is None

    @profile(50)
    @given(token=PRINTABLE, encode=st.sampled_from([quote, quote_plus]))
    def test_the_validation_handshake_echoes_any_token(self, token: str, encode: Any) -> None:
        # Graph sends the token URL-encoded in the query string; the host decodes it (Starlette's QueryParams, as
        # the local host does) and the function must echo the decoded text.
        query = "validationToken=" + encode(token, safe="")
        params = dict(QueryParams(query))
        with services():
            answer = function("GraphNotifications")(req=request(b"", f"graph/notifications?{query}",
                                                                content_type="text/plain", params=params), out=Out())
        if not token.strip():  # not Graph's handshake: Graph's token is never empty
            assert is_problem(answer)
            return
        assert (answer.status_code, answer.get_body().decode()) == (200, token)
        assert answer.mimetype == "text/plain"


class TestGraphLifecycle:
    @profile()
    @given(body=st.binary(max_size=300) | JSON.map(lambda v: json.dumps(v).encode()))
    def test_any_body_is_a_problem_or_accepted(self, body: bytes) -> None:
        with services():
            answer = function("GraphLifecycle")(req=request(body, "graph/lifecycle"), out=Out())
        assert answer.status_code == 202 or is_problem(answer)

    @profile()
    @given(body=HOSTILE)
    def test_deep_or_large_bodies_get_a_clear_answer(self, body: bytes) -> None:
        out = Out()
        with services():
            answer = function("GraphLifecycle")(req=request(body, "graph/lifecycle"), out=out)
        assert answer.status_code == 202 or is_problem(answer, (400, 413))
        assert answer.status_code == 202 or out.value is None

    @profile()
    @given(items=st.lists(lifecycle(), min_size=1, max_size=4))
    def test_queues_one_control_step_per_trusted_event(self, items: list[dict[str, Any]]) -> None:
        out = Out()
        with services():
            answer = function("GraphLifecycle")(req=request(json.dumps({"value": items}).encode(), "graph/lifecycle"),
                                                out=out)
        assert answer.status_code == 202
        assert [(p["kind"], p["event"], p["subscription_id"]) for p in out.payloads] == [
            ("lifecycle", i["lifecycleEvent"], i["subscriptionId"]) for i in items if trusted(i)]
