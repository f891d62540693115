"""The status call reads the stores a fixed number of times, whatever the number of mailboxes and the volume of
mail (issue 17 item 5): one query per kind of row, never one per mailbox, folder or email."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from typing import Any

from shared.services.status import status
from tests.usecases.world import MAILBOX, World

PORTS = ("mailboxes", "subscriptions", "delta_tokens", "counters", "stats", "queue", "poison_queue", "bulk_queue",
         "bulk_poison_queue", "decisions", "options", "ledger", "contact_cache", "threads", "blobs", "graph", "crm")


class Counting:
    """A port that counts the calls made to it (status reads from several threads at once)."""

    def __init__(self, inner: Any, name: str, calls: Counter[str], lock: threading.Lock) -> None:
        self._inner, self._name, self._calls, self._lock = inner, name, calls, lock

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        if not callable(value):
            return value

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self._calls[f"{self._name}.{attr}"] += 1
            return value(*args, **kwargs)
        return counted


def store_calls(world: World) -> Counter[str]:
    calls: Counter[str] = Counter()
    lock = threading.Lock()
    deps = replace(world.deps, **{p: Counting(getattr(world.deps, p), p, calls, lock) for p in PORTS})
    document = status(deps)
    assert document["mailboxes"], "the status shows the watched mailboxes"
    return calls


def test_status_calls_do_not_grow_with_the_mailboxes(world: World) -> None:
    one = store_calls(world)
    for n in range(12):
        world.watch(f"member{n}@association.example")
    thirteen = store_calls(world)
    assert len(status(world.deps)["mailboxes"]) == 13
    assert thirteen == one, f"1 mailbox: {dict(one)}; 13 mailboxes: {dict(thirteen)}"
    assert sum(one.values()) <= 16


def test_status_calls_do_not_grow_with_the_mail(world: World) -> None:
    before = store_calls(world)
    for _ in range(25):
        world.receive(world.mail())
    world.run()
    assert status(world.deps)["last_24h"]["messages"] == 25
    assert store_calls(world) == before


def test_status_shows_each_folders_delta_row(world: World) -> None:
    world.watch("member@association.example")
    for address in (MAILBOX, "member@association.example"):
        [mine] = [m for m in status(world.deps)["mailboxes"] if m["address"] == address]
        assert {f["folder"] for f in mine["folders"]} == {"inbox", "sentitems"}
        assert all(f["delta_updated_at"] and f["delta_lag_seconds"] is not None for f in mine["folders"])
