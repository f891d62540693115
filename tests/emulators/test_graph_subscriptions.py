"""Subscriptions through msgraph-sdk: validation handshake, limits, renew, delete, reauthorize, expiry."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.subscription import Subscription

from emulators.graph.sink import WebhookSink
from tests.emulators.conftest import SDK_WARNINGS, Connect, Emulator, HookUrl

pytestmark = [pytest.mark.integration, *SDK_WARNINGS]


def subscription(user: str, hook: str, minutes: float = 60, **extra: Any) -> Subscription:
    return Subscription(change_type="created", notification_url=hook, client_state="s3cret",
                        resource=f"users/{user}/mailFolders('Inbox')/messages",
                        expiration_date_time=datetime.now(UTC) + timedelta(minutes=minutes), **extra)


def run(graph_client: Connect, use: Any, token: str = "app-token") -> Any:
    async def call() -> Any:
        async with graph_client(token) as client:
            return await use(client)
    return asyncio.run(call())


def odata_error(graph_client: Connect, use: Any) -> ODataError:
    with pytest.raises(ODataError) as caught:
        run(graph_client, use)
    return caught.value


class TestCreate:
    def test_handshake_validates_both_urls_then_creates(self, emu: Emulator, graph_client: Connect,
                                                         sink: WebhookSink, hook_url: HookUrl) -> None:
        user = emu.mailbox()["id"]
        body = subscription(user, hook_url("hooks/change"), lifecycle_notification_url=hook_url("hooks/life"))
        created = run(graph_client, lambda c: c.subscriptions.post(body))
        assert created.id and created.client_state == "s3cret" and created.application_id
        assert created.resource == f"users/{user}/mailFolders('Inbox')/messages"
        for path in ("hooks/change", "hooks/life"):
            [check] = sink.validations(path)
            assert check["contentType"].startswith("text/plain")
            assert check["token"].startswith("Validation: ")  # spaces and a colon: must be URL-decoded
        listed = run(graph_client, lambda c: c.subscriptions.get())
        assert [s.id for s in listed.value] == [created.id]
        other_app = run(graph_client, lambda c: c.subscriptions.get(), token="another-app")
        assert other_app.value == []

    @pytest.mark.parametrize(("behaviour", "code", "message"), [
        ({"echo": "wrong"}, "ValidationError", "Response must exactly match validationToken"),
        ({"echo_status": 500}, "ValidationError", "must respond with 200 OK"),
        ({"echo_delay_s": 1.0}, "InvalidRequest", "timed out"),
    ])
    def test_failed_handshake_creates_nothing(self, emu: Emulator, graph_client: Connect, sink: WebhookSink,
                                              hook_url: HookUrl, behaviour: dict[str, Any], code: str,
                                              message: str) -> None:
        user = emu.mailbox()["id"]
        emu.set("notifications", {"validationTimeoutSeconds": 0.3})
        sink.configure("hooks/bad", **behaviour)
        error = odata_error(graph_client, lambda c: c.subscriptions.post(subscription(user, hook_url("hooks/bad"))))
        assert error.response_status_code == 400 and error.error is not None
        assert error.error.code == code and message in str(error.error.message)
        assert emu.get("subscriptions")["value"] == []

    @pytest.mark.parametrize(("minutes", "extra", "code"), [
        (10_081, {}, "ExtensionError"), (-5, {}, "ExtensionError"), (60, {"client_state": "x" * 129}, "InvalidRequest"),
    ])
    def test_limits_from_the_docs_are_enforced(self, emu: Emulator, graph_client: Connect, hook_url: HookUrl,
                                               minutes: int, extra: dict[str, Any], code: str) -> None:
        user = emu.mailbox()["id"]
        body = subscription(user, hook_url("hooks/limits"), minutes)
        for key, value in extra.items():
            setattr(body, key, value)
        error = odata_error(graph_client, lambda c: c.subscriptions.post(body))
        assert error.response_status_code == 400 and error.error is not None and error.error.code == code

    def test_longest_allowed_expiry_is_accepted(self, emu: Emulator, graph_client: Connect, hook_url: HookUrl) -> None:
        user = emu.mailbox()["id"]
        created = run(graph_client, lambda c: c.subscriptions.post(subscription(user, hook_url("h"), 10_079)))
        assert created.expiration_date_time > datetime.now(UTC) + timedelta(days=6.9)


class TestLifetime:
    def test_renew_reauthorize_and_delete(self, emu: Emulator, graph_client: Connect, hook_url: HookUrl) -> None:
        user = emu.mailbox()["id"]
        later = datetime.now(UTC) + timedelta(days=2)

        async def scenario(client: Any) -> tuple[Any, ...]:
            sub = await client.subscriptions.post(subscription(user, hook_url("hooks/life")))
            item = client.subscriptions.by_subscription_id(sub.id)
            renewed = await item.patch(Subscription(expiration_date_time=later))
            await item.reauthorize.post()
            fetched = await item.get()
            await item.delete()
            with pytest.raises(ODataError) as gone:
                await item.get()
            return renewed, fetched, gone.value

        renewed, fetched, gone = run(graph_client, scenario)
        assert abs(renewed.expiration_date_time - later) < timedelta(seconds=1)
        assert fetched.expiration_date_time == renewed.expiration_date_time
        assert gone.response_status_code == 404

    def test_expired_subscription_is_gone_and_silent(self, emu: Emulator, graph_client: Connect,
                                                      hook_url: HookUrl) -> None:
        user = emu.mailbox()["id"]
        sub = run(graph_client, lambda c: c.subscriptions.post(subscription(user, hook_url("hooks/exp"), 30)))
        emu.set("clock", {"advance_seconds": 31 * 60})
        error = odata_error(graph_client, lambda c: c.subscriptions.by_subscription_id(sub.id).get())
        assert error.response_status_code == 404
        renew = odata_error(graph_client, lambda c: c.subscriptions.by_subscription_id(sub.id).patch(
            Subscription(expiration_date_time=datetime.now(UTC) + timedelta(days=1))))
        assert renew.response_status_code == 404
        emu.deliver("alice@contoso.com", {"subject": "after expiry"})
        status = emu.get("notifications")
        assert (status["pending"], status["log"]) == (0, [])
