"""The contact cache on Azurite: the purge generation is read at most every GENERATION_S, so a purge reaches the
worker that made it at once and every other worker within that time (as their in-memory contacts do)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from devhost.stack import Stack
from shared.adapters import capture_store
from shared.adapters.capture_store import TableContactCache
from shared.adapters.counters import TableCounters
from shared.adapters.tables import Tables, table_service
from shared.domain.matching import ContactRef

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 1, tzinfo=UTC)
TTL = timedelta(minutes=30)
ADA = (ContactRef("20001", "Ada"),)


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with Stack(tmp_path_factory.mktemp("contacts"), host=False, emulators=False) as stack:
        yield stack.connection_string


@pytest.fixture
def workers(storage: str) -> tuple[TableContactCache, TableContactCache, list[str]]:
    tables = Tables(table_service(SimpleNamespace(storage_connection=storage)),  # type: ignore[arg-type]
                    f"t{uuid.uuid4().hex[:8]}")
    counters = TableCounters(tables.counters)
    reads: list[str] = []
    real = counters.get
    counters.get = lambda name, scope: (reads.append(name), real(name, scope))[1]  # type: ignore[method-assign]
    return TableContactCache(tables.contactcache, counters), TableContactCache(tables.contactcache, counters), reads


def test_the_generation_is_read_once_for_many_look_ups(workers: tuple[TableContactCache, TableContactCache,
                                                                      list[str]]) -> None:
    one, _, reads = workers
    one.put("ada@example.org", ADA, NOW)
    for _ in range(5):
        assert one.get("ada@example.org", TTL, NOW) == ADA
    assert reads == ["contact-cache"]


def test_a_purge_reaches_its_worker_at_once_and_the_others_within_the_time(
        workers: tuple[TableContactCache, TableContactCache, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    one, other, _ = workers
    one.put("ada@example.org", ADA, NOW)
    assert other.get("ada@example.org", TTL, NOW) == ADA
    one.purge()
    assert one.get("ada@example.org", TTL, NOW) is None
    assert other.get("ada@example.org", TTL, NOW) == ADA  # within GENERATION_S: its memory, as documented
    monkeypatch.setattr(capture_store, "GENERATION_S", 0.0)  # the time has passed
    assert other.get("ada@example.org", TTL, NOW) is None
