"""Tour steps on issue 16's options, each judged by real state and put back afterwards: captured mail tagged in
Outlook (the Graph emulator's message categories), only the new text of a reply (the CRM record's notes),
auto-link exclusions (no CRM contact made from a free-mail address) and the seed's Add New Contact Roles (a
contact is made only for the mailbox whose owner holds the role)."""

from __future__ import annotations

from typing import Any

from devhost.demo_mail import (
    EVENTS,
    MEMBERSHIP,
    as_json,
    decided,
    deliver,
    email,
    message_at_graph,
    options_now,
    records_of,
)
from devhost.driver import StackDriver

HIRO = ("Hiro Tanaka", "hiro.tanaka@example.net")  # sample contact 20008
MAYA = ("Maya Patel", "maya.patel@example.net")  # 20013
CREATORS = "MailCapture.ContactCreators"  # an Entra app role, as the seed's Add New Contact Roles names them


def _parties(driver: StackDriver) -> list[dict[str, Any]]:
    return list(driver.crm_records().get("parties") or [])


def tagged_in_outlook(driver: StackDriver) -> tuple[bool, str]:
    """With ``tag_captured_category`` "In CRM", a captured email carries that category in the mailbox (read back
    from the Graph emulator as Outlook would), and its own categories stay."""
    options_now(driver, tag_captured_category="In CRM")
    try:
        doc, mid = as_json(HIRO, "Club jersey order", categories=["Orders"])
        message_id = deliver(driver, MEMBERSHIP, doc)
        entry = decided(driver, MEMBERSHIP, message_id)
    finally:
        options_now(driver, tag_captured_category="")
    answer = message_at_graph(driver, MEMBERSHIP, message_id, "categories")
    categories = answer.get("categories") if isinstance(answer, dict) else answer
    ok = entry["outcome"] == "captured" and len(records_of(driver, mid)) == 1 and categories == ["Orders", "In CRM"]
    return ok, f"{entry['outcome']}; the message's categories in the mailbox now: {categories}"


def only_new_text(driver: StackDriver) -> tuple[bool, str]:
    """With ``only_new_text``, a reply's record holds the reply's own text (Graph's uniqueBody), not the quoted
    thread under it."""
    new, quoted = "Yes, Saturday at 9 works for me.", "> On Monday the Membership Team wrote: can you come Saturday?"
    options_now(driver, only_new_text=True)
    try:
        doc, mid = as_json(MAYA, "RE: Volunteer briefing", uniqueBody={"contentType": "text", "content": new},
                           body={"contentType": "text", "content": f"{new}\n\n{quoted}"})
        entry = decided(driver, MEMBERSHIP, deliver(driver, MEMBERSHIP, doc))
    finally:
        options_now(driver, only_new_text=False)
    notes = [str(r.get("NOTE") or "") for r in records_of(driver, mid)]
    ok = entry["outcome"] == "captured" and len(notes) == 1 and new in notes[0] and "wrote:" not in notes[0]
    return ok, f"{entry['outcome']}; the record's NOTE: {notes[0][:60] if notes else None!r} (the quote left out)"


def auto_link_exclusions(driver: StackDriver) -> tuple[bool, str]:
    """A free-mail domain (``auto_link_excluded_domains``, gmail.com by default) never becomes an organisation nor
    a new contact, with contact creation and organisation linking both on."""
    options_now(driver, create_contact_if_not_found=True, link_organisation_by_domain=True)
    before = len(_parties(driver))
    raw, mid = email(("Sam Rider", "sam.rider.1987@gmail.com"), "Do you have a beginners' group?")
    entry = decided(driver, MEMBERSHIP, deliver(driver, MEMBERSHIP, raw))
    created, written = len(_parties(driver)) - before, records_of(driver, mid)
    ok = (entry["outcome"], entry.get("reason")) == ("skipped", "no_contact") and not created and not written
    detail = str(entry.get("detail", ""))
    return ok, f"sam.rider.1987@gmail.com: {entry['outcome']} {entry.get('reason')} ({detail[:90]}); " \
               f"{created} contact(s) created, {len(written)} record(s)"


def seed_roles(driver: StackDriver) -> tuple[bool, str]:
    """The seed's Add New Contact Roles: with the option naming a role, an unknown sender becomes a contact only in
    the mailbox whose owner holds it (events); in the membership mailbox the same kind of email stays no_contact."""
    options_now(driver, create_contact_if_not_found=True, add_new_contact_roles=[CREATORS])
    events = driver.admin("GET", f"mailboxes/{EVENTS}").json()
    driver.admin("PUT", f"mailboxes/{EVENTS}", json={k: v for k, v in events.items() if k != "address"}
                 | {"roles": [CREATORS], "import_days": 0}).raise_for_status()
    try:
        before = len(_parties(driver))
        without, without_mid = email(("Rosa Lind", "rosa.lind@riverside-runners.example"), "Joint training day?")
        held, held_mid = email(("Omar Said", "omar.said@riverside-runners.example"), "Joint training day?",
                               to=("Events Team", EVENTS))
        not_made = decided(driver, MEMBERSHIP, deliver(driver, MEMBERSHIP, without))
        made = decided(driver, EVENTS, deliver(driver, EVENTS, held))
    finally:
        options_now(driver, add_new_contact_roles=[])
    created = _parties(driver)[before:]
    ok = not_made.get("reason") == "no_contact" and not records_of(driver, without_mid) \
        and made["outcome"] == "captured" and len(created) == 1 and len(records_of(driver, held_mid)) == 1
    return ok, f"{CREATORS} required: membership (owner without it): {not_made['outcome']} " \
               f"{not_made.get('reason')}; events (owner holds it): {made['outcome']}, {len(created)} contact created"
