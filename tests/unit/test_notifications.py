from __future__ import annotations

import pytest

from shared.domain.notifications import (
    BadNotification,
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
        [note] = parse_change_notifications({"value": [CREATED]})
        assert (note.subscription_id, note.client_state, note.message_id, note.user) == (
            "sub-1", "secret", "AAMk=", "0b3c")

    def test_falls_back_to_the_resource_path(self) -> None:
        item = {k: v for k, v in CREATED.items() if k != "resourceData"}
        assert parse_change_notifications({"value": [item]})[0].message_id == "AAMk="

    @pytest.mark.parametrize("body", [None, [], {"value": "x"}, {"value": [1]}, {"value": [{"clientState": "x"}]}])
    def test_refuses_what_is_not_a_notification(self, body: object) -> None:
        with pytest.raises(BadNotification):
            parse_change_notifications(body)


class TestLifecycleNotifications:
    @pytest.mark.parametrize("event", ["reauthorizationRequired", "subscriptionRemoved", "missed"])
    def test_reads_each_event(self, event: str) -> None:
        body = {"value": [{"subscriptionId": "s", "clientState": "c", "lifecycleEvent": event}]}
        assert parse_lifecycle_notifications(body)[0].event == event

    def test_refuses_unknown_events(self) -> None:
        with pytest.raises(BadNotification):
            parse_lifecycle_notifications({"value": [{"subscriptionId": "s", "lifecycleEvent": "boom"}]})
