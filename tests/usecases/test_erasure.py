"""Erasure: list every record this service wrote for an address or a domain (from the capture ledger), delete
them only with the listing's confirmation and when deletion is switched on; each deletion is logged, a refusal
keeps its ledger row, an outage stops the run, and an erased email is never written again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.domain.errors import BadRequest, CrmRejected, CrmUnavailable, Refused
from shared.domain.model import AttachmentContent
from shared.domain.options import parse_options
from shared.services.erasure import erase, erasure_hint, erasure_list, erasure_target
from tests.usecases.world import ALICE, World


@pytest.fixture
def captured(world: World) -> World:
    """Two emails from Alice captured, one from Bob (same domain), one from a stranger's domain."""
    world.deps.settings = replace(world.deps.settings, imis_allow_delete="true")
    world.crm.add_contact("bob@example.org", "Bob", "20002")
    world.crm.add_contact("carol@elsewhere.example", "Carol", "20003")
    for sender in (ALICE, ALICE, "bob@example.org", "carol@elsewhere.example"):
        assert world.outcome(world.receive(world.mail(sender=sender)))["outcome"] == "captured"
    return world


def test_the_listing_holds_exactly_what_the_service_wrote_for_the_address(captured: World) -> None:
    ours = {rid for rid, (rec, _) in captured.crm.records.items() if rec.contact_id == "20001"}
    alice_record = captured.crm.records[min(ours)][0]
    theirs = captured.crm.write_record(alice_record, [])  # written in the CRM by someone else
    listing = erasure_list("address", ALICE, captured.deps)
    assert listing["count"] == 2 and {r["contact_id"] for r in listing["records"]} == {"20001"}
    assert {r["record_id"] for r in listing["records"]} == ours and theirs not in ours
    assert len(captured.crm.records) == 5  # listing deletes nothing


def test_a_domain_lists_every_contact_on_it(captured: World) -> None:
    listing = erasure_list("domain", "example.org", captured.deps)
    assert {r["contact_id"] for r in listing["records"]} == {"20001", "20002"}


def test_deletion_with_the_token_deletes_logs_and_never_writes_again(captured: World) -> None:
    listing = erasure_list("address", ALICE, captured.deps)
    report = erase("address", ALICE, listing["confirm"], "dpo@association.example", captured.deps)
    assert (report["deleted"], report["refused"]) == (2, 0)
    assert captured.crm.records_for("20001") == [] and len(captured.crm.records_for("20002")) == 1
    logged = [e for e in captured.log.entries if e["outcome"] == "erased"]
    assert {e["record_ids"][0] for e in logged} == {r["record_id"] for r in listing["records"]}
    assert all(e["erased_by"] == "dpo@association.example" for e in logged)
    assert erasure_list("address", ALICE, captured.deps)["count"] == 0
    # The same emails redelivered are not written again.
    for entry in [e for e in captured.log.entries if e.get("from_address") == ALICE and not e.get("contact_id")]:
        captured.notify(entry["message_id"])
    captured.run()
    assert captured.crm.records_for("20001") == []


def test_the_contacts_thread_links_are_erased_and_others_stay(captured: World) -> None:
    rows = captured.deps.threads.rows  # type: ignore[attr-defined]
    alices = sum("20001" in contacts for contacts in rows.values())
    bobs = {key for key, contacts in rows.items() if "20002" in contacts}
    assert alices >= 2 and bobs  # the captured emails linked their conversation ids and Message-IDs
    report = erase("address", ALICE, erasure_list("address", ALICE, captured.deps)["confirm"], "dpo", captured.deps)
    assert report["thread_links_deleted"] == alices
    assert not any("20001" in contacts for contacts in captured.deps.threads.rows.values())  # type: ignore[attr-defined]
    assert {c.id for c in captured.deps.threads.contacts_for(sorted(bobs))} == {"20002"}


def test_attached_files_are_erased_with_their_record(world: World) -> None:
    """Attachments are separate CRM records the record's deletion leaves behind: the ledger keeps their ids and
    erasure deletes them too, and only this email's."""
    world.deps.settings = replace(world.deps.settings, imis_allow_delete="true")
    world.set_options(internal_domains=["association.example"], attachments="all")
    world.deps.forget_options()
    world.crm.add_contact("bob@example.org", "Bob", "20002")
    files = (AttachmentContent("a.pdf", "application/pdf", b"%PDF-1.7"), AttachmentContent("b.txt", "text/plain", b"b"))
    world.receive(world.mail(has_attachments=True), files=files)
    world.receive(world.mail(sender="bob@example.org", has_attachments=True), files=files[:1])
    assert len(world.crm.files) == 3  # Alice: a.pdf and b.txt; Bob: a.pdf
    listing = erasure_list("address", ALICE, world.deps)
    [record] = listing["records"]
    assert set(record["attachments"]) == {f for f, (parent, _) in world.crm.files.items()
                                          if parent == record["record_id"]} and len(record["attachments"]) == 2
    report = erase("address", ALICE, listing["confirm"], "dpo", world.deps)
    assert (report["deleted"], report["attachments_deleted"]) == (1, 2)
    assert [parent for parent, _ in world.crm.files.values()] == list(world.crm.records)  # Bob's stays
    [logged] = [e for e in world.log.entries if e["outcome"] == "erased"]
    assert set(logged["record_ids"]) == {record["record_id"], *record["attachments"]}


def test_the_eml_copies_of_erased_emails_leave_blob_storage(world: World) -> None:
    world.deps.settings = replace(world.deps.settings, imis_allow_delete="true")
    world.set_options(internal_domains=["association.example"], save_as_eml=True)
    world.deps.forget_options()
    world.crm.add_contact("bob@example.org", "Bob", "20002")
    world.receive(world.mail(subject="Alice's question"))
    world.receive(world.mail(sender="bob@example.org", subject="Bob's question"))
    blobs = world.deps.blobs.blobs  # type: ignore[union-attr]
    assert len(blobs) == 2
    report = erase("address", ALICE, erasure_list("address", ALICE, world.deps)["confirm"], "dpo", world.deps)
    assert (report["deleted"], report["attachments_deleted"], report["eml_copies_deleted"]) == (1, 1, 1)
    [left] = blobs.values()
    assert b"Bob's question" in left  # Bob's copy stays


def test_a_refused_attachment_keeps_its_record_and_ledger_row(captured: World) -> None:
    files = (AttachmentContent("a.pdf", "application/pdf", b"%PDF-1.7"),)
    captured.set_options(internal_domains=["association.example"], attachments="all")
    captured.deps.forget_options()
    captured.crm.add_contact("dave@example.net", "Dave", "20004")
    captured.receive(captured.mail(sender="dave@example.net", has_attachments=True), files=files)
    captured.crm.delete_failures = [CrmRejected("iMIS refused DELETE /api/Attachment: 403", 403)]
    listing = erasure_list("address", "dave@example.net", captured.deps)
    report = erase("address", "dave@example.net", listing["confirm"], "dpo", captured.deps)
    assert (report["deleted"], report["refused"]) == (0, 1)
    assert len(captured.crm.records_for("20004")) == 1 and len(captured.crm.files) == 1
    assert erasure_list("address", "dave@example.net", captured.deps)["count"] == 1  # listed again


def test_a_wrong_or_stale_token_deletes_nothing(captured: World) -> None:
    listing = erasure_list("address", ALICE, captured.deps)
    with pytest.raises(Refused, match="does not match"):
        erase("address", ALICE, "", "dpo", captured.deps)
    captured.receive(captured.mail(sender=ALICE))  # the list grew since it was read
    with pytest.raises(Refused, match="does not match"):
        erase("address", ALICE, listing["confirm"], "dpo", captured.deps)
    assert len(captured.crm.records_for("20001")) == 3


def test_switched_off_by_default_nothing_is_deleted(world: World) -> None:
    world.receive(world.mail(sender=ALICE))
    listing = erasure_list("address", ALICE, world.deps)
    assert listing["delete_enabled"] is False and listing["count"] == 1
    with pytest.raises(Refused, match="IMIS_ALLOW_DELETE"):
        erase("address", ALICE, listing["confirm"], "dpo", world.deps)
    assert len(world.crm.records_for("20001")) == 1


def test_a_refusal_is_reported_once_and_keeps_the_ledger_row(captured: World) -> None:
    captured.crm.delete_failures = [CrmRejected("iMIS refused DELETE /api/Activity: 403", 403)]
    report = erase("address", ALICE, erasure_list("address", ALICE, captured.deps)["confirm"], "dpo", captured.deps)
    assert (report["deleted"], report["refused"]) == (1, 1)
    assert "403" in report["records"]["refused"][0]["reason"]
    assert erasure_list("address", ALICE, captured.deps)["count"] == 1  # still listed: the admin can try again


def test_an_outage_stops_the_run_without_retrying(captured: World) -> None:
    captured.crm.delete_failures = [CrmUnavailable("iMIS answered 503")]
    report = erase("address", ALICE, erasure_list("address", ALICE, captured.deps)["confirm"], "dpo", captured.deps)
    assert (report["deleted"], report["not_attempted"]) == (0, 2)
    assert len(captured.crm.records_for("20001")) == 2


def test_a_record_already_gone_in_the_crm_counts_as_erased(captured: World) -> None:
    listing = erasure_list("address", ALICE, captured.deps)
    captured.crm.records.pop(listing["records"][0]["record_id"])
    report = erase("address", ALICE, listing["confirm"], "dpo", captured.deps)
    assert (report["deleted"], report["already_gone"]) == (1, 1)


@pytest.mark.parametrize(("address", "domain"), [
    (None, None), ("a@b.example", "b.example"), ("not-an-address", None), (None, "bad domain"), ("@b.example", None)])
def test_bad_targets_are_refused(address: str | None, domain: str | None) -> None:
    with pytest.raises(BadRequest):
        erasure_target(address, domain)


def test_blocking_an_address_offers_the_listing() -> None:
    before = parse_options({})
    after = parse_options({"blocked_addresses": [ALICE], "blocked_domains": ["spam.example"]})
    hint = erasure_hint(before, after)
    assert [h.get("address") or h.get("domain") for h in hint] == [ALICE, "spam.example"]
    assert hint[0]["list"] == f"manage/erasure?address={ALICE}"
    assert erasure_hint(after, after) == []
