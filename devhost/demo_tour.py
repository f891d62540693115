"""The demo's capability tour, after the sample mail: each step uses the admin API (and the Graph emulator as
the outside world) as an admin would and is judged by real state: the iMIS emulator's records, Azurite's blobs,
the Graph emulator's subscriptions and delivery log, the decision log's reasons; never by the product's own answer
alone. Steps on single emails: devhost/demo_tour_mail.py; on folders: demo_tour_folders.py; on issue 16's
options: demo_tour_options.py; on the machinery: demo_tour_ops.py.

- attachments: the sample's files the attachments policy keeps are attached to their records in the CRM
- interactions: the sample mailboxes that write Interactions hold some (CommunicationLogRecipient records)
- preview: a proposed option change is previewed with the records it would write, and the CRM is unchanged
- contact creation: with the option on, an unknown sender becomes a contact holding the email's record
- explain: an email is explained without any CRM write
- private mail, the never-capture category, .eml copies, organisation linking (demo_tour_mail)
- the capture folder, whole-mailbox capture (demo_tour_folders)
- tagging captured mail in Outlook, only the new text, auto-link exclusions, seed roles (demo_tour_options)
- lifecycle recovery (removed, missed), the delta backstop and its interval, a historical import, the daily
  cap (demo_tour_ops)
- erasure: everything captured for one sample contact is listed, deleted with the listing's confirmation,
  and the CRM then holds none of that contact's records nor their attached files, nor Blob storage her .eml
  copies, while everyone else's stay
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from devhost import demo_tour_folders as folders
from devhost import demo_tour_mail as by_mail
from devhost import demo_tour_ops as ops
from devhost import demo_tour_options as opts
from devhost.demo_mail import blob_names, files_of, wait_for
from devhost.driver import StackDriver
from emulators.sample import SAMPLE_DIR, load_expected

ERASED = ("alice.moreau@example.org", "20001")  # a sample contact and the CRM id the seed gives her


def _count(records: dict[str, Any]) -> int:
    return sum(len(records.get(kind) or []) for kind in ("activities", "interactions"))


def interactions(driver: StackDriver) -> tuple[bool, str]:
    """The first sample email's mailbox is set to write Interactions too; the email is delivered again. Its
    Activity exists already (a duplicate), its Interaction is new. The saving instance applies the settings at once,
    others within 15 s (cached like the options): then the copy is replayed, up to 45 s in all."""
    first = load_expected()["messages"][0]
    address = first["deliveries"][0]["mailbox"]
    mailbox = driver.admin("GET", f"mailboxes/{address}").json()
    driver.admin("PUT", f"mailboxes/{address}", json={k: v for k, v in mailbox.items() if k != "address"}
                 | {"record_types": ["activity", "interaction"], "import_days": 0}).raise_for_status()
    message_id = str(driver.deliver(address, SAMPLE_DIR / first["file"])["id"])
    for _ in range(3):  # another instance may hold the old settings for 15 s: then a replay writes it
        if wait_for(lambda: driver.crm_records().get("interactions"), 15):
            break
        driver.admin("POST", "replay", json={"emails": [{"mailbox": address, "message_id": message_id}]})
    found = driver.crm_records().get("interactions") or []
    return bool(found), f"{len(found)} Interaction(s) in the CRM for {first['file']} in {address}"


def attachments(driver: StackDriver) -> tuple[bool, str]:
    """The files the sample's captured mail carries that the policy keeps (non-inline, not empty) are in the
    CRM, and no others (empty and inline parts are not)."""
    wanted = {a["name"] for m in load_expected()["messages"] for a in m.get("attachments") or []
              if a["size"] and not a["inline"] and any(d["outcome"] == "captured" for d in m["deliveries"])}
    stored = driver.crm_records().get("attachments") or []
    names = {str(a.get("FileName") or "") for a in stored}  # one copy per record (per contact)
    # A name over the CRM's 50 characters is shortened (keeping its start and extension).
    found = all(any(n == w or (len(w) > 50 and n[:20] == w[:20]) for n in names) for w in wanted)
    what = f"{len(stored)} file(s) attached in the CRM, one per record: {', '.join(sorted(names))}"
    return found and len(names) == len(wanted), what


def preview(driver: StackDriver) -> tuple[bool, str]:
    """The full preview of a proposed change (contact creation on, the Activity description prefixed) over the
    last 20 logged emails: who would become a contact and which record fields would change; the CRM unchanged."""
    before = driver.crm_records()
    doc = driver.admin("GET", "options").json()["options"] | {"create_contact_if_not_found": True}
    for field in doc["activity_types"][0]["fields"]:
        field["template"] = "Email: [Subject]" if field["field"] == "DESCRIPTION" else field["template"]
    emails = driver.admin("POST", "options/preview", params={"limit": 20}, json=doc).json()["emails"]
    changed = [e for e in emails if e.get("changed")]
    created = sum(r["new_contact"] for e in changed for r in e["proposed"]["records"])
    fields = [c for e in changed for c in e.get("field_changes") or [] if c.get("field") == "DESCRIPTION"]
    ok = bool(emails) and created > 0 and bool(fields) and all(
        str(c["to"]).startswith("Email: ") for c in fields) and driver.crm_records() == before
    return ok, f"{len(changed)} of {len(emails)} emails would change: {created} new contact(s), " \
               f"{len(fields)} DESCRIPTION(s) e.g. {fields[0]['to'] if fields else None!r}; CRM unchanged"


def contact_creation(driver: StackDriver) -> tuple[bool, str]:
    """With "create contact if not found" on, the unknown sender of sample email 11 (skipped: no_contact) becomes
    a CRM contact holding the email's record. Options reach the workers within 15 s: replayed until then."""
    doc = driver.admin("GET", "options").json()["options"] | {"create_contact_if_not_found": True}
    driver.set_options(doc)
    path = SAMPLE_DIR / "mail" / "11-unknown-sender-how-to-join.eml"
    message_id = str(driver.deliver("membership@association.example", path)["id"])
    deadline = time.monotonic() + 45
    while not driver.crm_records().get("parties") and time.monotonic() < deadline:
        driver.admin("POST", "replay", json={"emails": [
            {"mailbox": "membership@association.example", "message_id": message_id}]})
        time.sleep(3)
    records = driver.crm_records()
    created = [str(p.get("Id") or p.get("PartyId") or "") for p in records.get("parties") or []]
    holding = [a for a in records.get("activities") or [] if str(a.get("PartyId")) in created]
    return len(created) == 1 and len(holding) == 1, \
        f"{len(created)} contact(s) created; {len(holding)} record(s) of {path.name} on it"


def explain(driver: StackDriver) -> tuple[bool, str]:
    before = _count(driver.crm_records())
    first = load_expected()["messages"][0]
    eml = (SAMPLE_DIR / first["file"]).read_bytes()
    answer = driver.admin("POST", "explain", content=eml, headers={"content-type": "message/rfc822"},
                          params={"mailbox": first["deliveries"][0]["mailbox"]})
    verdict = answer.json() if answer.status_code == 200 else {}
    ok = answer.status_code == 200 and _count(driver.crm_records()) == before
    return ok, f"{first['file']}: {verdict.get('decision')} {verdict.get('reason') or ''}".strip()


def erasure(driver: StackDriver) -> tuple[bool, str]:
    address, party = ERASED
    records = driver.crm_records()
    others = _count(records) - sum(1 for a in records.get("activities") or [] if str(a.get("PartyId")) == party) \
        - sum(1 for i in records.get("interactions") or [] if str(i.get("RecipientId")) == party)
    listing = driver.admin("GET", "erasure", params={"address": address}).json()
    blobs = blob_names(driver)
    files = files_of(driver, {str(r["record_id"]) for r in listing["records"]})  # separate CRM records
    report = driver.admin("POST", "erasure", json={"address": address, "confirm": listing["confirm"]}).json()
    after = driver.crm_records()
    left = [a for a in after.get("activities") or [] if str(a.get("PartyId")) == party] + \
        [i for i in after.get("interactions") or [] if str(i.get("RecipientId")) == party]
    files_left = files_of(driver, {str(r["record_id"]) for r in listing["records"]})
    copies = blobs - blob_names(driver)  # her .eml copies (the .eml step's email is hers; the backstop adds more)
    ok = listing["count"] > 0 and report.get("deleted") == listing["count"] and not left \
        and _count(after) == others and not files_left and len(copies) == report.get("eml_copies_deleted") \
        and len(copies) >= 1
    return ok, f"{address}: {listing['count']} record(s) with {len(files)} attached file(s) listed, " \
               f"{report.get('deleted')} deleted; {len(copies)} .eml copies gone from Azurite; " \
               f"{len(left)} record(s) and {len(files_left)} file(s) left in the " \
               f"CRM, {_count(after)} other record(s) kept"


Step = Callable[[StackDriver], tuple[bool, str]]
# (capability, step, what judges it). In this order: erasure last (it deletes), the daily cap after every other
# capture (it lowers the cap for every mailbox while it runs).
STEPS: tuple[tuple[str, Step, str], ...] = (
    ("attachments", attachments, "CRM Attachment records of the sample's files"),
    ("Interactions", interactions, "CRM CommunicationLogRecipient records"),
    ("options preview", preview, "the full preview's answer (contacts, record fields); CRM records unchanged"),
    ("contact creation", contact_creation, "CRM Party records and the record on the new one"),
    ("explain", explain, "the verdict; CRM records unchanged"),
    ("private mail", by_mail.private_mail, "decision log reason; no CRM record"),
    ("never-capture category", by_mail.never_capture, "decision log reason; no CRM record"),
    (".eml copies", by_mail.eml_copies, "Azurite blob; CRM Attachment on the record"),
    ("organisation linking", by_mail.organisation_linking, "CRM record's party; no Party created"),
    ("capture folder", folders.capture_folder, "decision log reasons; CRM records of the filed email and its twin"),
    ("whole-mailbox capture", folders.whole_mailbox, "CRM records of mail filed by a rule and of Junk; log reasons"),
    ("tag in Outlook", opts.tagged_in_outlook, "the message's categories at the Graph emulator; CRM record"),
    ("only the new text", opts.only_new_text, "the CRM record's NOTE"),
    ("auto-link exclusions", opts.auto_link_exclusions, "CRM Party records; decision log reason; no CRM record"),
    ("seed roles", opts.seed_roles, "CRM Party and records per mailbox owner's roles; log reason"),
    ("lifecycle: removed", ops.lifecycle_removed, "Graph emulator's subscriptions; CRM records once; log source"),
    ("lifecycle: missed", ops.lifecycle_missed, "Graph emulator's delivery log; CRM records once; log source"),
    ("delta backstop", ops.delta_backstop, "the options' answers; CRM records once; log source"),
    ("historical import", ops.historical_import, "import progress; CRM records once; log source"),
    ("daily cap", ops.daily_cap, "decision log reason; no CRM record"),
    ("erasure", erasure, "CRM records and their Attachment records; Azurite blobs"),
)


Row = tuple[str, bool, str, str, float]  # capability, ended as expected, what judges it, what it showed, seconds


def run_tour(driver: StackDriver, steps: tuple[tuple[str, Step, str], ...] = STEPS) -> list[Row]:
    rows = []
    for name, step, judge in steps:
        started = time.monotonic()
        try:
            ok, what = step(driver)
        except Exception as exc:  # a step that breaks is a failed step, shown, not a crashed demo
            ok, what = False, f"{type(exc).__name__}: {exc}"
        rows.append((name, ok, judge, what, time.monotonic() - started))
    return rows


def print_tour(rows: list[Row]) -> None:
    print("\nCapabilities, each judged by real state (checked: what was looked at; then what it showed):")
    for name, ok, judge, what, seconds in rows:
        print(f"{'✓' if ok else '✗'} {name:<23} {seconds:4.1f} s  checked: {judge}\n{'':33}{what[:160]}")
    failed = [row[0] for row in rows if not row[1]]
    print(f"\n{len(rows) - len(failed)}/{len(rows)} capabilities ✓" + (f"; ✗ {', '.join(failed)}" if failed else ""))
