"""devhost/crm_view.py, the judge of the demo and the CRM-based tests: it must see a missing, doubled or extra
record, and derive capture keys as the README defines them."""

from __future__ import annotations

import hashlib

from devhost.crm_view import capture_key, contacts_per_key, differences, expected_per_key

MESSAGES = [
    {"internet_message_id": "<a@x.org>", "deliveries": [
        {"mailbox": "m@org.example", "outcome": "captured", "contacts": ["1", "2"]},
        {"mailbox": "e@org.example", "outcome": "duplicate", "contacts": ["1", "2"]}]},
    {"internet_message_id": "<b@x.org>", "deliveries": [{"mailbox": "m@org.example", "outcome": "skipped"}]},
]
A = capture_key("<a@x.org>")


def records(*pairs: tuple[str, str]) -> dict:
    return {"activities": [{"UF_1": key, "PartyId": party} for key, party in pairs]}


def test_capture_key_is_the_readmes_definition() -> None:
    assert capture_key("<a@X.ORG>") == hashlib.sha256(b"mid:a@x.org").hexdigest()[:40]
    assert capture_key("<a@x.org>", "Box@org.example") != capture_key("<a@x.org>")


def test_two_deliveries_of_one_email_expect_one_record_per_contact() -> None:
    assert expected_per_key(MESSAGES) == {A: ["1", "2"]}
    assert expected_per_key(MESSAGES, mailboxes={"e@org.example"}) == {A: ["1", "2"]}


def test_the_exact_records_match() -> None:
    assert differences(expected_per_key(MESSAGES), contacts_per_key(records((A, "2"), (A, "1")))) == []


def test_missing_doubled_and_extra_records_are_reported() -> None:
    wanted = expected_per_key(MESSAGES)
    assert len(differences(wanted, contacts_per_key(records((A, "1"))))) == 1  # contact 2 has nothing
    assert len(differences(wanted, contacts_per_key(records((A, "1"), (A, "2"), (A, "2"))))) == 1  # doubled
    extra = differences(wanted, contacts_per_key(records((A, "1"), (A, "2"), (capture_key("<b@x.org>"), "1"))))
    assert len(extra) == 1 and "expected none" in extra[0]


def test_interactions_are_read_by_their_own_fields() -> None:
    found = contacts_per_key({"interactions": [{"CaptureKey": A, "RecipientId": "7"}]}, "interactions")
    assert found == {A: ["7"]}
