"""Call the product's HTTP functions in-process with small fake services (shared.bootstrap.override).

The subscriptions are fixed for the whole session: the webhook caches known subscriptions per process, so every
example must see the same records.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import azure.functions as func

import function_app
from shared import bootstrap
from shared.config import Settings
from shared.domain.options import DEFAULT_OPTIONS
from shared.ports import Clock, StoredOptions, SubscriptionRecord
from shared.services.deps import Services

STATE = "s3cret-client-state-0123456789ab"
KNOWN = {
    sid: SubscriptionRecord(sid, mailbox, folder, f"/users/{mailbox}/mailFolders/{folder}/messages", STATE,
                            datetime(2030, 1, 1, tzinfo=UTC))
    for sid, mailbox, folder in (("11111111-aaaa-4aaa-8aaa-000000000001", "membership@association.example", "inbox"),
                                 ("11111111-aaaa-4aaa-8aaa-000000000002", "events@association.example", "sentitems"))
}
SETTINGS = Settings.from_env({
    "AzureWebJobsStorage": "UseDevelopmentStorage=true", "GRAPH_AUTH_MODE": "static_token",
    "GRAPH_STATIC_TOKEN": "t", "GRAPH_CLIENT_STATE": STATE, "WEBHOOK_BASE_URL": "https://app.example/api",
    "IMIS_BASE_URL": "https://imis.example", "IMIS_USERNAME": "u", "IMIS_PASSWORD": "p"})


class Out(func.Out[Any]):
    def __init__(self) -> None:
        self.value: Any = None

    def set(self, val: Any) -> None:
        self.value = val

    def get(self) -> Any:
        return self.value

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(item) for item in self.value or []]


def fake_services() -> Services:
    stored = StoredOptions(DEFAULT_OPTIONS, "etag", 1)
    fake = SimpleNamespace(
        settings=SETTINGS, clock=Clock(),
        subscriptions=SimpleNamespace(get=KNOWN.get, all=lambda: list(KNOWN.values())),
        counters=SimpleNamespace(touch=lambda *a, **k: None, incr=lambda *a, **k: 0),
        options=SimpleNamespace(get=lambda: stored), current_options=lambda max_age_s=15.0: stored,
        decisions=SimpleNamespace(search=lambda **filters: []))
    return cast(Services, fake)


@contextmanager
def services() -> Iterator[None]:
    bootstrap.override(fake_services())
    try:
        yield
    finally:
        bootstrap.override(None)


@functools.cache
def _functions() -> dict[str, Callable[..., func.HttpResponse]]:
    """The registered user functions by name. ``get_functions`` checks names once per process and refuses a
    second indexing (other test modules index the app too), so it runs here on a cleared record of names."""
    app = function_app.app
    seen, app.functions_bindings = app.functions_bindings, {}
    try:
        return {f.get_function_name(): f.get_user_function() for f in app.get_functions()}
    finally:
        app.functions_bindings = seen


def function(name: str) -> Callable[..., func.HttpResponse]:
    return _functions()[name]


def request(body: bytes, route: str, *, content_type: str = "application/json", method: str = "POST",
            params: dict[str, str] | None = None) -> func.HttpRequest:
    return func.HttpRequest(method, f"http://127.0.0.1/api/{route}", body=body, params=params or {},
                            headers={"Content-Type": content_type})


def is_problem(answer: func.HttpResponse, status: int = 400) -> bool:
    """A clear 4xx: the status, an RFC 7807 body with a title and a detail."""
    if answer.status_code != status or answer.mimetype != "application/problem+json":
        return False
    body = json.loads(answer.get_body())
    return body.get("status") == status and bool(body.get("title")) and "detail" in body
