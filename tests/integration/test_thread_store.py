"""The thread index on Azurite: a batch's rows go out in one transaction per bucket, and rows written in the
former layout (partition = the key) are still found."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from devhost.stack import Stack
from shared.adapters import thread_store
from shared.adapters.tables import Tables, safe_key, table_service
from shared.adapters.thread_store import TableThreadIndex
from shared.domain.matching import ContactRef

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with Stack(tmp_path_factory.mktemp("threads"), host=False, emulators=False) as stack:
        yield stack.connection_string


@pytest.fixture
def index(storage: str) -> TableThreadIndex:
    tables = Tables(table_service(SimpleNamespace(storage_connection=storage)),  # type: ignore[arg-type]
                    f"t{uuid.uuid4().hex[:8]}")
    return TableThreadIndex(tables.threads)


def test_a_batch_of_emails_is_one_transaction_per_bucket(index: TableThreadIndex) -> None:
    table = index._table  # noqa: SLF001
    sent: list[int] = []
    real = table.client.submit_transaction
    table.client.submit_transaction = lambda ops, **kw: (sent.append(len(list(ops))), real(ops, **kw))[1]
    links = [([f"conv:c{n}", f"mid:m{n}@example.org"], (ContactRef(f"{n}", f"Member {n}"),)) for n in range(40)]
    index.add_many(links)
    assert sum(sent) == 80 and len(sent) <= thread_store.BUCKETS  # 80 rows, not 80 requests
    assert [c.id for c in index.contacts_for(["mid:m7@example.org"])] == ["7"]
    assert [c.name for c in index.contacts_for(["conv:c39", "conv:c1"])] == ["Member 39", "Member 1"]


def test_rows_of_the_former_layout_are_still_found(index: TableThreadIndex) -> None:
    index._table.upsert({"PartitionKey": "mid:old@example.org", "RowKey": "20001",  # noqa: SLF001
                         "ContactId": "20001", "Name": "Alice Moreau"})
    index.add(["mid:old@example.org"], (ContactRef("20002", "Bob"),))
    assert sorted(c.id for c in index.contacts_for(["mid:old@example.org"])) == ["20001", "20002"]


def test_without_rows_of_the_former_layout_a_key_is_one_query(index: TableThreadIndex) -> None:
    index.add(["conv:new"], (ContactRef("20003", "Cy"),))
    table = index._table  # noqa: SLF001
    looked: list[str] = []
    real = table.partition
    table.partition = lambda pk: (looked.append(pk), real(pk))[1]  # type: ignore[method-assign]
    assert [c.id for c in index.contacts_for(["conv:new", "mid:none@example.org"])] == ["20003"]
    assert looked == []


def test_forgetting_a_contact_deletes_its_rows_of_both_layouts(index: TableThreadIndex) -> None:
    table = index._table  # noqa: SLF001
    for pk, contact in (("mid:old@example.org", "20001"), ("mid:old@example.org", "20002"), ("conv:old", "20001")):
        table.upsert({"PartitionKey": pk, "RowKey": contact, "ContactId": contact, "Name": f"Contact {contact}"})
    index.add(["mid:new@example.org", "conv:old"], (ContactRef("20001", "Alice"), ContactRef("20002", "Bob")))
    assert index.forget_contact("20001") == 4
    assert [c.id for c in index.contacts_for(["mid:old@example.org", "mid:new@example.org", "conv:old"])] == ["20002"]
    assert [r["ContactId"] for r in table.all()] == ["20002"] * 3


def test_a_row_already_gone_does_not_keep_the_others(index: TableThreadIndex) -> None:
    """Table storage fails a whole batch on one missing row (a concurrent erasure): the rest are still deleted."""
    index.add(["conv:a", "conv:b"], (ContactRef("20004", "Di"),))
    table = index._table  # noqa: SLF001
    rows = [{"PartitionKey": r["PartitionKey"], "RowKey": r["RowKey"]} for r in table.all()]
    ghost = {"PartitionKey": rows[0]["PartitionKey"], "RowKey": "conv:gone|20004"}
    assert table.delete_many([*rows, ghost]) == 2
    assert list(table.all()) == []


def test_rows_of_the_former_layout_move_into_the_buckets_a_bounded_number_a_run(index: TableThreadIndex) -> None:
    table = index._table  # noqa: SLF001
    hashed = "conv:AAQkAGI2/x+y="  # "/" is forbidden in Table keys: its former partition is a hash of it
    former = [("mid:old@example.org", "20001"), ("conv:plain", "20002"), (safe_key(hashed), "20003")]
    for pk, contact in former:
        table.upsert({"PartitionKey": pk, "RowKey": contact, "ContactId": contact, "Name": f"Contact {contact}"})
    index.add(["conv:plain"], (ContactRef("20002", "Bob"),))  # linked again since: the same link in both layouts
    keys = ["mid:old@example.org", "conv:plain", hashed]
    real, table.delete_many = table.delete_many, _fail  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):  # stopped between the rewrite and the delete
        index.move_former_rows(2)
    table.delete_many = real  # type: ignore[method-assign]
    assert sorted(c.id for c in index.contacts_for(keys)) == ["20001", "20002", "20003"]
    assert index.move_former_rows(2) == 2 and index.move_former_rows(2) == 1 and index.move_former_rows(2) == 0
    assert not [r for r in table.all() if r["PartitionKey"] < "thread-"]
    assert not index._former_left()  # noqa: SLF001
    assert [[c.id for c in index.contacts_for([key])] for key in keys] == [["20001"], ["20002"], ["20003"]]
    assert index.forget_contact("20003") == thread_store.BUCKETS  # the hashed key's row, in every bucket


def _fail(rows: object) -> int:
    raise RuntimeError("stopped")
