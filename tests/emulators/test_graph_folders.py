"""The Graph emulator's mail folders, as strict as Graph: one level per listing, hidden folders only when asked,
pages with nextLink, ids or well-known names in paths (a display name is not a folder id), nested folders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.emulators.conftest import Emulator, HookUrl

pytestmark = pytest.mark.integration
BOX = "alice@contoso.com"


def folder(emu: Emulator, name: str, parent: str = "", hidden: bool = False) -> str:
    return str(emu.set(f"mailboxes/{BOX}/folders", {"displayName": name, "parent": parent, "isHidden": hidden})["id"])


def names(answer: dict) -> list[str]:
    return [f["displayName"] for f in answer["value"]]


def test_the_top_level_holds_only_the_roots_children(emu: Emulator) -> None:
    emu.mailbox()
    projects = folder(emu, "Projects", "inbox")
    folder(emu, "Alpha", projects)
    top = emu.api.get(f"/users/{BOX}/mailFolders", params={"$top": "50"}).json()
    assert "Inbox" in names(top) and "Projects" not in names(top) and "Alpha" not in names(top)
    inbox = next(f for f in top["value"] if f["displayName"] == "Inbox")
    assert inbox["childFolderCount"] == 1
    children = emu.api.get(f"/users/{BOX}/mailFolders/inbox/childFolders").json()
    assert names(children) == ["Projects"]
    assert names(emu.api.get(f"/users/{BOX}/mailFolders/{projects}/childFolders").json()) == ["Alpha"]


def test_hidden_folders_only_when_asked(emu: Emulator) -> None:
    emu.mailbox()
    folder(emu, "Clutter", hidden=True)
    listing = f"/users/{BOX}/mailFolders"
    assert "Clutter" not in names(emu.api.get(listing, params={"$top": "50"}).json())
    shown = emu.api.get(listing, params={"$top": "50", "includeHiddenFolders": "true"}).json()
    assert next(f for f in shown["value"] if f["displayName"] == "Clutter")["isHidden"] is True


def test_pages_of_ten_by_default_with_a_next_link(emu: Emulator) -> None:
    emu.mailbox()
    for n in range(5):
        folder(emu, f"F{n}")  # 8 well-known + 5: more than the default page of 10
    first = emu.api.get(f"/users/{BOX}/mailFolders", params={"$select": "id,displayName"}).json()
    assert len(first["value"]) == 10 and set(first["value"][0]) <= {"id", "displayName"}
    rest = emu.api.get(first["@odata.nextLink"]).json()
    assert len(rest["value"]) == 3 and "@odata.nextLink" not in rest


@pytest.mark.parametrize("path", ["/mailFolders/Projects", "/mailFolders/Projects/messages",
                                  "/mailFolders/Projects/messages/delta", "/mailFolders/nope/childFolders"])
def test_a_display_name_is_not_a_folder_id(emu: Emulator, path: str) -> None:
    emu.mailbox()
    folder(emu, "Projects")
    answer = emu.api.get(f"/users/{BOX}{path}")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "ErrorItemNotFound"


def test_a_filter_on_folders_is_refused_not_ignored(emu: Emulator) -> None:
    emu.mailbox()
    answer = emu.api.get(f"/users/{BOX}/mailFolders", params={"$filter": "displayName eq 'Inbox'"})
    assert answer.status_code == 400


def test_a_subscription_on_an_unknown_folder_is_refused(emu: Emulator, hook_url: HookUrl) -> None:
    user = emu.mailbox()["id"]
    body = {"changeType": "created", "notificationUrl": hook_url("hooks/f"), "clientState": "s",
            "expirationDateTime": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            "resource": f"users/{user}/mailFolders('CRM')/messages"}
    answer = emu.api.post("/subscriptions", json=body)
    assert answer.status_code == 404 and emu.get("subscriptions")["value"] == []


def test_a_rule_filing_on_arrival_is_created_in_the_folder(emu: Emulator) -> None:
    emu.mailbox()
    alpha = folder(emu, "Alpha", folder(emu, "Projects", "inbox"))
    delivered = emu.deliver(BOX, {"subject": "filed"}, folder=alpha)
    message = emu.api.get(f"/users/{BOX}/messages/{delivered['id']}", params={"$select": "parentFolderId"}).json()
    assert message["parentFolderId"] == alpha
    assert emu.api.get(f"/users/{BOX}/mailFolders/inbox/messages").json()["value"] == []


def parent_of(emu: Emulator, folder_id: str) -> str:
    return str(emu.api.get(f"/users/{BOX}/mailFolders/{folder_id}").json()["parentFolderId"])


def test_a_deleted_folder_moves_with_its_mail_and_subfolders_to_deleted_items(emu: Emulator) -> None:
    emu.mailbox()
    crm = folder(emu, "CRM", "inbox")
    inner = folder(emu, "Old", crm)
    kept = emu.deliver(BOX, {"subject": "filed"}, folder=crm)
    answer = emu.api.delete(f"/users/{BOX}/mailFolders/{crm}")
    assert answer.status_code == 204 and answer.content == b""
    deleted_items = emu.api.get(f"/users/{BOX}/mailFolders/deleteditems").json()["id"]
    assert parent_of(emu, crm) == deleted_items and parent_of(emu, inner) == crm  # same ids, now under Deleted
    assert names(emu.api.get(f"/users/{BOX}/mailFolders/inbox/childFolders").json()) == []
    assert names(emu.api.get(f"/users/{BOX}/mailFolders/deleteditems/childFolders").json()) == ["CRM"]
    message = emu.api.get(f"/users/{BOX}/messages/{kept['id']}", params={"$select": "parentFolderId"}).json()
    assert message["parentFolderId"] == crm


def test_permanent_delete_removes_the_folder_its_subfolders_and_their_mail(emu: Emulator) -> None:
    emu.mailbox()
    crm = folder(emu, "CRM")
    inner = folder(emu, "Old", crm)
    gone = emu.deliver(BOX, {"subject": "filed"}, folder=inner)
    assert emu.api.delete(f"/users/{BOX}/mailFolders/{crm}").status_code == 204  # to Deleted Items first
    assert emu.api.post(f"/users/{BOX}/mailFolders/{crm}/permanentDelete").status_code == 204
    for path in (f"/mailFolders/{crm}", f"/mailFolders/{inner}/messages/delta", f"/messages/{gone['id']}"):
        answer = emu.api.get(f"/users/{BOX}{path}")
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "ErrorItemNotFound"


@pytest.mark.parametrize("ref", ["nope", "AAMkAGVmMDEzM"])
@pytest.mark.parametrize("how", ["DELETE", "POST"])
def test_deleting_an_unknown_folder_is_graphs_404(emu: Emulator, ref: str, how: str) -> None:
    emu.mailbox()
    path = f"/users/{BOX}/mailFolders/{ref}" + ("/permanentDelete" if how == "POST" else "")
    answer = emu.api.request(how, path)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "ErrorItemNotFound"
    assert set(answer.json()["error"]) == {"code", "message", "innerError"}


@pytest.mark.parametrize("ref", ["inbox", "DeletedItems", "sentitems", "msgfolderroot"])
def test_a_well_known_folder_cannot_be_deleted(emu: Emulator, ref: str) -> None:
    emu.mailbox()
    before = names(emu.api.get(f"/users/{BOX}/mailFolders", params={"$top": "50"}).json())
    for how, path in (("DELETE", ""), ("POST", "/permanentDelete")):
        answer = emu.api.request(how, f"/users/{BOX}/mailFolders/{ref}{path}")
        assert answer.status_code == 400, (how, ref)
        assert answer.json()["error"]["code"] == "ErrorDeleteDistinguishedFolder"
    assert names(emu.api.get(f"/users/{BOX}/mailFolders", params={"$top": "50"}).json()) == before
