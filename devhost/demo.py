"""`make demo`: the whole product on the local stack, with the sample organisation and its mail.

Starts Azurite, the Graph and iMIS emulators and the local Functions host; sets the sample options; onboards
the sample mailboxes (real subscriptions, with Graph's validation handshake against our webhook); delivers
every sample email in order; waits for the pipeline; prints what happened to each one. Keeps serving until
Ctrl-C, or with DEMO_ONCE=1 exits: 0 only if every email ended as emulators/sample/expected.json says. The CRM is
the judge of what was captured: the iMIS emulator's records, per capture key and contact (devhost/crm_view.py);
the decision log only supplies the reason of each skip. Then the capability tour (devhost/demo_tour.py), each
step judged by real state, with a ✓/✗ summary.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from devhost.crm_view import capture_key, contacts_per_key, differences, expected_per_key
from devhost.demo_tour import print_tour, run_tour
from devhost.driver import StackDriver
from devhost.stack import Stack
from emulators.sample import SAMPLE_DIR, load_expected, load_mailboxes, load_options

WORKDIR = Path(__file__).resolve().parent.parent / ".stack" / "demo"
UNWATCHED = {"drafts", "junkemail", "deleteditems"}  # no subscription: the demo replays them to show the rule


def deliver(driver: StackDriver, path: Path, mailbox: str, folder: str) -> str:
    if path.suffix == ".json":
        return str(driver.deliver_json(mailbox, json.loads(path.read_text()), folder)["id"])
    return str(driver.deliver(mailbox, path, folder)["id"])


def observed(driver: StackDriver, mailbox: str, message_id: str, key: str) -> dict[str, Any]:
    """The outcome and reason the decision log gives; the contacts from the CRM's records of this email."""
    message = driver.message_outcomes()[(mailbox, message_id)]
    records = [a for a in driver.crm_records()["activities"] if a.get("UF_1") == key]
    return {"outcome": message["outcome"], "reason": message.get("reason") or None,
            "contacts": sorted(str(a["PartyId"]) for a in records), "record_ids": [str(a["SEQN"]) for a in records],
            "detail": message.get("detail", "")}


def run_sample(driver: StackDriver) -> list[dict[str, Any]]:
    rows = []
    for message in load_expected()["messages"]:
        key = capture_key(message["internet_message_id"])
        for delivery in message["deliveries"]:
            mailbox, folder = delivery["mailbox"], delivery["folder"]
            message_id = deliver(driver, SAMPLE_DIR / message["file"], mailbox, folder)
            if folder in UNWATCHED:
                driver.admin("POST", "replay", json={"emails": [
                    {"mailbox": mailbox, "message_id": message_id, "folder": folder}]}).raise_for_status()
            driver.wait_for_outcomes({(mailbox, message_id)}, timeout=60)
            got = observed(driver, mailbox, message_id, key)
            want = {"outcome": delivery["outcome"], "reason": delivery.get("reason"),
                    "contacts": sorted(delivery.get("contacts") or [])}
            ok = all(got[k] == want[k] for k in want)
            rows.append({"file": Path(message["file"]).name, "mailbox": mailbox, "got": got, "want": want, "ok": ok})
    return rows


def crm_problems(driver: StackDriver) -> list[str]:
    """Every sample email's records in the CRM, once per expected contact, and no other record."""
    return differences(expected_per_key(load_expected()["messages"]), contacts_per_key(driver.crm_records()))


def print_summary(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'':2}{'email':<48} {'mailbox':<34} {'outcome':<10} reason / CRM records")
    for row in rows:
        got = row["got"]
        what = (f"records {', '.join(got['record_ids'])} for contact(s) {', '.join(got['contacts'])}"
                if got["outcome"] == "captured" else f"{got['reason']}: {got['detail']}")
        mark = "✓" if row["ok"] else "✗"
        print(f"{mark:<2}{row['file'][:47]:<48} {row['mailbox'][:33]:<34} {got['outcome']:<10} {what[:110]}")
        if not row["ok"]:
            print(f"{'':4}expected {row['want']}")
    good = sum(r["ok"] for r in rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["got"]["outcome"]] = counts.get(row["got"]["outcome"], 0) + 1
    print(f"\n{good}/{len(rows)} deliveries ended as expected; " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def main() -> int:
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    started = time.monotonic()
    with Stack(WORKDIR, extra_env={"IMIS_ALLOW_DELETE": "true"}) as stack:  # the emulator serves DELETE
        driver = StackDriver(stack)
        driver.set_options(load_options())
        for mailbox in load_mailboxes():
            driver.add_mailbox(mailbox["address"], mailbox.get("display_name", ""),
                               **{k: v for k, v in mailbox.items() if k not in ("address", "display_name")})
        print(f"stack up and {len(load_mailboxes())} mailboxes onboarded in {time.monotonic() - started:.1f}s")
        rows = run_sample(driver)
        print_summary(rows)
        problems = crm_problems(driver)
        print("\nThe CRM holds each captured email once per expected contact." if not problems else
              "\nThe CRM does not match emulators/sample/expected.json:\n  " + "\n  ".join(problems))
        tour = run_tour(driver)  # after the CRM check: the erasure step deletes records
        print_tour(tour)
        print(f"The demo ran in {time.monotonic() - started:.0f} s.")
        ok = all(r["ok"] for r in rows) and not problems and all(row[1] for row in tour)
        if os.environ.get("DEMO_ONCE"):
            return 0 if ok else 1
        print(f"\nServing. Admin page: {stack.host_url}/api/manage/ui  (function key: {stack.function_key})")
        print(f"Graph emulator: {stack.graph_url}   iMIS emulator: {stack.imis_url}   Ctrl-C to stop.")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
