"""Every sample email of the demo organisation ends as emulators/sample/expected.json says, with the exact
CRM fields after token mapping and truncation, and interactions for a mailbox configured to write them."""

from __future__ import annotations

import pytest

from devhost.demo import run_sample
from devhost.driver import StackDriver
from emulators.sample import load_mailboxes, load_options

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rows(driver: StackDriver) -> list[dict]:
    driver.set_options(load_options())
    for mailbox in load_mailboxes():
        settings = {k: v for k, v in mailbox.items() if k not in ("address", "display_name")}
        if mailbox["address"].startswith("jordan."):
            settings["record_types"] = ["activity", "interaction"]  # Jordan also keeps a communication log
        driver.add_mailbox(mailbox["address"], mailbox["display_name"], **settings)
    return run_sample(driver)


def activity_for(driver: StackDriver, row: dict) -> dict:
    seqn = int(row["got"]["record_ids"][0])
    return next(a for a in driver.crm_records()["activities"] if a["SEQN"] == seqn)


class TestSampleMail:
    def test_every_delivery_ends_as_expected(self, rows: list[dict]) -> None:
        wrong = [(r["file"], r["mailbox"], r["got"], r["want"]) for r in rows if not r["ok"]]
        assert not wrong
        assert len(rows) >= 45

    def test_activity_fields_follow_the_mapping(self, driver: StackDriver, rows: list[dict]) -> None:
        row = next(r for r in rows if r["file"].startswith("01-"))
        activity = activity_for(driver, row)
        assert activity["ACTIVITY_TYPE"] == "EMAIL" and activity["PartyId"] == "20001"
        assert activity["DESCRIPTION"] == "Renewal for 2026 \u2013 can I pay by bank transfer?"  # RFC 2047 decoded
        assert activity["NOTE_2"] == ("Inbound email. From: Alice Moreau <alice.moreau@example.org>. "
                                      "Recipients: Membership Team <membership@association.example>")
        assert activity["TRANSACTION_DATE"] == "2025-09-15T08:12:31"

    def test_outbound_mail_is_marked_outbound(self, driver: StackDriver, rows: list[dict]) -> None:
        activity = activity_for(driver, next(r for r in rows if r["file"].startswith("02-")))
        assert activity["NOTE_2"].startswith("Outbound email.")

    def test_a_mailbox_can_write_interactions_too(self, driver: StackDriver, rows: list[dict]) -> None:
        interactions = driver.crm_records()["interactions"]
        captured = [r for r in rows if r["mailbox"].startswith("jordan.") and r["got"]["outcome"] == "captured"]
        contacts = sorted(c for r in captured for c in r["got"]["contacts"])
        assert sorted(i["RecipientId"] for i in interactions) == contacts
        assert all(len(i.get("EmailTo") or "") <= 100 and i["Subject"] and i["Html"] for i in interactions)
