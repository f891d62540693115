"""Every sample email of the demo organisation ends as emulators/sample/expected.json says, with the exact
CRM fields after token mapping and truncation, and interactions for a mailbox configured to write them."""

from __future__ import annotations

import pytest

from devhost.crm_view import capture_key, contacts_per_key, differences, expected_per_key
from devhost.demo import crm_problems, run_sample
from devhost.driver import StackDriver
from emulators.sample import load_expected, load_mailboxes, load_options

pytestmark = pytest.mark.integration
JORDAN = "jordan.lee@association.example"  # also keeps a communication log (interactions) in this test


@pytest.fixture(scope="module")
def rows(driver: StackDriver) -> list[dict]:
    driver.set_options(load_options())
    for mailbox in load_mailboxes():
        settings = {k: v for k, v in mailbox.items() if k not in ("address", "display_name")}
        if mailbox["address"] == JORDAN:
            settings["record_types"] = ["activity", "interaction"]  # Jordan also keeps a communication log
        driver.add_mailbox(mailbox["address"], mailbox["display_name"], **settings)
    return run_sample(driver)


def activity_for(driver: StackDriver, prefix: str) -> dict:
    message = next(m for m in load_expected()["messages"] if m["file"].startswith(f"mail/{prefix}"))
    [activity] = [a for a in driver.crm_records()["activities"]
                  if a["UF_1"] == capture_key(message["internet_message_id"])]
    return activity


class TestSampleMail:
    def test_the_crm_holds_each_email_once_per_expected_contact_and_nothing_else(self, driver: StackDriver,
                                                                              rows: list[dict]) -> None:
        assert crm_problems(driver) == []
        assert len(driver.crm_records()["activities"]) == 32  # 26 captured emails; 23 and 24 name 6 and 2 contacts

    def test_every_delivery_ends_with_the_expected_outcome_and_reason(self, rows: list[dict]) -> None:
        wrong = [(r["file"], r["mailbox"], r["got"], r["want"]) for r in rows if not r["ok"]]
        assert not wrong
        assert len(rows) >= 45

    def test_activity_fields_follow_the_mapping(self, driver: StackDriver, rows: list[dict]) -> None:
        activity = activity_for(driver, "01-")
        assert activity["ACTIVITY_TYPE"] == "EMAIL" and activity["PartyId"] == "20001"
        assert activity["DESCRIPTION"] == "Renewal for 2026 \u2013 can I pay by bank transfer?"  # RFC 2047 decoded
        assert activity["NOTE_2"] == ("Inbound email. From: Alice Moreau <alice.moreau@example.org>. "
                                      "Recipients: Membership Team <membership@association.example>")
        assert activity["TRANSACTION_DATE"] == "2025-09-15T08:12:31"

    def test_outbound_mail_is_marked_outbound(self, driver: StackDriver, rows: list[dict]) -> None:
        activity = activity_for(driver, "02-")
        assert activity["NOTE_2"].startswith("Outbound email.")

    def test_a_mailbox_can_write_interactions_too(self, driver: StackDriver, rows: list[dict]) -> None:
        records = driver.crm_records()
        wanted = expected_per_key(load_expected()["messages"], mailboxes={JORDAN})
        assert wanted  # Jordan's mailbox captures some of the sample
        assert differences(wanted, contacts_per_key(records, "interactions")) == []
        assert all(len(i.get("EmailTo") or "") <= 100 and i["Subject"] and i["Html"] for i in records["interactions"])
