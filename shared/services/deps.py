"""The dependencies every use case receives: built once per worker by ``shared.bootstrap``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shared.config import Settings
from shared.domain.mailbox import Mailbox
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
    _mailbox_cache: dict[str, tuple[float, Mailbox | None]] = field(default_factory=dict)

    def current_options(self, max_age_s: float = 15.0) -> StoredOptions:
        """Options change rarely; re-reading them for every email would double the table traffic."""
        cached = self._options_cache
        if cached is None or time.monotonic() - cached[0] > max_age_s:
            cached = (time.monotonic(), self.options.get())
            self._options_cache = cached
        return cached[1]

    def forget_options(self) -> None:
        self._options_cache = None
        self._mailbox_cache.clear()

    def mailbox(self, address: str, max_age_s: float = 15.0) -> Mailbox | None:
        """The watched mailbox's settings, cached briefly like the options (admin changes apply within 15 s)."""
        hit = self._mailbox_cache.get(address)
        if hit is None or hit[1] is None or time.monotonic() - hit[0] > max_age_s:
            hit = (time.monotonic(), self.mailboxes.get(address))  # "not watched" is never cached
            self._mailbox_cache[address] = hit
        return hit[1]
