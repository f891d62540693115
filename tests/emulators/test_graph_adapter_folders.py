"""The product's Graph adapter on mail folders, against the Graph emulator: every page of a listing, one level at a
time, the well-known folders' ids, a message's parentFolderId, and a 404 for a well-known folder a mailbox lacks."""

from __future__ import annotations

import pytest

from shared.adapters.graph import SdkGraphClient
from shared.domain.errors import ResourceNotFound
from shared.ports import FetchSpec
from tests.emulators.conftest import SDK_WARNINGS, Emulator

pytestmark = [pytest.mark.integration, *SDK_WARNINGS]
BOX = "alice@contoso.com"


def test_every_page_of_the_top_level_and_one_level_below(emu: Emulator, adapter: SdkGraphClient) -> None:
    for n in range(7):  # 8 well-known + 7: two pages of Graph's default 10
        emu.set(f"mailboxes/{BOX}/folders", {"displayName": f"Client {n}"})
    nested = emu.set(f"mailboxes/{BOX}/folders", {"displayName": "CRM", "parent": "Client 3"})
    top = adapter.list_folders(BOX, None)
    assert len(top) == 15 and "CRM" not in {f.display_name for f in top}
    parent = next(f for f in top if f.display_name == "Client 3")
    assert parent.child_count == 1
    assert [(f.id, f.display_name) for f in adapter.list_folders(BOX, parent.id)] == [(nested["id"], "CRM")]


def test_well_known_ids_match_the_parent_folder_of_messages(emu: Emulator, adapter: SdkGraphClient) -> None:
    delivered = emu.deliver(BOX, {"subject": "s", "from": {"emailAddress": {"address": "c@example.org"}}},
                            folder="junkemail")
    fetched = adapter.get_message(BOX, delivered["id"], FetchSpec())
    assert fetched.message.folder_id == adapter.folder_id(BOX, "junkemail") != adapter.folder_id(BOX, "inbox")


def test_a_folder_that_is_not_there_is_a_not_found(adapter: SdkGraphClient) -> None:
    with pytest.raises(ResourceNotFound):
        adapter.folder_id(BOX, "clutter")  # a well-known name the emulated mailbox does not have
