"""The product's Graph requests and the Graph emulator's answers, held to Microsoft's published v1.0 description
(issue 13 item 4): paths, query options, $select/$expand names, the immutable-id header, and the properties
each answer carries. The description is the hand-written slice in graph_description.py, itself checked
against the URL templates of msgraph-sdk (generated from the same OpenAPI)."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, unquote

import httpx
import pytest

from emulators.graph import GraphState, create_app
from emulators.graph.serve import ServerThread
from emulators.graph.sink import WebhookSink
from shared.adapters.graph import SdkGraphClient, build_sdk_client
from shared.ports import FetchSpec
from tests.conformance.graph_description import (
    ANNOTATIONS,
    ENDPOINTS,
    ENTITIES,
    NAVIGATION,
    SERVER_TOKENS,
    Endpoint,
)
from tests.conformance.recorder import Exchange, Recorder
from tests.emulators.conftest import SDK_WARNINGS, StaticTokenCredential

pytestmark = SDK_WARNINGS
BOX = "alice@contoso.com"


def sdk_template(endpoint: Endpoint) -> tuple[str, set[str]]:
    module, name = endpoint.sdk.rsplit(".", 1)
    source = inspect.getsource(getattr(importlib.import_module(module), name).__init__)
    template = re.search(r'"\{\+baseurl\}([^"]*)"', source)
    assert template, endpoint.sdk
    path, _, query = template.group(1).partition("{?")
    path = re.sub(r"\{([A-Za-z]+)%2Did\}", r"{\1-id}", path)
    return path, {unquote(q).rstrip("*") for q in query.rstrip("}").split(",") if q}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_the_table_matches_the_published_description(endpoint: Endpoint) -> None:
    path, query = sdk_template(endpoint)
    assert (path, query) == (endpoint.path, set(endpoint.query))


def test_the_entity_properties_match_the_published_models() -> None:
    from msgraph.generated.models.file_attachment import FileAttachment
    from msgraph.generated.models.mail_folder import MailFolder
    from msgraph.generated.models.message import Message
    from msgraph.generated.models.subscription import Subscription

    for name, model in (("message", Message), ("attachment", FileAttachment), ("subscription", Subscription),
                        ("mailFolder", MailFolder)):
        declared = set(model().get_field_deserializers())
        assert ENTITIES[name] <= declared, (name, ENTITIES[name] - declared)  # the SDK may be newer


# --- the product against the emulator, every request and answer recorded --------------------------------
@pytest.fixture(scope="module")
def exchanges() -> Iterator[list[Exchange]]:
    recorder = Recorder(create_app(GraphState()))
    sink = WebhookSink()
    with ServerThread(recorder) as graph, ServerThread(sink.app) as hooks:
        control = httpx.Client(base_url=graph.url, timeout=10)
        control.post("/_emulator/mailboxes", json={"address": BOX}).raise_for_status()
        control.post(f"/_emulator/mailboxes/{BOX}/folders", json={"displayName": "CRM", "parent": "inbox"})
        for n in range(2):
            control.post(f"/_emulator/mailboxes/{BOX}/messages", json={
                "subject": f"s{n}", "from": {"emailAddress": {"address": "c@example.org"}},
                "attachments": [{"name": "a.txt", "contentType": "text/plain", "contentBytes": "aGk="}]})
        client = SdkGraphClient(build_sdk_client(StaticTokenCredential("t"), graph.url + "/v1.0"), timeout=20)
        try:
            exercise(client, hooks.url)
        finally:
            client.close()
            control.close()
        yield recorder.seen


def exercise(client: SdkGraphClient, hook: str) -> None:
    """Every Graph call the product makes (shared/adapters/graph_calls.py), once each way it makes it."""
    page = client.delta_page(BOX, "inbox", None, 1)
    while page.next_link:
        page = client.delta_page(BOX, "inbox", page.next_link, 1)
    client.delta_page(BOX, "inbox", page.delta_link, 1)
    ids, link = client.list_messages_since(BOX, "inbox", datetime.now(UTC) - timedelta(days=1), None, 1)
    client.list_messages_since(BOX, "inbox", datetime.now(UTC), link, 1)
    client.get_message(BOX, ids[0], FetchSpec(html_body=False, with_attachments=True))
    client.get_message(BOX, ids[0], FetchSpec(html_body=True, with_attachments=False))
    client.get_mime(BOX, ids[0])
    client.check_mailbox(BOX)
    ids, _ = client.list_messages_since(BOX, "", datetime.now(UTC) - timedelta(days=1), None, 1)  # whole mailbox
    assert [f.display_name for f in client.list_folders(BOX, client.folder_id(BOX, "inbox"))] == ["CRM"]
    assert "Inbox" in {f.display_name for f in client.list_folders(BOX, None)}
    sub = client.create_subscription(f"users/{BOX}/mailFolders('inbox')/messages", hook + "/n", hook + "/l",
                                     "state-0123456789abcdef", datetime.now(UTC) + timedelta(hours=1))
    client.renew_subscription(sub.id, datetime.now(UTC) + timedelta(hours=2))
    client.reauthorize_subscription(sub.id)
    client.delete_subscription(sub.id)


def endpoint_of(exchange: Exchange) -> Endpoint:
    """Links Graph hands out use OData key syntax and a bare function name, as in the docs' examples
    (concepts/delta-query-messages.md: ``.../mailfolders('AQMk...')/messages/delta?$skiptoken=``): the same
    resource as ``mailFolders/{id}/messages/delta()`` (OData URL conventions §4.3, §4.5.2)."""
    path = re.sub(r"/(\w+)\('([^']*)'\)", r"/\1/\2", exchange.path)
    path = path[:-len("/delta")] + "/delta()" if path.endswith("/delta") else path
    for endpoint in ENDPOINTS:
        pattern = "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in endpoint.path.split("/"))
        if endpoint.method == exchange.method and re.fullmatch("/v1.0" + pattern, path):
            return endpoint
    raise AssertionError(f"{exchange.method} {exchange.path} is not in the published description")


def expand_items(value: str) -> list[tuple[str, str]]:
    """``a($select=x),b($filter=...)`` -> [("a", "$select=x"), ("b", "$filter=...")] (top-level commas only)."""
    if not value:
        return []
    items, depth, start = [], 0, 0
    for i, char in enumerate(value + ","):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            name, _, nested = value[start:i].partition("(")
            items.append((name.strip(), nested[:-1] if nested.endswith(")") else nested))
            start = i + 1
    return items


def test_every_request_the_product_sends_is_described(exchanges: list[Exchange]) -> None:
    graph = [e for e in exchanges if e.path.startswith("/v1.0/")]
    assert {endpoint_of(e).path for e in graph} == {e.path for e in ENDPOINTS}  # every endpoint exercised
    for exchange in graph:
        endpoint = endpoint_of(exchange)
        query = dict(parse_qsl(exchange.query))
        assert set(query) <= set(endpoint.query) | SERVER_TOKENS, (exchange.path, query)
        entity = (endpoint.entity or "").rstrip("[]")
        for name in (query.get("$select") or "").split(","):
            assert not name or name in ENTITIES[entity], f"$select={name} is not a {entity} property"
        for name, nested in expand_items(query.get("$expand", "")):
            target = NAVIGATION[entity][name]  # KeyError: not a navigation property of the entity
            for option, _, value in (o.partition("=") for o in nested.split(";") if o):
                if option == "$select":
                    assert set(value.split(",")) <= ENTITIES[target], (name, value)
        if endpoint.immutable_ids:
            assert 'idtype="immutableid"' in exchange.headers.get("prefer", "").lower(), exchange.path


def _check_entity(item: dict, entity: str, where: str) -> None:
    nav = NAVIGATION.get(entity, {})
    extra = set(item) - ENTITIES[entity] - set(nav) - ANNOTATIONS
    assert not extra, f"{where}: {sorted(extra)} are not {entity} properties"
    for name, target in nav.items():
        for child in item.get(name) or []:
            if target in ENTITIES:
                _check_entity(child, target, f"{where}.{name}")
            else:  # legacy extended properties: id and value (singleValueLegacyExtendedProperty)
                assert set(child) <= {"id", "value"}, (where, child)


def test_every_answer_of_the_emulator_holds_only_described_properties(exchanges: list[Exchange]) -> None:
    for exchange in exchanges:
        if not exchange.path.startswith("/v1.0/") or exchange.status >= 300 or not exchange.json:
            continue
        endpoint = endpoint_of(exchange)
        assert endpoint.entity, exchange.path
        body, entity = exchange.json, endpoint.entity.rstrip("[]")
        if endpoint.entity.endswith("[]"):
            assert set(body) <= ANNOTATIONS | {"value"}, exchange.path
            for item in body["value"]:
                _check_entity(item, entity, exchange.path)
        else:
            _check_entity(body, entity, exchange.path)
