"""The capture folder (issue 16 item 1): what its owner files there is captured whatever the rules say, still
matched to contacts and de-duplicated; the admin's blocks and the owner's own "never" mark still win."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.domain.errors import BadRequest, PermanentError, ResourceNotFound
from shared.domain.mailbox import Mailbox
from shared.domain.work import CatchUp, LifecycleEvent, to_payload
from shared.services.delta import run_all, run_queued
from shared.services.mailboxes import onboard_mailbox
from shared.services.maintenance import daily
from shared.services.status import status
from shared.services.subscriptions import renew_subscriptions
from tests.usecases.world import MAILBOX, World


@pytest.fixture
def world() -> World:
    w = World()
    w.crm_folder = w.graph.add_folder(MAILBOX, "CRM")  # type: ignore[attr-defined]
    w.watch(capture_folder="crm")  # display names compare without case
    return w


def filed(world: World, **mail: object) -> str:
    """A message the owner put in the capture folder, announced by its subscription."""
    mid = world.arrive(world.mail(**mail), folder=world.crm_folder)  # type: ignore[attr-defined]
    world.notify(mid, folder="capture")
    world.run()
    return mid


def test_the_folder_is_resolved_by_name_and_subscribed_by_id(world: World) -> None:
    stored = world.deps.mailboxes.get(MAILBOX)
    assert stored is not None and stored.capture_folder_id == world.crm_folder  # type: ignore[attr-defined]
    resources = {s.folder: s.resource for s in world.deps.subscriptions.for_mailbox(MAILBOX)}
    assert resources["capture"] == f"users/{MAILBOX}/mailFolders('{world.crm_folder}')/messages"  # type: ignore[attr-defined]
    assert set(resources) == {"inbox", "sentitems", "capture"}


def test_mail_a_rule_would_skip_is_captured_with_the_reason(world: World) -> None:
    mid = filed(world, headers=(("List-Id", "<news.example.org>"), ("Precedence", "bulk")))
    entry = world.outcome(mid)
    assert (entry["outcome"], entry["reason"]) == ("captured", "capture_folder")
    assert [r.contact_id for r, _ in world.crm.records.values()] == ["20001"]  # still matched to the contact


def test_private_mail_filed_there_is_captured(world: World) -> None:
    assert world.outcome(filed(world, sensitivity="private"))["outcome"] == "captured"


def test_the_same_mail_in_inbox_and_capture_folder_is_written_once(world: World) -> None:
    msg = world.mail()
    first = world.receive(msg)
    second = world.arrive(replace(msg, id=msg.id + "-copy"), folder=world.crm_folder)  # type: ignore[attr-defined]
    world.notify(second, folder="capture")
    world.run()
    assert world.outcome(first)["outcome"] == "captured"
    assert world.outcome(second)["outcome"] == "duplicate"
    assert len(world.crm.records) == 1


@pytest.mark.parametrize(("mail", "reason"), [
    ({"sender": "spam@blocked.example"}, "blocked_sender"),
    ({"categories": ("Not for CRM",)}, "excluded_by_user"),
])
def test_the_admins_blocks_and_the_owners_never_mark_still_win(world: World, mail: dict, reason: str) -> None:
    world.set_options(internal_domains=["association.example"], blocked_domains=["blocked.example"])
    world.deps.forget_options()
    entry = world.outcome(filed(world, **mail))
    assert (entry["outcome"], entry["reason"]) == ("skipped", reason)
    assert world.crm.records == {}


def test_mail_moved_into_the_folder_after_it_was_announced_counts_as_filed(world: World) -> None:
    mid = world.arrive(world.mail(headers=(("Precedence", "bulk"),)))
    world.graph.move(MAILBOX, mid, world.crm_folder)  # type: ignore[attr-defined]
    world.notify(mid)  # the Inbox notification, processed after the owner moved it
    world.run()
    assert world.outcome(mid)["reason"] == "capture_folder"


def test_the_backstop_walks_the_folder(world: World) -> None:
    mid = world.arrive(world.mail(), folder=world.crm_folder)  # type: ignore[attr-defined]  (webhook missed)
    assert f"{MAILBOX}/capture" in run_all(world.deps)
    world.run()
    assert world.outcome(mid)["reason"] == "capture_folder"


def test_a_folder_that_is_not_there_is_refused_when_saved() -> None:
    world = World()
    with pytest.raises(BadRequest, match="no folder named 'Customers'"):
        onboard_mailbox(Mailbox(address=MAILBOX, capture_folder="Customers"), world.deps)
    assert world.deps.mailboxes.get(MAILBOX) is None  # nothing saved, nothing subscribed
    assert world.deps.subscriptions.for_mailbox(MAILBOX) == []


def test_a_path_names_a_folder_inside_another() -> None:
    world = World()
    world.graph.add_folder(MAILBOX, "CRM")  # a top-level CRM is not the one the path names
    nested = world.graph.add_folder(MAILBOX, "CRM", parent=world.graph.folder_ref_id("inbox"))
    world.watch(capture_folder="Inbox/CRM")
    stored = world.deps.mailboxes.get(MAILBOX)
    assert stored is not None and stored.capture_folder_id == nested


def test_changing_the_org_default_reaches_every_watched_mailbox() -> None:
    world = World()
    office = "office@association.example"
    world.watch()
    world.watch(office)
    crm = world.graph.add_folder(MAILBOX, "CRM")  # only the first mailbox has one
    world.set_options(internal_domains=["association.example"], capture_folder="CRM")
    world.run()  # one queued refresh per mailbox: the admin call does not wait for Graph
    assert {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)} == {"inbox", "sentitems", "capture"}
    stored, other = world.deps.mailboxes.get(MAILBOX), world.deps.mailboxes.get(office)
    assert stored is not None and stored.capture_folder_id == crm
    assert other is not None and "no folder named 'CRM'" in other.folder_problem  # a problem, not a failure
    assert {s.folder for s in world.deps.subscriptions.for_mailbox(office)} == {"inbox", "sentitems"}
    world.set_options(internal_domains=["association.example"], capture_folder="")
    world.run()
    assert {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)} == {"inbox", "sentitems"}


def test_other_option_changes_queue_no_refresh(world: World) -> None:
    world.set_options(internal_domains=["association.example"], look_back_days=7)
    assert world.queue.depth() == 0


def test_the_org_default_applies_and_a_mailbox_can_turn_it_off() -> None:
    world = World()
    world.graph.add_folder(MAILBOX, "CRM")
    world.set_options(internal_domains=["association.example"], capture_folder="CRM")
    world.deps.forget_options()
    assert world.watch().capture_folder is None
    assert {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)} == {"inbox", "sentitems", "capture"}
    world.watch(capture_folder="")  # saved again without it: its subscription goes
    assert {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)} == {"inbox", "sentitems"}


@pytest.mark.parametrize("refusal", [ResourceNotFound("Graph answered 404 ErrorItemNotFound"),
                                     PermanentError("Graph answered 400 ErrorInvalidIdMalformed")])
def test_a_folder_deleted_later_is_a_mailbox_problem_not_a_crash_loop(world: World, refusal: Exception) -> None:
    world.graph.tree.clear()
    world.graph.failures["create_subscription"] = [refusal]
    for sub in world.deps.subscriptions.for_mailbox(MAILBOX):
        if sub.folder == "capture":
            world.graph.subscriptions.pop(sub.id, None)
    renew_subscriptions(world.deps, force=True)
    stored = world.deps.mailboxes.get(MAILBOX)
    assert stored is not None and "capture folder is gone" in stored.folder_problem
    assert "capture" not in {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)}


def test_status_shows_the_capture_folder_and_its_backstop(world: World) -> None:
    [mine] = [m for m in status(world.deps)["mailboxes"] if m["address"] == MAILBOX]
    capture = next(f for f in mine["folders"] if f["folder"] == "capture")
    assert capture["subscription_id"] and capture["delta_updated_at"]  # the onboarding walk keyed by its id
    assert mine["folder_problem"] == ""


def test_a_removed_capture_subscription_is_recreated_on_the_same_folder(world: World) -> None:
    [sub] = [s for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == "capture"]
    world.queue.send([to_payload(LifecycleEvent("subscriptionRemoved", sub.id))])
    world.run()
    [again] = [s for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == "capture"]
    assert again.id != sub.id and again.resource == sub.resource


@pytest.mark.parametrize("refusal", [ResourceNotFound("Graph answered 404 ErrorItemNotFound"),
                                     PermanentError("Graph answered 400 ErrorInvalidIdMalformed")])
def test_a_backstop_walk_of_a_folder_gone_ends_as_a_problem(world: World, refusal: Exception) -> None:
    world.graph.failures["delta_page"] = [refusal]
    assert run_queued(CatchUp(MAILBOX, "capture", "backstop"), world.deps).startswith("folder")
    stored = world.deps.mailboxes.get(MAILBOX)
    assert stored is not None and stored.folder_problem.startswith("the capture folder")


def test_a_refused_walk_of_a_well_known_folder_still_fails(world: World) -> None:
    world.graph.failures["delta_page"] = [PermanentError("Graph answered 403 ErrorAccessDenied")]
    with pytest.raises(PermanentError):
        run_queued(CatchUp(MAILBOX, "inbox", "backstop"), world.deps)


def test_the_historical_import_includes_the_capture_folder() -> None:
    world = World()
    crm = world.graph.add_folder(MAILBOX, "CRM")
    old = world.arrive(world.mail(headers=(("Precedence", "bulk"),)), folder=crm)
    world.watch(capture_folder="CRM", import_days=30)
    assert "captured" in world.outcomes(old)
    assert world.outcome(old)["reason"] in ("capture_folder", "already_captured")


def test_pointing_it_at_another_folder_moves_the_subscription_and_starts_a_fresh_walk(world: World) -> None:
    [before] = [s for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == "capture"]
    archive = world.graph.add_folder(MAILBOX, "Customers")
    world.watch(capture_folder="Customers")
    [after] = [s for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == "capture"]
    assert after.id != before.id and archive in after.resource and before.id not in world.graph.subscriptions
    assert world.deps.delta_tokens.get(MAILBOX, archive)[0] is not None  # walked under the new folder's id
    mid = world.arrive(world.mail(headers=(("Precedence", "bulk"),)), folder=archive)
    world.notify(mid, folder="capture")
    world.run()
    assert world.outcome(mid)["reason"] == "capture_folder"


def deleted_in_outlook(world: World, folder_id: str) -> None:
    """Outlook's delete (Graph DELETE mailFolders/{id}): the folder moves under Deleted Items, same id."""
    top = world.graph.tree[(MAILBOX, None)]
    [folder] = [f for f in top if f.id == folder_id]
    top.remove(folder)
    world.graph.tree.setdefault((MAILBOX, world.graph.folder_ref_id("deleteditems")), []).append(folder)


def test_a_folder_its_owner_deleted_goes_within_a_day_and_one_made_again_is_picked_up(world: World) -> None:
    deleted_in_outlook(world, world.crm_folder)  # type: ignore[attr-defined]
    assert daily(world.deps)["capture_folder_checks"] == 1
    assert world.queue.depth() == 0 and world.bulk.depth() == 1  # background work: the bulk lane
    world.run()
    stored = world.deps.mailboxes.get(MAILBOX)
    assert stored is not None and stored.capture_folder_id == ""
    assert "no folder named 'crm' at the top of the mailbox" in stored.folder_problem
    assert "capture" not in {s.folder for s in world.deps.subscriptions.for_mailbox(MAILBOX)}
    again = world.graph.add_folder(MAILBOX, "CRM")
    daily(world.deps)
    world.run()
    stored = world.deps.mailboxes.get(MAILBOX)
    assert stored is not None and (stored.capture_folder_id, stored.folder_problem) == (again, "")
    [sub] = [s for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == "capture"]
    assert again in sub.resource
    world.crm_folder = again  # type: ignore[attr-defined]
    assert world.outcome(filed(world))["reason"] == "capture_folder"


def test_the_daily_check_of_an_unchanged_folder_writes_nothing(world: World,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    puts: list[Mailbox] = []
    monkeypatch.setattr(world.deps.mailboxes, "put", puts.append)
    subs = {s.id for s in world.deps.subscriptions.for_mailbox(MAILBOX)}
    calls = world.graph.calls.count("list_folders")
    daily(world.deps)
    world.run()
    assert puts == []
    assert {s.id for s in world.deps.subscriptions.for_mailbox(MAILBOX)} == subs
    assert world.graph.calls.count("list_folders") == calls + 1  # one listing of the top level


def test_mailboxes_without_a_capture_folder_are_not_checked() -> None:
    world = World()
    world.watch()
    assert daily(world.deps)["capture_folder_checks"] == 0
