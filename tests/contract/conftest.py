"""One contract suite per port, run against the in-memory fakes (tests/fakes.py) and the Azure adapters on
Azurite, so the fakes the use-case tests rely on cannot drift from the real stores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.config import Settings
from tests import fakes

BACKENDS = [pytest.param("memory", id="memory"),
            pytest.param("azure", id="azure", marks=pytest.mark.integration)]


@dataclass
class Stores:
    options: Any
    mailboxes: Any
    subscriptions: Any
    delta_tokens: Any
    ledger: Any
    decisions: Any
    contact_cache: Any
    threads: Any
    counters: Any
    queue: Any
    blobs: Any
    limits: Any
    limits_elsewhere: Any = None  # a second instance's store on the same storage (the fake: the same object)

    def __post_init__(self) -> None:
        if self.limits_elsewhere is None:
            self.limits_elsewhere = self.limits


def memory_stores() -> Stores:
    counters = fakes.InMemoryCounters()
    return Stores(fakes.InMemoryOptionsRepository(), fakes.InMemoryMailboxRepository(),
                  fakes.InMemorySubscriptionRepository(), fakes.InMemoryDeltaTokenRepository(),
                  fakes.InMemoryCaptureLedger(), fakes.InMemoryDecisionLog(), fakes.InMemoryContactCache(counters),
                  fakes.InMemoryThreadIndex(), counters, fakes.InMemoryQueue(), fakes.InMemoryBlobStore(),
                  fakes.InMemoryLimitStore())


def azure_stores(connection: str) -> Stores:
    """The composition root's adapters over fresh tables, queue and container (a unique prefix per test)."""
    from shared.adapters.blobs import AzureBlobStore, blob_service
    from shared.adapters.capture_store import (
        TableCaptureLedger,
        TableContactCache,
        TableCounters,
        TableDecisionLog,
    )
    from shared.adapters.config_store import (
        TableDeltaTokenRepository,
        TableMailboxRepository,
        TableOptionsRepository,
        TableSubscriptionRepository,
    )
    from shared.adapters.limit_store import AzureLimitStore, limit_clients
    from shared.adapters.queues import StorageMessageQueue, queue_client
    from shared.adapters.tables import Tables, table_service
    from shared.adapters.thread_store import TableThreadIndex

    settings = Settings.from_env({"AzureWebJobsStorage": connection, "GRAPH_AUTH_MODE": "static_token",
                                  "GRAPH_STATIC_TOKEN": "t", "GRAPH_CLIENT_STATE": "c" * 32,
                                  "WEBHOOK_BASE_URL": "https://app.example/api",
                                  "IMIS_BASE_URL": "https://imis.example", "IMIS_USERNAME": "u",
                                  "IMIS_PASSWORD": "p"})
    unique = uuid.uuid4().hex[:10]
    tables = Tables(table_service(settings), f"t{unique}")
    counters = TableCounters(tables.counters)
    return Stores(TableOptionsRepository(tables.options, tables.optionshistory),
                  TableMailboxRepository(tables.mailboxes), TableSubscriptionRepository(tables.subscriptions),
                  TableDeltaTokenRepository(tables.deltatokens), TableCaptureLedger(tables.captures),
                  TableDecisionLog(tables.decisions), TableContactCache(tables.contactcache, counters),
                  TableThreadIndex(tables.threads), counters,
                  StorageMessageQueue(queue_client(settings, f"q-{unique}")),
                  AzureBlobStore(blob_service(settings), f"c-{unique}"),
                  AzureLimitStore(*limit_clients(settings), f"l-{unique}", f"t{unique}Limits"),
                  AzureLimitStore(*limit_clients(settings), f"l-{unique}", f"t{unique}Limits"))


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Azurite alone, started the way the integration stack starts it."""
    from devhost.stack import Stack

    with Stack(Path(tmp_path_factory.mktemp("contract")), host=False, emulators=False) as stack:
        yield stack.connection_string


@pytest.fixture(params=BACKENDS)
def stores(request: pytest.FixtureRequest) -> Stores:
    if request.param == "memory":
        return memory_stores()
    return azure_stores(request.getfixturevalue("azurite"))
