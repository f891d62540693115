"""Delta query for a mail folder through msgraph-sdk: paging, deltaLink rounds, @removed, 410 resets."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.message import Message
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.mail_folders.item.messages.delta.delta_request_builder import DeltaRequestBuilder
from msgraph.generated.users.item.messages.item.move.move_post_request_body import MovePostRequestBody

from tests.emulators.conftest import SDK_WARNINGS, Connect, Emulator

pytestmark = [pytest.mark.integration, *SDK_WARNINGS]
DeltaQuery = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters


async def sync_round(client: Any, user: str, link: str | None = None, **query: Any) -> tuple[list[Any], str, int]:
    """One delta round: (items, deltaLink, pages), following nextLinks with odata.maxpagesize=2."""
    delta = client.users.by_user_id(user).mail_folders.by_mail_folder_id("inbox").messages.delta
    config = RequestConfiguration(query_parameters=DeltaQuery(**query) if query else None)
    config.headers.add("Prefer", "odata.maxpagesize=2")
    config.headers.add("Prefer", 'IdType="ImmutableId"')  # the ids the control API reports
    page = await (delta.with_url(link) if link else delta).get(config)
    items, pages = list(page.value), 1
    while page.odata_next_link:
        assert "$skiptoken=" in page.odata_next_link and len(page.value) == 2
        page = await delta.with_url(page.odata_next_link).get(config)
        items, pages = items + list(page.value), pages + 1
    assert "$deltatoken=" in page.odata_delta_link
    return items, page.odata_delta_link, pages


def removed(items: list[Any]) -> set[str]:
    return {m.id for m in items if (m.additional_data or {}).get("@removed") == {"reason": "deleted"}}


class TestDeltaRounds:
    def test_initial_round_pages_then_later_round_reports_only_changes(self, emu: Emulator,
                                                                       graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        ids = [emu.deliver("alice@contoso.com", {"subject": f"m{i}"})["id"] for i in range(5)]

        async def scenario(client: Any) -> tuple[Any, ...]:
            first, link, pages = await sync_round(client, user, select=["subject", "isRead"])
            messages = client.users.by_user_id(user).messages
            await messages.by_message_id(ids[0]).patch(Message(is_read=True))
            await messages.by_message_id(ids[1]).move.post(MovePostRequestBody(destination_id="archive"))
            await messages.by_message_id(ids[2]).delete()
            new_id = emu.deliver("alice@contoso.com", {"subject": "new"})["id"]
            second, next_link, _ = await sync_round(client, user, link)
            third, _, _ = await sync_round(client, user, next_link)
            return first, pages, second, third, new_id

        first, pages, second, third, new_id = asyncio.run(self._run(graph_client, scenario))
        assert (sorted(m.subject for m in first), pages) == ([f"m{i}" for i in range(5)], 3)
        assert removed(second) == {ids[1], ids[2]}
        changed = {m.id: m for m in second if m.id not in removed(second)}
        assert set(changed) == {ids[0], new_id}
        assert changed[ids[0]].is_read is True and changed[new_id].subject == "new"
        assert changed[new_id].body is None  # the initial $select travels inside the tokens
        assert third == []

    def test_change_type_created_reports_arrivals_only(self, emu: Emulator, graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        old = emu.deliver("alice@contoso.com", {"subject": "old"})["id"]

        async def scenario(client: Any) -> list[Any]:
            _, link, _ = await sync_round(client, user, change_type="created")
            emu.control.delete(f"/_emulator/mailboxes/alice@contoso.com/messages/{old}")
            emu.deliver("alice@contoso.com", {"subject": "arrived"})
            items, _, _ = await sync_round(client, user, link)
            return items

        assert [m.subject for m in asyncio.run(self._run(graph_client, scenario))] == ["arrived"]

    @staticmethod
    async def _run(graph_client: Connect, scenario: Any) -> Any:
        async with graph_client() as client:
            return await scenario(client)


class TestDeltaReset:
    def test_expired_tokens_answer_410_sync_state_not_found_with_restart_location(
            self, emu: Emulator, graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        emu.deliver("alice@contoso.com", {"subject": "kept"})

        async def scenario(client: Any) -> tuple[Any, ...]:
            _, link, _ = await sync_round(client, user)
            emu.set("mailboxes/alice@contoso.com/expire-delta-tokens", {})
            with pytest.raises(ODataError) as caught:
                await sync_round(client, user, link)
            return caught.value, link

        error, link = asyncio.run(TestDeltaRounds._run(graph_client, scenario))
        assert error.response_status_code == 410 and error.error.code == "syncStateNotFound"
        raw = emu.api.get(link)
        assert raw.status_code == 410 and raw.json()["error"]["code"] == "syncStateNotFound"
        restart = emu.api.get(raw.headers["location"])  # a full sync from scratch
        assert [m["subject"] for m in restart.json()["value"]] == ["kept"]

    def test_unknown_tokens_answer_410_sync_state_invalid(self, emu: Emulator) -> None:
        emu.mailbox()
        base = "/users/alice@contoso.com/mailFolders('inbox')/messages/delta()"
        for token in ("$deltatoken", "$skiptoken"):
            response = emu.api.get(base, params={token: "not-a-token"})
            assert response.status_code == 410 and response.json()["error"]["code"] == "syncStateInvalid"
