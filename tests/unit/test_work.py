"""The queue envelope: one parse/serialise pair for every kind of work, versioned."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.work import (
    VERSION,
    BadWork,
    CatchUp,
    FolderRefresh,
    ImportStep,
    LifecycleEvent,
    Renewal,
    Work,
    WorkItem,
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
]


class TestEnvelope:
    @pytest.mark.parametrize("work", EVERY_KIND, ids=lambda w: type(w).__name__)
    def test_every_kind_round_trips_with_its_version(self, work: Work) -> None:
        payload = to_payload(work)
        assert payload["v"] == (VERSION if getattr(work, "folder", "inbox") == "capture" else 1)
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
    ])
    def test_what_is_not_ours_is_refused_with_the_reason(self, payload: Any, says: str) -> None:
        with pytest.raises(BadWork, match=says):
            parse_work(payload)
