"""Tour steps on the service's machinery, each judged by the stores: lifecycle recovery (the Graph emulator
loses a notification, then removes the subscription or reports it ``missed``: the CRM gets the mail once, from
the delta catch-up), a small historical import (records once per email, from the import), and the daily cap
(mail past it is logged with the cap's reason and nothing is written), and the delta backstop run on demand
(a notification lost without a word is captured once; the admin's interval is bounded)."""

from __future__ import annotations

from typing import Any

import httpx

from devhost.demo_mail import EVENTS, decided, deliver, email, options_now, records_of, wait_for
from devhost.driver import StackDriver
from emulators.sample import load_options

ISABEL = ("Isabel García", "isabel.garcia@example.org")  # sample contact 20009
LIAM = ("Liam O'Connor", "liam.oconnor@example.com")  # 20012
CHLOE = ("Chloé Dubois", "chloe.dubois@example.net")  # 20003
PRESS = ("Press Office", "press@association.example")  # onboarded by the import step
IMPORT_DAYS = 30


def _subscription(driver: StackDriver, mailbox: str, folder: str = "inbox") -> str | None:
    for entry in driver.status()["mailboxes"]:
        if entry["address"] == mailbox:
            return next((f["subscription_id"] for f in entry["folders"] if f["folder"] == folder), None)
    return None


def _at_graph(driver: StackDriver) -> set[str]:
    return {s["id"] for s in driver.graph.get("/subscriptions").json()["value"]}


def _once_from(driver: StackDriver, mailbox: str, message_id: str, mid: str, source: str) -> tuple[bool, str]:
    """Captured, by the given path, with exactly one record in the CRM once the pipeline is idle."""
    entry = decided(driver, mailbox, message_id)
    written = records_of(driver, mid)
    ok = entry["outcome"] == "captured" and entry.get("source") == source and len(written) == 1
    return ok, f"{entry['outcome']} by {entry.get('source')}, {len(written)} CRM record(s)"


def lifecycle_removed(driver: StackDriver) -> tuple[bool, str]:
    """A change notification is lost (Graph drops it), then Graph removes the subscription
    (``subscriptionRemoved``): the service subscribes again and its delta catch-up captures the mail, once."""
    old = _subscription(driver, EVENTS)
    driver.graph.post("/notifications", json={"dropNext": 1}).raise_for_status()
    raw, mid = email(ISABEL, "Road closure on the sportive route", to=("Events Team", EVENTS))
    message_id = deliver(driver, EVENTS, raw)
    driver.graph.post(f"/subscriptions/{old}/lifecycle", json={"event": "subscriptionRemoved"}).raise_for_status()
    new = wait_for(lambda: (_subscription(driver, EVENTS) or old) != old and _subscription(driver, EVENTS), 30)
    captured_ok, what = _once_from(driver, EVENTS, message_id, mid, "delta")
    live = _at_graph(driver)
    ok = bool(new) and new in live and old not in live and captured_ok
    return ok, f"subscription {str(old)[:8]}… removed, {str(new)[:8]}… created at Graph; the mail sent " \
               f"meanwhile: {what}"


def lifecycle_missed(driver: StackDriver) -> tuple[bool, str]:
    """Graph drops a notification and says so (``missed``): the service runs the delta query, and the mail is
    captured once."""
    notifications = {"dropNext": 1, "missedOnDrop": True}
    driver.graph.post("/notifications", json=notifications).raise_for_status()
    try:
        raw, mid = email(LIAM, "Lost my race number", to=("Events Team", EVENTS))
        message_id = deliver(driver, EVENTS, raw)
        ok, what = _once_from(driver, EVENTS, message_id, mid, "delta")
    finally:
        driver.graph.post("/notifications", json={"missedOnDrop": False})
    log = driver.graph.get("/notifications").json()["log"]  # the emulator's delivery log: what Graph did
    dropped = any(e["kind"] == "change:created" and e["dropped"] for e in log)
    missed = any(e["kind"] == "lifecycle:missed" and not e["dropped"] for e in log)
    return ok and dropped and missed, f"notification dropped (log: {dropped}), 'missed' sent ({missed}): {what}"


def historical_import(driver: StackDriver) -> tuple[bool, str]:
    """Mail already in a mailbox before it is onboarded, with an import of the last 30 days: the import runs to
    done and each email is in the CRM once."""
    driver.graph.post("/mailboxes", json={"address": PRESS[1], "displayName": PRESS[0]}).raise_for_status()
    mails = [email(CHLOE, "Photos from the club ride", to=PRESS, days_ago=9),
             email(LIAM, "Interview request", to=PRESS, days_ago=3)]
    ids = [deliver(driver, PRESS[1], raw, days_ago=days) for (raw, _), days in zip(mails, (9, 3), strict=True)]
    driver.add_mailbox(PRESS[1], PRESS[0], import_days=IMPORT_DAYS)
    progress = wait_for(lambda: _import_done(driver), 60)
    results = [_once_from(driver, PRESS[1], i, mid, "import") for i, (_, mid) in zip(ids, mails, strict=True)]
    ok = bool(progress) and all(r[0] for r in results)
    shown = f"{progress.get('processed')}/{progress.get('total')} processed, complete" if progress else "not done"
    return ok, f"{PRESS[1]} onboarded with import_days={IMPORT_DAYS}: {shown}; " + "; ".join(r[1] for r in results)


def _import_done(driver: StackDriver) -> dict[str, Any] | None:
    status = driver.status()
    entry = next((m for m in status["mailboxes"] if m["address"] == PRESS[1]), None)
    progress = (entry or {}).get("import") or {}
    return progress if progress.get("complete") and status["queue"]["depth"] == 0 else None


def daily_cap(driver: StackDriver) -> tuple[bool, str]:
    """With Max Total Emails at what the press mailbox captured today, its next email is logged as ``daily_cap``
    and nothing is written; the sample's cap is put back afterwards."""
    today = [e for e in driver.message_outcomes().values() if e["mailbox"] == PRESS[1] and e["outcome"] == "captured"]
    options_now(driver, max_total_emails=len(today))
    try:
        raw, mid = email(ISABEL, "One more question about the sportive", to=PRESS)
        entry = decided(driver, PRESS[1], deliver(driver, PRESS[1], raw))
    finally:
        options_now(driver, max_total_emails=load_options()["max_total_emails"])
    written = records_of(driver, mid)
    ok = (entry["outcome"], entry.get("reason")) == ("skipped", "daily_cap") and not written and len(today) > 0
    return ok, f"cap {len(today)}: {entry['outcome']} {entry.get('reason')} ({entry.get('detail')}); " \
               f"{len(written)} CRM record(s)"


def delta_backstop(driver: StackDriver) -> tuple[bool, str]:
    """A notification lost with no lifecycle event at all (Graph does not always say): the delta backstop, run on
    demand as an operator does (``POST /admin/functions/DeltaBackstop`` with the master key), captures the mail
    once. Its interval is the admin's: 30 minutes is taken, 7 is refused (5-minute steps) with a problem document."""
    refused = _options_answer(driver, backstop_interval_minutes=7)
    options_now(driver, backstop_interval_minutes=30)
    taken = driver.admin("GET", "options").json()["options"]["backstop_interval_minutes"]
    options_now(driver, backstop_interval_minutes=load_options().get("backstop_interval_minutes", 15))
    driver.graph.post("/notifications", json={"dropNext": 1}).raise_for_status()
    raw, mid = email(CHLOE, "Question about the route marshals", to=("Events Team", EVENTS))
    message_id = deliver(driver, EVENTS, raw)
    run = httpx.post(f"{driver.stack.host_url}/admin/functions/DeltaBackstop", json={"input": ""}, timeout=30,
                     headers={"x-functions-key": driver.stack.master_key})
    captured_ok, what = _once_from(driver, EVENTS, message_id, mid, "delta")
    problem = refused.headers.get("content-type", "").startswith("application/problem+json") \
        and "backstop_interval_minutes" in refused.text
    ok = refused.status_code == 400 and problem and taken == 30 and run.status_code == 202 and captured_ok
    return ok, f"interval 7 refused ({refused.status_code}), 30 taken ({taken}); DeltaBackstop run " \
               f"({run.status_code}): the mail whose notification was lost: {what}"


def _options_answer(driver: StackDriver, **changes: Any) -> httpx.Response:
    current = driver.admin("GET", "options")
    return driver.admin("PUT", "options", json=current.json()["options"] | changes,
                        headers={"If-Match": current.headers["ETag"]})
