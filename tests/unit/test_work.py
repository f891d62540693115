"""The queue envelope: one parse/serialise pair for every kind of work, versioned."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.work import (
    BATCH_CHARS,
    BATCH_IDS,
    VERSION,
    BadWork,
    CatchUp,
    FolderRefresh,
    ImportStep,
    LifecycleEvent,
    MessageBatch,
    Renewal,
    Work,
    WorkItem,
    batches,
    deferred,
    parse_work,
    to_payload,
)

EVERY_KIND: list[Work] = [
    WorkItem("m@association.example", "AAMk=", "sentitems", "delta"),
    WorkItem("m@association.example", "AAMk=", subscription_id="sub-1", deferrals=2),
    LifecycleEvent("subscriptionRemoved", "sub-1"),
    CatchUp("m@association.example", "inbox", "onboarding", datetime(2026, 11, 2, 12, 0, tzinfo=UTC)),
    CatchUp("m@association.example", "inbox"),
    CatchUp("m@association.example", "sentitems", "backstop", queued_at=datetime(2026, 11, 30, 20, tzinfo=UTC)),
    ImportStep("m@association.example", deferrals=1),
    Renewal("sub-1"),
    Renewal("sub-2", deferrals=3),
    FolderRefresh("m@association.example"),
    CatchUp("m@association.example", "capture"),  # the mailbox's capture folder: its id stays on the mailbox row
    MessageBatch("m@association.example", ("AAMk1=", "AAMk2="), "sentitems", "import"),
    MessageBatch("m@association.example", ("AAMk3=",), "AAMkFolder==", "delta", deferrals=2),
]


class TestEnvelope:
    @pytest.mark.parametrize("work", EVERY_KIND, ids=lambda w: type(w).__name__)
    def test_every_kind_round_trips_with_its_version(self, work: Work) -> None:
        payload = to_payload(work)
        expected = 3 if isinstance(work, MessageBatch) else 2 if getattr(work, "folder", "inbox") == "capture" else 1
        assert payload["v"] == expected
        assert parse_work(payload) == work

    @pytest.mark.parametrize("folder", ["capture", "mailbox", "AAMkAGFolderId=="])
    def test_folders_a_version_1_worker_would_skip_need_version_2(self, folder: str) -> None:
        assert to_payload(WorkItem("m@association.example", "AAMk=", folder))["v"] == 2
        assert to_payload(CatchUp("m@association.example", folder))["v"] == 2
        assert to_payload(WorkItem("m@association.example", "AAMk=", "SentItems"))["v"] == 1

    def test_messages_queued_before_the_version_field_are_still_read(self) -> None:
        assert parse_work({"mailbox": "M@Association.example", "message_id": "x", "folder": "inbox",
                           "source": "webhook", "subscription_id": "s"}) == \
            WorkItem("m@association.example", "x", "inbox", "webhook", "s")
        catch_up = parse_work({"kind": "catch_up", "mailbox": "m@x.example", "folder": "inbox", "why": "w",
                               "since": "2026-11-02T12:00:00+00:00"})
        assert isinstance(catch_up, CatchUp) and catch_up.since == datetime(2026, 11, 2, 12, tzinfo=UTC)
        assert parse_work({"kind": "import", "mailbox": "m@x.example", "deferrals": 3}) == \
            ImportStep("m@x.example", 3)

    def test_deferred_counts_one_more_deferral(self) -> None:
        assert deferred(LifecycleEvent("missed", "s")).deferrals == 1
        assert to_payload(deferred(ImportStep("m@x.example")))["deferrals"] == 1
        assert "deferrals" not in to_payload(ImportStep("m@x.example"))

    @pytest.mark.parametrize(("payload", "says"), [
        ([1, 2], "JSON object"),
        ({"v": VERSION + 1, "mailbox": "m", "message_id": "x"}, "version"),
        ({"v": "1", "mailbox": "m", "message_id": "x"}, "version"),
        ({"kind": "teleport"}, "unknown work kind"),
        ({"mailbox": "m@x.example"}, "message_id"),
        ({"mailbox": "m@x.example", "message_id": 7}, "message_id"),
        ({"kind": "lifecycle", "event": "missed"}, "subscription_id"),
        ({"kind": "renewal"}, "subscription_id"),
        ({"kind": "folders"}, "mailbox"),
        ({"kind": "catch_up", "mailbox": "m", "folder": "inbox", "since": "yesterday"}, "since"),
        ({"kind": "catch_up", "mailbox": "m", "folder": "inbox", "queued_at": "soon"}, "queued_at"),
        ({"kind": "import", "mailbox": "m", "deferrals": -1}, "deferrals"),
        ({"kind": "import", "mailbox": "m", "deferrals": True}, "deferrals"),
        ({"v": 2, "kind": "messages", "mailbox": "m", "message_ids": ["a"]}, "version 3"),
        ({"v": 3, "kind": "messages", "mailbox": "m"}, "message_ids must be a list"),
        ({"v": 3, "kind": "messages", "mailbox": "m", "message_ids": "a,b"}, "message_ids must be a list"),
        ({"v": 3, "kind": "messages", "mailbox": "m", "message_ids": []}, "message_ids must be a list"),
        ({"v": 3, "kind": "messages", "mailbox": "m", "message_ids": ["a"] * 101}, "message_ids must be a list"),
        ({"v": 3, "kind": "messages", "mailbox": "m", "message_ids": ["a", ""]}, "non-empty strings"),
        ({"v": 3, "kind": "messages", "mailbox": "m", "message_ids": ["a", 7]}, "non-empty strings"),
        ({"v": 3, "kind": "messages", "message_ids": ["a"]}, "mailbox"),
    ])
    def test_what_is_not_ours_is_refused_with_the_reason(self, payload: Any, says: str) -> None:
        with pytest.raises(BadWork, match=says):
            parse_work(payload)


class TestBatches:
    def test_a_worker_that_predates_batches_refuses_them(self) -> None:
        """Version 3 is the batch's: a version-2 worker refuses it (BadWork, retried, poison) instead of reading
        the unknown kind as something else and skipping the mail it names."""
        assert VERSION == 3
        payload = to_payload(MessageBatch("m@x.example", ("a",)))
        assert payload["v"] == 3 and payload["kind"] == "messages" and payload["message_ids"] == ["a"]

    def test_ids_are_cut_by_count_and_by_size_in_order(self) -> None:
        ids = [f"id-{i}" for i in range(BATCH_IDS * 2 + 5)]
        cut = list(batches("m@x.example", ids, "inbox", "import"))
        assert [len(b.message_ids) for b in cut] == [BATCH_IDS, BATCH_IDS, 5]
        assert [i for b in cut for i in b.message_ids] == ids
        assert {(b.mailbox, b.folder, b.source) for b in cut} == {("m@x.example", "inbox", "import")}
        long = ["x" * (BATCH_CHARS // 3 + 1)] * 4  # three do not fit
        assert [len(b.message_ids) for b in batches("m@x.example", long, "inbox", "delta")] == [2, 2]
        assert list(batches("m@x.example", [], "inbox", "delta")) == []

    def test_a_full_batch_of_long_ids_stays_far_under_the_queue_message_limit(self) -> None:
        """64 KiB per message (Put Message), and the host base64-encodes it (4/3)."""
        graph_id = "AAMkAGI2TG93AAA=" * 10  # ~160 characters, as long as Graph's message ids
        batch = next(batches("m@association.example", [f"{graph_id}{i}" for i in range(500)], "inbox", "import"))
        wire = base64.b64encode(json.dumps(to_payload(batch)).encode())
        assert len(batch.message_ids) == BATCH_IDS and len(wire) < 32 * 1024

    def test_an_id_named_twice_is_captured_once(self) -> None:
        work = parse_work({"v": 3, "kind": "messages", "mailbox": "M@x.example", "message_ids": ["a", "b", "a"]})
        assert work == MessageBatch("m@x.example", ("a", "b"), "inbox", "import")
