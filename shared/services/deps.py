"""The dependencies every use case receives: built once per worker by ``shared.bootstrap``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shared.config import Settings
from shared.ports import Clock, CrmClient, GraphClient, StoredOptions

if TYPE_CHECKING:  # the adapters pull in the Azure SDKs: keep them out of cold-start imports
    from shared.adapters.capture_store import (
        TableCaptureLedger,
        TableContactCache,
        TableCounters,
        TableDecisionLog,
        TableThreadIndex,
    )
    from shared.adapters.config_store import (
        TableDeltaTokenRepository,
        TableMailboxRepository,
        TableOptionsRepository,
        TableSubscriptionRepository,
    )


@dataclass
class Services:
    settings: Settings
    graph: GraphClient
    crm: CrmClient
    queue: Any  # StorageMessageQueue
    poison_queue: Any
    options: TableOptionsRepository
    mailboxes: TableMailboxRepository
    subscriptions: TableSubscriptionRepository
    delta_tokens: TableDeltaTokenRepository
    ledger: TableCaptureLedger
    decisions: TableDecisionLog
    contact_cache: TableContactCache
    threads: TableThreadIndex
    counters: TableCounters
    clock: Clock = field(default_factory=Clock)
    max_dequeue_count: int = 5
    blobs: Any = None  # BlobStore for .eml copies
    _options_cache: tuple[float, StoredOptions] | None = None

    def current_options(self, max_age_s: float = 15.0) -> StoredOptions:
        """Options change rarely; re-reading them for every email would double the table traffic."""
        cached = self._options_cache
        if cached is None or time.monotonic() - cached[0] > max_age_s:
            cached = (time.monotonic(), self.options.get())
            self._options_cache = cached
        return cached[1]

    def forget_options(self) -> None:
        self._options_cache = None
