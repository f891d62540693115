from __future__ import annotations

import pytest

from shared.domain.notifications import (
    MAX_NOTIFICATIONS,
    BadNotification,
    TooManyNotifications,
    parse_change_notifications,
    parse_lifecycle_notifications,
)

CREATED = {
    "subscriptionId": "sub-1", "clientState": "secret", "changeType": "created",
    "resource": "Users/0b3c/Messages/AAMk=", "tenantId": "t",
    "resourceData": {"@odata.type": "#Microsoft.Graph.Message", "@odata.id": "Users/0b3c/Messages/AAMk=",
                     "id": "AAMk="},
}


class TestChangeNotifications:
    def test_reads_the_documented_shape(self) -> None:
        [note] = parse_change_notifications({"value": [CREATED]}).notes
        assert (note.subscription_id, note.client_state, note.message_id, note.user) == (
            "sub-1", "secret", "AAMk=", "0b3c")

    def test_falls_back_to_the_resource_path(self) -> None:
        item = {k: v for k, v in CREATED.items() if k != "resourceData"}
        assert parse_change_notifications({"value": [item]}).notes[0].message_id == "AAMk="

    @pytest.mark.parametrize("body", [None, [], {"value": "x"}, {"values": []}, "value"])
    def test_refuses_what_is_not_a_notification_collection(self, body: object) -> None:
        with pytest.raises(BadNotification):
            parse_change_notifications(body)

    @pytest.mark.parametrize("bad", [
        1, "x", None, [], {"clientState": "x"}, {"subscriptionId": "sub-1"},
        {**CREATED, "subscriptionId": ["sub-1"]}, {**CREATED, "subscriptionId": "a\u0000b"},
        {**CREATED, "resourceData": {"id": "id with space"}}, {**CREATED, "resourceData": {"id": "x" * 1025}},
    ])
    def test_each_entry_is_judged_alone(self, bad: object) -> None:
        batch = parse_change_notifications({"value": [CREATED, bad, CREATED]})
        assert [n.message_id for n in batch.notes] == ["AAMk=", "AAMk="]
        assert batch.malformed == 1

    def test_more_entries_than_the_cap_are_refused_as_a_whole(self) -> None:
        assert len(parse_change_notifications({"value": [CREATED] * MAX_NOTIFICATIONS}).notes) == MAX_NOTIFICATIONS
        with pytest.raises(TooManyNotifications):
            parse_change_notifications({"value": [CREATED] * (MAX_NOTIFICATIONS + 1)})


class TestLifecycleNotifications:
    @pytest.mark.parametrize("event", ["reauthorizationRequired", "subscriptionRemoved", "missed"])
    def test_reads_each_event(self, event: str) -> None:
        body = {"value": [{"subscriptionId": "s", "clientState": "c", "lifecycleEvent": event}]}
        assert parse_lifecycle_notifications(body).notes[0].event == event

    def test_refuses_unknown_events_one_by_one(self) -> None:
        good = {"subscriptionId": "s", "lifecycleEvent": "missed"}
        batch = parse_lifecycle_notifications({"value": [{"subscriptionId": "s", "lifecycleEvent": "boom"}, good]})
        assert ([n.event for n in batch.notes], batch.malformed) == (["missed"], 1)
