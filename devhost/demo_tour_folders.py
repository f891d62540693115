"""Tour steps on mail folders, each judged by the CRM's records and the decision log's reasons: the capture folder
(a newsletter-looking email the owner files in Inbox/CRM is captured although the rules skip its Inbox twin) and
whole-mailbox capture (mail an Outlook rule files into a subfolder on arrival is captured once; Junk Email not)."""

from __future__ import annotations

from devhost.demo_mail import decided, deliver, email, records_of
from devhost.driver import StackDriver

BEN = ("Ben Okafor", "ben.okafor@example.com")  # sample contact 20002
PARTNERS = ("Partnerships", "partners@association.example")  # onboarded with a capture folder
RIDES = ("Ride Leaders", "rides@association.example")  # onboarded to capture the whole mailbox


def _mailbox_with_folders(driver: StackDriver, mailbox: tuple[str, str], *folders: tuple[str, str]) -> dict[str, str]:
    """A Graph mailbox that already has these user folders ((name, parent) pairs): each folder's id."""
    driver.graph.post("/mailboxes", json={"address": mailbox[1], "displayName": mailbox[0]}).raise_for_status()
    ids: dict[str, str] = {}
    for name, parent in folders:
        made = driver.graph.post(f"/mailboxes/{mailbox[1]}/folders", json={"displayName": name, "parent": parent})
        made.raise_for_status()
        ids[name] = str(made.json()["id"])
    return ids


def capture_folder(driver: StackDriver) -> tuple[bool, str]:
    """The mailbox's capture folder ``Inbox/CRM``: what its owner files there is captured (reason
    ``capture_folder``) even when a rule would skip it; the same kind of mail in the Inbox stays skipped."""
    ids = _mailbox_with_folders(driver, PARTNERS, ("CRM", "inbox"))
    driver.add_mailbox(PARTNERS[1], PARTNERS[0], capture_folder="Inbox/CRM", import_days=0)
    lists = "<offers.northwind-bikes.example>"  # list headers: the rules skip it as bulk
    twin, twin_mid = email(BEN, "Northwind spring offers for clubs", to=PARTNERS, List_Id=lists, Precedence="bulk")
    filed, filed_mid = email(BEN, "Northwind sponsorship terms", to=PARTNERS, List_Id=lists, Precedence="bulk")
    in_inbox = decided(driver, PARTNERS[1], deliver(driver, PARTNERS[1], twin))
    in_folder = decided(driver, PARTNERS[1], deliver(driver, PARTNERS[1], filed, folder=ids["CRM"]))
    written, not_written = records_of(driver, filed_mid), records_of(driver, twin_mid)
    ok = (in_folder["outcome"], in_folder.get("reason")) == ("captured", "capture_folder") and len(written) == 1 \
        and in_inbox.get("reason") == "bulk" and not not_written
    return ok, f"filed in Inbox/CRM: {in_folder['outcome']} ({in_folder.get('reason')}), {len(written)} CRM " \
               f"record(s); its twin in the Inbox: {in_inbox['outcome']} {in_inbox.get('reason')}, " \
               f"{len(not_written)} record(s)"


def whole_mailbox(driver: StackDriver) -> tuple[bool, str]:
    """``capture_whole_mailbox``: mail an Outlook rule files straight into Inbox/Routes/Spring (it never touches
    the Inbox) is captured once; mail in Junk Email is not."""
    ids = _mailbox_with_folders(driver, RIDES, ("Routes", "inbox"), ("Spring", "Routes"))
    driver.add_mailbox(RIDES[1], RIDES[0], capture_whole_mailbox=True, import_days=0)
    filed, filed_mid = email(BEN, "Shop stop on the spring route", to=RIDES)
    junk, junk_mid = email(BEN, "Spring route GPX files", to=RIDES)
    in_subfolder = decided(driver, RIDES[1], deliver(driver, RIDES[1], filed, folder=ids["Spring"]))
    in_junk = decided(driver, RIDES[1], deliver(driver, RIDES[1], junk, folder="junkemail"))
    written, not_written = records_of(driver, filed_mid), records_of(driver, junk_mid)
    ok = in_subfolder["outcome"] == "captured" and len(written) == 1 \
        and in_junk.get("reason") == "deleted_or_junk" and not not_written
    return ok, f"filed by a rule in Inbox/Routes/Spring: {in_subfolder['outcome']}, {len(written)} CRM record(s); " \
               f"in Junk Email: {in_junk['outcome']} {in_junk.get('reason')}, {len(not_written)} record(s)"
