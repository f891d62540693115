"""Everything one emulator instance knows, in one object the routes and the control API share."""

from __future__ import annotations

from dataclasses import dataclass

from emulators.graph.clock import Clock
from emulators.graph.delta import DeltaRegistry
from emulators.graph.ids import new_guid
from emulators.graph.mailstore import MailStore
from emulators.graph.notifier import Notifier
from emulators.graph.subscriptions import SubscriptionRegistry
from emulators.graph.throttle import Stats, Throttler


@dataclass(slots=True)
class Settings:
    max_subscription_minutes: int = 10_080
    default_page_size: int = 10
    max_page_size: int = 1000
    batch_limit: int = 20
    batch_parallelism: int = 4  # Outlook runs up to 4 requests of a batch at once (throttling-limits.md)
    # Most navigation properties one $expand may name; 0 = no limit. Whether Exchange serves two at once has no
    # Microsoft example (docs/wire-fidelity.md G2): 1 stands in for a Graph that refuses, to test the fallback.
    max_expand: int = 0


class GraphState:
    def __init__(self, tenant_id: str | None = None) -> None:
        self.tenant_id = tenant_id or new_guid()
        self._init()

    def _init(self) -> None:
        self.clock = Clock()
        self.settings = Settings()
        self.store = MailStore(self.clock)
        self.deltas = DeltaRegistry()
        self.subscriptions = SubscriptionRegistry()
        self.throttler = Throttler(self.clock)
        self.stats = Stats()
        self.notifier = Notifier(self.clock, self.tenant_id, self.subscriptions)
        self.store.listeners.append(self.notifier.on_store_event)

    async def reset(self) -> None:
        """Forget all mailboxes, subscriptions, tokens, faults and counters; keep the tenant id."""
        await self.notifier.aclose()
        self._init()
