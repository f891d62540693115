"""The Graph request URLs whose query part is expanded once (shared/adapters/graph_urls.py) are the URLs kiota
builds itself, character for character, for every kind of request the product sends."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.users.item.mail_folders.item.messages.delta.delta_request_builder import DeltaRequestBuilder
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import MessagesRequestBuilder
from msgraph.generated.users.item.messages.item.message_item_request_builder import MessageItemRequestBuilder

from shared.adapters import graph_urls
from shared.adapters.graph_calls import CLASS_EXPAND, MESSAGE_FIELDS
from shared.adapters.graph_message import GRAPH_EXPAND

BASE = "https://graph.microsoft.com/v1.0"
MAILBOX = "membership@association.example"
IDS = ["AAMkAGI2TG93AAA=", "AAMkAD/with+slash==", "AQMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgBGAAAD x%y"]


class _Adapter:  # the builders only keep it; nothing is sent
    base_url = BASE


def _message(message_id: str, select: list[str], expand: str) -> RequestInformation:
    query = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters(select=select, expand=[expand])
    builder = MessageItemRequestBuilder(_Adapter(), {"user%2Did": MAILBOX, "message%2Did": message_id})  # type: ignore
    return builder.to_get_request_information(RequestConfiguration(query_parameters=query))


def _listing(stamp: str, top: int) -> RequestInformation:
    query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        select=["id"], filter=f"receivedDateTime ge {stamp}", top=top, orderby=["receivedDateTime desc"], count=True)
    builder = MessagesRequestBuilder(_Adapter(), {"user%2Did": MAILBOX, "mailFolder%2Did": "inbox"})  # type: ignore
    return builder.to_get_request_information(RequestConfiguration(query_parameters=query))


def _delta() -> RequestInformation:
    query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(select=["id", "receivedDateTime"],
                                                                      change_type="created")
    builder = DeltaRequestBuilder(_Adapter(), {"user%2Did": MAILBOX, "mailFolder%2Did": "AAMkFolder/=="})  # type: ignore
    return builder.to_get_request_information(RequestConfiguration(query_parameters=query))


def _kiota_url(info: RequestInformation) -> str:
    theirs = copy.deepcopy(info)
    theirs.path_parameters["baseurl"] = BASE  # what the request adapter does before sending
    return str(theirs.url)


REQUESTS: list[Any] = [
    *[lambda i=i: _message(i, MESSAGE_FIELDS, GRAPH_EXPAND) for i in IDS],
    *[lambda i=i: _message(i, [*MESSAGE_FIELDS, "uniqueBody"], CLASS_EXPAND) for i in IDS],
    lambda: _listing(datetime(2026, 11, 1, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), 200),
    lambda: _listing("2026-10-01T00:00:00Z", 1),
    _delta,
]


@pytest.mark.parametrize("build", REQUESTS)
def test_the_url_is_the_one_kiota_builds(build: Any) -> None:
    first, again = build(), build()
    expected = _kiota_url(first)
    graph_urls.expand_once(first, BASE)
    graph_urls.expand_once(again, BASE)  # the query part from memory
    assert first.url == again.url == expected


def test_the_query_part_is_expanded_once_per_distinct_query(monkeypatch: pytest.MonkeyPatch) -> None:
    graph_urls._QUERIES.clear()  # noqa: SLF001
    expanded: list[str] = []
    real = graph_urls._expand  # noqa: SLF001
    monkeypatch.setattr(graph_urls, "_expand", lambda t, q, p: (expanded.append(t), real(t, q, p))[1])
    for message_id in IDS:
        graph_urls.expand_once(_message(message_id, MESSAGE_FIELDS, GRAPH_EXPAND), BASE)
    assert sum(t.startswith("{?") for t in expanded) == 1
    graph_urls.expand_once(_message(IDS[0], ["id"], GRAPH_EXPAND), BASE)  # another $select: its own expansion
    assert sum(t.startswith("{?") for t in expanded) == 2


def test_the_path_is_expanded_by_the_template_once_per_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    graph_urls._PATHS.clear()  # noqa: SLF001
    expanded: list[str] = []
    real = graph_urls._expand  # noqa: SLF001
    monkeypatch.setattr(graph_urls, "_expand", lambda t, q, p: (expanded.append(t), real(t, q, p))[1])
    graph_urls.expand_once(_message(IDS[0], MESSAGE_FIELDS, GRAPH_EXPAND), BASE)
    once = [t for t in expanded if not t.startswith("{?")]
    for message_id in IDS:  # ids with '/', '+', '=', ' ' and '%': each its own URL, no template expanded again
        graph_urls.expand_once(_message(message_id, MESSAGE_FIELDS, GRAPH_EXPAND), BASE)
    assert [t for t in expanded if not t.startswith("{?")] == once and "{+baseurl}/users/" in once


@settings(max_examples=300, deadline=None)
@given(mailbox=st.text(min_size=1, max_size=40), message_id=st.text(min_size=1, max_size=200))
def test_any_mailbox_and_message_id_give_the_url_kiota_builds(mailbox: str, message_id: str) -> None:
    query = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters(select=["id"])
    builder = MessageItemRequestBuilder(_Adapter(), {"user%2Did": mailbox, "message%2Did": message_id})  # type: ignore
    info = builder.to_get_request_information(RequestConfiguration(query_parameters=query))
    try:
        expected: str | Exception = _kiota_url(info)
    except Exception as exc:  # e.g. a lone surrogate kiota cannot encode: then neither may we
        expected = exc
    try:
        graph_urls.expand_once(info, BASE)
        assert info.url == expected
    except AssertionError:
        raise
    except Exception as exc:
        assert isinstance(expected, Exception), exc


def test_a_raw_url_is_left_to_kiota() -> None:
    link = f"{BASE}/users/{MAILBOX}/mailFolders/inbox/messages/delta?$deltatoken=abc"
    info = DeltaRequestBuilder(_Adapter(), {"user%2Did": MAILBOX, "mailFolder%2Did": "inbox"}).with_url(  # type: ignore
        link).to_get_request_information()
    graph_urls.expand_once(info, BASE)
    assert info.url == link


def test_one_request_builder_serves_several_requests() -> None:
    """The fetch's fallback asks the same builder again (without a second $expand); kiota's url setter clears the
    request's path parameters, which are the builder's own dict, so expanding must not empty the builder's."""
    builder = MessageItemRequestBuilder(_Adapter(), {"user%2Did": MAILBOX, "message%2Did": IDS[1]})  # type: ignore
    query = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters
    infos = [builder.to_get_request_information(RequestConfiguration(query_parameters=query(select=["id"],
                                                                                           expand=[e])))
             for e in (GRAPH_EXPAND, CLASS_EXPAND)]
    expected = [_kiota_url(info) for info in infos]
    graph_urls.expand_once(infos[0], BASE)
    again = builder.to_get_request_information(RequestConfiguration(query_parameters=query(select=["id"],
                                                                                          expand=[CLASS_EXPAND])))
    graph_urls.expand_once(again, BASE)
    assert [infos[0].url, again.url] == expected
