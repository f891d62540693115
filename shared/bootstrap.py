"""Composition root: builds the real adapters from settings, once per worker process.

Tests replace the whole thing with ``override(services)``; nothing else constructs clients.
"""

from __future__ import annotations

import gc
import json
import os
import threading
from pathlib import Path
from typing import Any

from shared.config import Settings, host_override
from shared.services.deps import Services

_lock = threading.Lock()
GRAPH_CALL_TIMEOUT_S = 45.0
_services: Services | None = None


def max_dequeue_count(host_json: Path = Path(__file__).resolve().parent.parent / "host.json") -> int:
    """Read from host.json so the worker knows its last attempt (and records why) without a second setting.
    An app setting AzureFunctionsJobHost__extensions__queues__maxDequeueCount overrides host.json, as in Azure."""
    override = host_override(os.environ, "extensions__queues__maxDequeueCount")
    if override.isdigit():
        return int(override)
    try:
        return int(json.loads(host_json.read_text())["extensions"]["queues"]["maxDequeueCount"])
    except (OSError, KeyError, ValueError):
        return 5


def build_services(settings: Settings) -> Services:
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
    from shared.adapters.credentials import graph_credential, storage_credential
    from shared.adapters.graph import SdkGraphClient, build_sdk_client
    from shared.adapters.http_costs import quiet_request_logs
    from shared.adapters.imis import ImisCrmClient
    from shared.adapters.imis import http_client as imis_http_client
    from shared.adapters.mime import message_from_mime
    from shared.adapters.pacing import MailboxPacer
    from shared.adapters.queues import StorageMessageQueue, queue_client
    from shared.adapters.stats_store import TableOutcomeStats
    from shared.adapters.tables import Tables, table_service
    from shared.adapters.thread_store import TableThreadIndex

    quiet_request_logs()  # no log record per Graph, CRM and storage request (http_costs)
    storage_cred = storage_credential(settings)
    tables = Tables(table_service(settings, storage_cred), settings.table_prefix)
    counters = TableCounters(tables.counters)
    limits = _shared_limits(settings, storage_cred)
    imis_http = imis_http_client(settings.imis_base_url)
    return Services(
        settings=settings,
        graph=SdkGraphClient(build_sdk_client(graph_credential(settings), settings.graph_base_url),
                             timeout=GRAPH_CALL_TIMEOUT_S, pacer=MailboxPacer(4, *settings.mailbox_budget),
                             limits=limits["graph"]),
        crm=ImisCrmClient(imis_http, settings.imis_username, settings.imis_password, settings.crm_concurrency,
                          site_slots=limits["crm"]),
        queue=StorageMessageQueue(queue_client(settings, settings.queue_name, storage_cred)),
        poison_queue=StorageMessageQueue(queue_client(settings, settings.poison_queue_name, storage_cred)),
        bulk_queue=StorageMessageQueue(queue_client(settings, settings.bulk_queue_name, storage_cred)),
        bulk_poison_queue=StorageMessageQueue(queue_client(settings, settings.bulk_poison_queue_name, storage_cred)),
        options=TableOptionsRepository(tables.options, tables.optionshistory),
        mailboxes=TableMailboxRepository(tables.mailboxes),
        subscriptions=TableSubscriptionRepository(tables.subscriptions),
        delta_tokens=TableDeltaTokenRepository(tables.deltatokens),
        ledger=TableCaptureLedger(tables.captures),
        decisions=TableDecisionLog(tables.decisions),
        contact_cache=TableContactCache(tables.contactcache, counters),
        threads=TableThreadIndex(tables.threads),
        counters=counters,
        stats=TableOutcomeStats(tables.counters, tables.tallies),
        parse_mime=message_from_mime,
        max_dequeue_count=max_dequeue_count(),
        blobs=AzureBlobStore(blob_service(settings, storage_cred), settings.blob_container),
    )


def _shared_limits(settings: Settings, credential: object) -> dict[str, Any]:
    """Graph's per-mailbox limits and the CRM's per-site concurrency, held across instances in Azure Storage.
    A slot's lease (60 s) outlives any call made under it: Graph calls time out after GRAPH_CALL_TIMEOUT_S and
    an instance reuses a slot for at most 10 s of starts."""
    from shared.adapters.limit_store import AzureLimitStore, limit_clients
    from shared.adapters.shared_budget import SharedBudget
    from shared.adapters.shared_limits import SharedLimits, SharedSemaphore
    from shared.domain.errors import CrmUnavailable, GraphUnavailable

    store = AzureLimitStore(*limit_clients(settings, credential), settings.blob_container + "-limits",
                            settings.table_prefix + "Limits")
    budget, window = settings.mailbox_budget
    return {
        "graph": SharedLimits(SharedSemaphore(store, "graph", 4, GraphUnavailable),
                              SharedBudget(store, "graph", budget, window, GraphUnavailable)),
        "crm": SharedSemaphore(store, "crm", settings.crm_concurrency, CrmUnavailable),
    }


def get_services() -> Services:
    global _services
    with _lock:
        if _services is None:
            _services = build_services(Settings.from_env(os.environ))
            # What is loaded by now (the app, the SDKs, their clients) lives as long as the process: moved out of
            # the collector's way, a full collection no longer walks it (40-120 ms a time with the SDKs loaded,
            # a pause of every invocation): https://docs.python.org/3.11/library/gc.html#gc.freeze
            gc.freeze()
        return _services


def override(services: Services | None) -> None:
    global _services
    with _lock:
        _services = services
