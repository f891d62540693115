"""The dependencies every use case receives: built once per worker by ``shared.bootstrap``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from shared.config import Settings
from shared.domain.lanes import Lane
from shared.domain.mailbox import Mailbox
from shared.domain.matching import ContactRef
from shared.domain.model import Folder
from shared.ports import (
    BlobStore,
    CaptureLedger,
    Clock,
    ContactCache,
    Counters,
    CrmClient,
    DecisionLog,
    DeltaTokenRepository,
    GraphClient,
    MailboxRepository,
    MessageQueue,
    MimeParser,
    OptionsRepository,
    OutcomeStats,
    StoredOptions,
    SubscriptionRecord,
    SubscriptionRepository,
    ThreadIndex,
)

if TYPE_CHECKING:
    from shared.services.crm_check import Report


@dataclass
class SubscriptionSnapshot:
    known: dict[str, SubscriptionRecord | None] = field(default_factory=dict)  # None: asked, unknown
    loaded_at: float = -1e9  # time.monotonic() of the last full read


@dataclass
class WorkerCaches:
    """What one worker keeps in memory between invocations. Owned by ``Services``, so a new composition root
    (``bootstrap.override``) starts with empty caches: nothing leaks from one test or stack to the next."""

    captured_today: dict[str, tuple[float, int]] = field(default_factory=dict)  # mailbox|day -> (read at, count)
    unlogged_captures: dict[str, int] = field(default_factory=dict)  # mailbox|day -> captured, not yet counted
    contacts: dict[str, tuple[float, tuple[ContactRef, ...]]] = field(default_factory=dict)  # address -> hit
    subscriptions: SubscriptionSnapshot = field(default_factory=SubscriptionSnapshot)  # the webhook's view
    last_seen: dict[str, float] = field(default_factory=dict)  # subscription id -> last "last notification" write
    renewal_started: bool = False  # the first renewal after a start renews everything
    folder_ids: dict[str, tuple[float, dict[str, Folder]]] = field(default_factory=dict)  # mailbox|never -> ids
    crm_preflight: tuple[float, Report] | None = None  # (monotonic read time, verdict): the capture gate's
    options: tuple[float, StoredOptions] | None = None  # (monotonic read time, options): Services.current_options


@dataclass
class Services:
    settings: Settings
    graph: GraphClient
    crm: CrmClient
    queue: MessageQueue  # the live lane (mail-messages): webhook mail, lifecycle work (shared/domain/lanes.py)
    poison_queue: MessageQueue
    bulk_queue: MessageQueue  # the bulk lane (mail-bulk): the import, the backstop's walks and their batches
    bulk_poison_queue: MessageQueue
    options: OptionsRepository
    mailboxes: MailboxRepository
    subscriptions: SubscriptionRepository
    delta_tokens: DeltaTokenRepository
    ledger: CaptureLedger
    decisions: DecisionLog
    contact_cache: ContactCache
    threads: ThreadIndex
    counters: Counters
    stats: OutcomeStats  # outcome counts kept at write time (status, charts)
    parse_mime: MimeParser
    clock: Clock = field(default_factory=Clock)
    max_dequeue_count: int = 5
    blobs: BlobStore | None = None  # .eml copies
    caches: WorkerCaches = field(default_factory=WorkerCaches)
    lane: Lane = Lane.LIVE  # the lane of the queue message being handled: where its follow-up work goes
    _mailbox_cache: dict[str, tuple[float, Mailbox | None]] = field(default_factory=dict)

    @property
    def follow_up(self) -> MessageQueue:
        """The queue of this message's lane: a deferral, a batch's failing id, a walk's batches go back there."""
        return self.queue_of(self.lane)

    def queue_of(self, lane: Lane) -> MessageQueue:
        return self.bulk_queue if lane == Lane.BULK else self.queue

    @property
    def poison_name(self) -> str:
        """The poison queue the host moves this lane's failing messages to (named in the decision log)."""
        return self.settings.bulk_poison_queue_name if self.lane == Lane.BULK else self.settings.poison_queue_name

    def poison_of(self, lane: Lane) -> MessageQueue:
        return self.bulk_poison_queue if lane == Lane.BULK else self.poison_queue

    def on_lane(self, lane: Lane) -> Services:
        """This worker's view for a message of ``lane``: the same adapters and caches (``caches`` and the mailbox
        cache are shared objects), so the copy costs microseconds."""
        return self if lane == self.lane else replace(self, lane=lane)

    def current_options(self, max_age_s: float = 15.0) -> StoredOptions:
        """Options change rarely; re-reading them for every email would double the table traffic."""
        cached = self.caches.options  # in the worker's caches: a lane's or a batch's view shares it
        if cached is None or time.monotonic() - cached[0] > max_age_s:
            cached = (time.monotonic(), self.options.get())
            self.caches.options = cached
        return cached[1]

    def forget_options(self) -> None:
        self.caches.options = None
        self._mailbox_cache.clear()

    def forget_mailbox(self, address: str) -> None:
        """After an admin change: this instance uses the new settings at once (others within 15 s)."""
        self._mailbox_cache.pop(address, None)

    def mailbox(self, address: str, max_age_s: float = 15.0) -> Mailbox | None:
        """The watched mailbox's settings, cached briefly like the options (admin changes apply within 15 s)."""
        hit = self._mailbox_cache.get(address)
        if hit is None or hit[1] is None or time.monotonic() - hit[0] > max_age_s:
            hit = (time.monotonic(), self.mailboxes.get(address))  # "not watched" is never cached
            self._mailbox_cache[address] = hit
        return hit[1]
