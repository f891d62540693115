"""Entity-group transactions on Azurite built and read as bytes (shared/adapters/multipart.py): Azurite's real
answers, success and each failure the stores rely on, are read without the library's ``email`` parser and give
what the library gives (results; exception type, status, error code, failing index, message)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core import MatchConditions
from azure.core.rest import _helpers as rest_helpers
from azure.core.rest import _http_response_impl
from azure.core.utils import _pipeline_transport_rest_shared as library
from azure.data.tables import TableClient, UpdateMode

from devhost.stack import Stack
from shared.adapters import multipart

pytestmark = pytest.mark.integration
STALE = 'W/"datetime\'2020-01-01T00%3A00%3A00Z\'"'


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TableClient]:
    assert multipart.install()
    with Stack(tmp_path_factory.mktemp("transactions"), host=False, emulators=False) as stack:
        table = TableClient.from_connection_string(stack.connection_string, "Transactions")
        table.create_table()
        yield table
        table.close()


def submitted(client: TableClient, operations: list[Any]) -> Any:
    """The result (etags in number only: each write makes new ones), or the exception as a caller sees it."""
    try:
        return ["etag" in meta for meta in client.submit_transaction(operations)]
    except Exception as exc:  # noqa: BLE001 - compared field by field
        message = re.sub(r"(RequestId|Time)[:\"\w.\-]*", r"\1", str(exc))
        return type(exc), getattr(exc, "status_code", None), getattr(exc, "error_code", None), \
            getattr(exc, "index", None), message


def cases(pk: str) -> list[list[Any]]:
    row = {"PartitionKey": pk, "RowKey": "1", "text": "é\u2603", "n": 3}
    return [
        [("create", {**row, "RowKey": str(i)}) for i in range(3)],  # success, each part 201 or 204
        [("upsert", {**row, "RowKey": str(i)}, {"mode": UpdateMode.MERGE}) for i in range(5)],
        [("create", {**row, "RowKey": "9"}), ("create", row)],  # 409 EntityAlreadyExists at index 1
        [("delete", {"PartitionKey": pk, "RowKey": "x"})],  # 404 ResourceNotFound
        [("update", row, {"etag": STALE, "match_condition": MatchConditions.IfNotModified})],  # 412
        [("delete", {"PartitionKey": pk, "RowKey": str(i)}) for i in range(5)],
    ]


def test_azurites_answers_give_what_the_library_gives(client: TableClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the library's email-based multipart code ran")
    with monkeypatch.context() as ours_only:
        for name in ("_prepare_multipart_body_helper", "_get_raw_parts_helper"):
            ours_only.setattr(library, name, refuse)
        ours = [submitted(client, operations) for operations in cases(uuid.uuid4().hex)]
    monkeypatch.setattr(rest_helpers, "_prepare_multipart_body_helper", library._prepare_multipart_body_helper)
    monkeypatch.setattr(_http_response_impl, "_get_raw_parts_helper", library._get_raw_parts_helper)
    assert ours == [submitted(client, operations) for operations in cases(uuid.uuid4().hex)]
    assert ours[0] == [True] * 3 and ours[2][1:4] == (409, "EntityAlreadyExists", 1)
    assert [outcome[1:3] for outcome in ours[3:5]] == [(404, "ResourceNotFound"), (412, "UpdateConditionNotSatisfied")]
