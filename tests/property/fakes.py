"""Call the product's HTTP functions in-process with the in-memory fake services (shared.bootstrap.override).

Each example gets a fresh composition root (its worker caches with it) holding the ``KNOWN`` subscriptions.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import azure.functions as func

from shared import bootstrap
from shared.config import Settings
from shared.domain.options import Options
from shared.ports import StoredOptions, SubscriptionRecord
from shared.services.deps import Services
from tests import fakes
from tests.integration.inprocess import registered_functions

STATE = "s3cret-client-state-0123456789ab"
KNOWN = {
    sid: SubscriptionRecord(sid, mailbox, folder, f"/users/{mailbox}/mailFolders/{folder}/messages", STATE,
                            datetime(2030, 1, 1, tzinfo=UTC))
    for sid, mailbox, folder in (("11111111-aaaa-4aaa-8aaa-000000000001", "membership@association.example", "inbox"),
                                 ("11111111-aaaa-4aaa-8aaa-000000000002", "events@association.example", "sentitems"))
}
RAW_SETTINGS = {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true", "GRAPH_AUTH_MODE": "static_token",
    "GRAPH_STATIC_TOKEN": "t", "GRAPH_CLIENT_STATE": STATE, "WEBHOOK_BASE_URL": "https://app.example/api",
    "IMIS_BASE_URL": "https://imis.example", "IMIS_USERNAME": "u", "IMIS_PASSWORD": "p"}
SETTINGS = Settings.from_env(RAW_SETTINGS)


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


class MemoryOptions(fakes.InMemoryOptionsRepository):
    """The in-memory options store (ETag-guarded save), counting saves: real writes for the API tests."""

    def __init__(self) -> None:
        super().__init__()
        self.saves = 0

    @property
    def stored(self) -> StoredOptions:
        return self.current

    def save(self, options: Options, etag: str, who: str, changes: list[dict[str, Any]]) -> StoredOptions:
        saved = super().save(options, etag, who, changes)
        self.saves += 1
        return saved


def fake_services(settings: Settings = SETTINGS, store: MemoryOptions | None = None) -> Services:
    deps = fakes.fake_services(settings)
    deps.options = store or MemoryOptions()
    for record in KNOWN.values():
        deps.subscriptions.put(record)
    return deps


@contextmanager
def services(settings: Settings = SETTINGS, store: MemoryOptions | None = None) -> Iterator[None]:
    bootstrap.override(fake_services(settings, store))
    try:
        yield
    finally:
        bootstrap.override(None)


@functools.cache
def _functions() -> dict[str, Callable[..., func.HttpResponse]]:
    """The registered user functions by name (listed on a cleared record of names: other modules index too)."""
    return {f.get_function_name(): f.get_user_function() for f in registered_functions()}


def function(name: str) -> Callable[..., func.HttpResponse]:
    return _functions()[name]


def request(body: bytes, route: str, *, content_type: str = "application/json", method: str = "POST",
            params: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> func.HttpRequest:
    return func.HttpRequest(method, f"http://127.0.0.1/api/{route}", body=body, params=params or {},
                            headers={"Content-Type": content_type, **(headers or {})})


def is_problem(answer: func.HttpResponse, status: int | tuple[int, ...] = 400) -> bool:
    """A clear 4xx: the status (or one of them), an RFC 7807 body with a title and a detail."""
    allowed = status if isinstance(status, tuple) else (status,)
    if answer.status_code not in allowed or answer.mimetype != "application/problem+json":
        return False
    body = json.loads(answer.get_body())
    return body.get("status") == answer.status_code and bool(body.get("title")) and "detail" in body
