"""Whole-mailbox capture (issue 16 item 2): one subscription on the mailbox's messages; each message's folder is
its parentFolderId, so mail an Outlook rule files into any folder is captured, and Deleted Items, Junk Email,
Drafts, Outbox and Conversation History never are. The backstop walks the folder tree (delta is per folder)."""

from __future__ import annotations

import pytest

from shared.domain.work import LifecycleEvent, to_payload
from shared.services.admin_options import preview_options
from shared.services.delta import run_all
from shared.services.status import status
from tests.usecases.world import MAILBOX, World, options_doc


@pytest.fixture
def world() -> World:
    w = World()
    w.alpha = w.graph.add_folder(MAILBOX, "Alpha", parent=w.graph.add_folder(  # type: ignore[attr-defined]
        MAILBOX, "Projects", parent=w.graph.folder_ref_id("inbox")))
    w.watch(capture_whole_mailbox=True)
    return w


def arrives_in(world: World, folder: str, **mail: object) -> str:
    """Delivered straight into ``folder`` (a rule on arrival) and announced by the mailbox's subscription."""
    mid = world.arrive(world.mail(**mail), folder=folder)
    world.notify(mid, folder="mailbox")
    world.run()
    return mid


def test_one_subscription_on_the_mailbox_replaces_the_folders(world: World) -> None:
    subs = world.deps.subscriptions.for_mailbox(MAILBOX)
    assert [(s.folder, s.resource) for s in subs] == [("mailbox", f"users/{MAILBOX}/messages")]


def test_status_shows_the_whole_mailbox_as_one_subscription_on_its_messages(world: World) -> None:
    world.set_options(never_capture_folders=["Inbox/Personal"])
    [mine] = [m for m in status(world.deps)["mailboxes"] if m["address"] == MAILBOX]
    [row] = mine["folders"]
    assert row["watches"] == "whole_mailbox" and row["resource"] == f"users/{MAILBOX}/messages"
    assert row["subscription_id"] and not row["subscription_expired"]
    assert row["excluded_folders"] == ["conversationhistory", "deleteditems", "drafts", "junkemail", "outbox",
                                       "Inbox/Personal"]


def test_status_of_folder_capture_names_each_folders_resource() -> None:
    world = World()
    world.watch()
    [mine] = [m for m in status(world.deps)["mailboxes"] if m["address"] == MAILBOX]
    assert {(f["watches"], f["resource"]) for f in mine["folders"]} == {
        ("folder", f"users/{MAILBOX}/mailFolders('inbox')/messages"),
        ("folder", f"users/{MAILBOX}/mailFolders('sentitems')/messages")}
    assert all("excluded_folders" not in f for f in mine["folders"])


def test_mail_filed_into_a_subfolder_is_captured_once(world: World) -> None:
    mid = arrives_in(world, world.alpha)  # type: ignore[attr-defined]
    assert world.outcome(mid)["outcome"] == "captured"
    assert len(world.crm.records_for(world.alice.id)) == 1


@pytest.mark.parametrize(("folder", "reason"), [
    ("junkemail", "deleted_or_junk"), ("deleteditems", "deleted_or_junk"), ("drafts", "draft"),
    ("outbox", "folder_out_of_scope"), ("conversationhistory", "folder_out_of_scope"),
])
def test_excluded_folders_are_recognised_by_their_parent_folder(world: World, folder: str, reason: str) -> None:
    assert world.outcome(arrives_in(world, folder))["reason"] == reason
    assert world.crm.records == {}


def test_sent_items_are_outbound(world: World) -> None:
    mid = arrives_in(world, "sentitems", sender=MAILBOX, to="alice.moreau@example.org")
    assert world.outcome(mid)["outcome"] == "captured"
    [(record, _)] = world.crm.records.values()
    assert "Outbound" in str(record.fields)


def test_the_well_known_folder_ids_are_asked_once_per_mailbox(world: World) -> None:
    for _ in range(3):
        arrives_in(world, world.alpha)  # type: ignore[attr-defined]
    assert world.graph.calls.count("folder_id") == 8  # the eight placed folders, once (then the worker's cache)


def test_a_mailbox_without_conversation_history_still_works() -> None:
    world = World()
    world.graph.missing_well_known.add("conversationhistory")
    world.watch(capture_whole_mailbox=True)
    assert world.outcome(arrives_in(world, "inbox"))["outcome"] == "captured"


def test_the_backstop_walks_every_included_folder_of_the_tree(world: World) -> None:
    missed = world.arrive(world.mail(), folder=world.alpha)  # type: ignore[attr-defined]  # no notification
    junk = world.arrive(world.mail(), folder="junkemail")
    assert run_all(world.deps) == [f"{MAILBOX}/mailbox"]  # one walk per mailbox: no Graph call in the timer
    world.run()
    assert world.outcome(missed)["outcome"] == "captured"
    assert all(e["message_id"] != junk for e in world.log.search(mailbox=MAILBOX, limit=1000))  # never queued
    walked = {folder for (box, folder) in world.deps.delta_tokens.rows if box == MAILBOX}  # type: ignore[attr-defined]
    assert world.alpha in walked and "id-inbox" in walked  # type: ignore[attr-defined]
    assert not walked & {"id-junkemail", "id-deleteditems", "id-drafts", "id-outbox", "id-conversationhistory"}


def test_the_capture_folder_still_wins_inside_the_whole_mailbox() -> None:
    world = World()
    crm = world.graph.add_folder(MAILBOX, "CRM")
    world.watch(capture_whole_mailbox=True, capture_folder="CRM")
    mid = arrives_in(world, crm, headers=(("Precedence", "bulk"),))
    assert world.outcome(mid)["reason"] == "capture_folder"


def test_switching_it_on_later_replaces_the_folder_subscriptions() -> None:
    world = World()
    world.watch()
    assert {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)} == {"inbox", "sentitems"}
    world.watch(capture_whole_mailbox=True)
    assert {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)} == {"mailbox"}
    assert len(world.graph.subscriptions) == 1  # the old ones deleted at Graph too


def test_a_never_capture_folder_is_left_out_by_its_parent_folder_and_never_walked() -> None:
    world = World()
    private = world.graph.add_folder(MAILBOX, "Personal", parent=world.graph.folder_ref_id("inbox"))
    world.set_options(internal_domains=["association.example"], never_capture_folders=["inbox/personal"])
    world.watch(capture_whole_mailbox=True)
    entry = world.outcome(arrives_in(world, private))
    assert (entry["outcome"], entry["reason"]) == ("skipped", "excluded_by_user")
    assert_never_walked(world, private)


def test_the_import_lists_the_whole_mailbox_and_leaves_junk_out() -> None:
    world = World()
    alpha = world.graph.add_folder(MAILBOX, "Alpha")
    old, junk = world.arrive(world.mail(), folder=alpha), world.arrive(world.mail(), folder="junkemail")
    world.watch(capture_whole_mailbox=True, import_days=30)
    assert "captured" in world.outcomes(old)  # the onboarding walk may find it too: then a duplicate, once
    assert len(world.crm.records_for(world.alice.id)) == 1
    assert world.outcome(junk)["reason"] == "deleted_or_junk"


def test_a_missed_lifecycle_event_walks_the_tree(world: World) -> None:
    missed = world.arrive(world.mail(), folder=world.alpha)  # type: ignore[attr-defined]
    [sub] = world.deps.subscriptions.for_mailbox(MAILBOX)
    world.queue.send([to_payload(LifecycleEvent("missed", sub.id))])
    world.run()
    assert world.outcome(missed)["outcome"] == "captured"


def test_the_preview_places_logged_mail_where_it_is(world: World) -> None:
    junk = arrives_in(world, "junkemail")
    filed = arrives_in(world, world.alpha)  # type: ignore[attr-defined]
    answers = {a["message_id"] if "message_id" in a else a["entry_id"]: a for a in
               preview_options(options_doc(internal_domains=["association.example"]), 10, world.deps)}
    by_id = {e["entry_id"]: e["message_id"] for e in world.log.search(mailbox=MAILBOX, contact_id="", limit=100)}
    decided = {by_id[k]: v["current"] for k, v in answers.items() if k in by_id}
    assert decided[junk]["reason"] == "deleted_or_junk" and decided[filed]["decision"] == "capture"


def test_the_folder_ids_are_asked_again_after_an_hour(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import shared.services.folders as folders

    arrives_in(world, world.alpha)  # type: ignore[attr-defined]
    later = folders.time.monotonic() + folders.KNOWN_FOLDERS_MAX_AGE_S + 1
    monkeypatch.setattr(folders.time, "monotonic", lambda: later)
    arrives_in(world, world.alpha)  # type: ignore[attr-defined]
    assert world.graph.calls.count("folder_id") == 16


def test_a_folder_inside_deleted_items_is_excluded_like_deleted_items() -> None:
    world = World()  # a folder its owner deletes moves, with its mail, under Deleted Items
    deleted = world.graph.add_folder(MAILBOX, "Old project", parent=world.graph.folder_ref_id("deleteditems"))
    world.watch(capture_whole_mailbox=True)
    entry = world.outcome(arrives_in(world, deleted))
    assert (entry["outcome"], entry["reason"]) == ("skipped", "deleted_or_junk")
    assert_never_walked(world, deleted)
    assert world.crm.records == {}


def test_the_subfolders_of_a_never_capture_folder_are_never_captured() -> None:
    world = World()
    personal = world.graph.add_folder(MAILBOX, "Personal", parent=world.graph.folder_ref_id("inbox"))
    family = world.graph.add_folder(MAILBOX, "Family", parent=world.graph.add_folder(MAILBOX, "Home", parent=personal))
    world.set_options(internal_domains=["association.example"], never_capture_folders=["inbox/personal"])
    world.watch(capture_whole_mailbox=True)
    entry = world.outcome(arrives_in(world, family))
    assert (entry["outcome"], entry["reason"]) == ("skipped", "excluded_by_user")
    assert world.crm.records == {}


def test_a_user_folder_beside_an_excluded_one_is_still_captured(world: World) -> None:
    world.graph.add_folder(MAILBOX, "Old project", parent=world.graph.folder_ref_id("deleteditems"))
    world.deps.caches.folder_ids.clear()
    assert world.outcome(arrives_in(world, world.alpha))["outcome"] == "captured"  # type: ignore[attr-defined]


def assert_never_walked(world: World, folder: str) -> None:
    """Mail arriving in ``folder`` without a notification is not found by the backstop either: never walked."""
    missed = world.arrive(world.mail(), folder=folder)
    run_all(world.deps)
    world.run()
    assert all(e["message_id"] != missed for e in world.log.search(mailbox=MAILBOX, limit=1000))
    assert folder not in {walked for (_, walked) in world.deps.delta_tokens.rows}  # type: ignore[attr-defined]
