"""Tour steps on single emails, each judged by what the stores hold: private mail and the never-capture category
leave nothing in the CRM (the decision log gives the reason), an .eml copy lands in Blob storage and on the
record, and an unknown sender is linked to the organisation that owns their domain."""

from __future__ import annotations

from devhost.crm_view import capture_key
from devhost.demo_mail import (
    MEMBERSHIP,
    as_json,
    blob,
    decided,
    deliver,
    email,
    files_of,
    options_now,
    records_of,
)
from devhost.driver import StackDriver

ALICE = ("Alice Moreau", "alice.moreau@example.org")  # a sample contact (20001), erased at the end of the tour
GRACE = ("Grace Lin", "grace.lin@example.com")  # a sample contact (20007)
HARBOURVIEW = "10001"  # the sample organisation whose address is info@harbourview-cc.example


def private_mail(driver: StackDriver) -> tuple[bool, str]:
    """Marked Private in Outlook (the ``Sensitivity`` header, which Exchange keeps as PidTagSensitivity): skipped
    by default, although the sender is a contact."""
    raw, mid = email(GRACE, "My doctor's letter, please keep this between us", Sensitivity="Private")
    entry = decided(driver, MEMBERSHIP, deliver(driver, MEMBERSHIP, raw))
    written = records_of(driver, mid)
    ok = (entry["outcome"], entry.get("reason")) == ("skipped", "private") and not written
    return ok, f"Sensitivity: Private from {GRACE[1]}: {entry['outcome']} {entry.get('reason')}; " \
               f"{len(written)} CRM record(s)"


def never_capture(driver: StackDriver) -> tuple[bool, str]:
    """The owner's Outlook category "Not for CRM" (the option's default) keeps a contact's email out."""
    doc, mid = as_json(GRACE, "Quick personal question", categories=["Not for CRM"])
    entry = decided(driver, MEMBERSHIP, deliver(driver, MEMBERSHIP, doc))
    written = records_of(driver, mid)
    ok = (entry["outcome"], entry.get("reason")) == ("skipped", "excluded_by_user") and not written
    return ok, f"category 'Not for CRM': {entry['outcome']} {entry.get('reason')}; {len(written)} CRM record(s)"


def eml_copies(driver: StackDriver) -> tuple[bool, str]:
    """With ``save_as_eml`` the whole message is kept in Blob storage (``<mailbox>/<capture key>.eml``) and
    attached to its record in the CRM."""
    options_now(driver, save_as_eml=True, attachments="none")  # the .eml holds the attachments: one or the other
    raw, mid = email(ALICE, "Club insurance certificate for 2026")
    entry = decided(driver, MEMBERSHIP, deliver(driver, MEMBERSHIP, raw))
    written = records_of(driver, mid)
    files = files_of(driver, {str(r["SEQN"]) for r in written})
    stored = blob(driver, f"{MEMBERSHIP}/{capture_key(mid)}.eml") or b""
    ok = entry["outcome"] == "captured" and len(written) == 1 and mid.encode() in stored \
        and [f["FileName"][-4:] for f in files] == [".eml"]
    return ok, f"blob {MEMBERSHIP}/{capture_key(mid)[:8]}….eml: {len(stored)} bytes in Azurite; " \
               f"CRM record {', '.join(str(r['SEQN']) for r in written)} holds {[f['FileName'] for f in files]}"


def organisation_linking(driver: StackDriver) -> tuple[bool, str]:
    """With ``link_organisation_by_domain``, mail from an unknown person at a member organisation's domain is
    recorded on that organisation (and no contact is created for them)."""
    options_now(driver, link_organisation_by_domain=True)
    parties = len(driver.crm_records().get("parties") or [])
    raw, mid = email(("Tom Reyes", "tom.reyes@harbourview-cc.example"), "Club ride calendar for spring")
    entry = decided(driver, MEMBERSHIP, deliver(driver, MEMBERSHIP, raw))
    written = records_of(driver, mid)
    created = len(driver.crm_records().get("parties") or []) - parties
    ok = entry["outcome"] == "captured" and [str(r["PartyId"]) for r in written] == [HARBOURVIEW] and not created
    return ok, f"tom.reyes@harbourview-cc.example (no contact): record(s) on " \
               f"{[str(r['PartyId']) for r in written]} (Harbourview Cycling Club is {HARBOURVIEW}); " \
               f"{created} contact(s) created"
