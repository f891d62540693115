"""expected.json, options.json, mailboxes.json and crm.json agree with each other and with the product's rules."""

from __future__ import annotations

import json
from collections import Counter
from email import policy
from email.parser import BytesParser
from typing import Any

import pytest

from emulators.sample import (
    MAIL_DIR,
    SAMPLE_DIR,
    iter_sample_mail,
    load_crm_seed,
    load_expected,
    load_mailboxes,
    load_options,
    load_organisation,
)
from shared.adapters.graph_message import message_from_graph
from shared.domain.filters import MailboxContext, decide
from shared.domain.mailbox import Mailbox
from shared.domain.model import Folder
from shared.domain.options import parse_options
from shared.domain.reasons import Outcome, Reason
from shared.explain import explain_message

MESSAGES = load_expected()["messages"]
DELIVERIES = [(m, d) for m in MESSAGES for d in m["deliveries"]]
# Reasons decided per message before any CRM call; the others come from matching contacts or the ledger.
CRM_REASONS = {Reason.NO_CONTACT, Reason.AMBIGUOUS_CONTACT, Reason.ALREADY_CAPTURED}


def _contacts_by_address() -> dict[str, list[str]]:
    seed = load_crm_seed()
    found: dict[str, list[str]] = {}
    for party in seed["persons"] + seed["organizations"]:
        for email in party["emails"]:
            found.setdefault(email["address"].lower(), []).append(party["id"])
    return found


class TestFilesAndCodes:
    def test_every_mail_file_is_covered_exactly_once(self) -> None:
        listed = Counter(m["file"] for m in MESSAGES)
        on_disk = {f"mail/{p.name}" for p in MAIL_DIR.iterdir()}
        assert set(listed) == on_disk and set(listed.values()) == {1}

    def test_reasons_outcomes_and_folders_are_the_products_values(self) -> None:
        for _, d in DELIVERIES:
            assert Outcome(d["outcome"]) in (Outcome.CAPTURED, Outcome.SKIPPED, Outcome.DUPLICATE)
            assert (d["reason"] is None) == (d["outcome"] == "captured")
            assert d["reason"] is None or Reason(d["reason"])
            assert Folder(d["folder"])
            for unmatched in d.get("unmatched", []):
                assert Reason(unmatched["reason"]) in CRM_REASONS

    def test_message_ids_match_the_files(self) -> None:
        for m in MESSAGES:
            if m["file"].endswith(".eml"):
                raw = (SAMPLE_DIR / m["file"]).read_bytes()
                assert str(BytesParser(policy=policy.default).parsebytes(raw)["Message-ID"]).strip() == \
                    m["internet_message_id"]

    def test_iter_sample_mail_yields_every_delivery_in_order(self) -> None:
        got = [(p.name, mailbox, folder) for p, mailbox, folder in iter_sample_mail()]
        assert got == [(m["file"][5:], d["mailbox"], d["folder"]) for m, d in DELIVERIES]
        assert all(p.exists() for p, _, _ in iter_sample_mail())

    def test_the_set_exercises_every_outcome_and_many_reasons(self) -> None:
        reasons = {d["reason"] for _, d in DELIVERIES}
        reasons |= {u["reason"] for _, d in DELIVERIES for u in d.get("unmatched", [])}
        wanted = {"draft", "deleted_or_junk", "internal_only", "blocked_sender", "no_external_participant",
                  "auto_reply", "bounce", "bulk", "no_reply_sender", "automated", "no_contact", "ambiguous_contact",
                  "already_captured"}
        assert wanted <= reasons
        assert {d["outcome"] for _, d in DELIVERIES} == {"captured", "skipped", "duplicate"}


class TestConfiguration:
    def test_options_parse(self) -> None:
        options = parse_options(load_options())
        assert set(options.internal_domains) == set(load_organisation()["internal_domains"])

    def test_mailboxes_are_mailbox_documents_and_cover_every_delivery(self) -> None:
        addresses = {Mailbox.model_validate(m).address for m in load_mailboxes()}
        assert {d["mailbox"] for _, d in DELIVERIES} == addresses

    def test_seed_has_a_shared_address_and_people_with_several(self) -> None:
        seed = load_crm_seed()
        assert len(seed["persons"]) >= 15 and len(seed["organizations"]) >= 4
        shared = [ids for ids in _contacts_by_address().values() if len(ids) > 1]
        assert len(shared) == 1 and len(shared[0]) == 2
        assert sum(len(p["emails"]) > 1 for p in seed["persons"]) >= 3

    def test_every_domain_is_a_reserved_example_name(self) -> None:
        for address in _contacts_by_address():
            domain = address.rpartition("@")[2]
            assert domain.endswith(".example") or domain in {"example.org", "example.com", "example.net"}


class TestOutcomesAgreeWithTheRules:
    @pytest.mark.parametrize(("message", "delivery"), DELIVERIES,
                             ids=[f"{m['file'][5:7]}-{d['mailbox'].split('@')[0]}" for m, d in DELIVERIES])
    def test_filters_decide_as_expected(self, message: dict[str, Any], delivery: dict[str, Any]) -> None:
        path, options, folder = SAMPLE_DIR / message["file"], parse_options(load_options()), Folder(delivery["folder"])
        if path.suffix == ".json":  # Graph message JSON (the draft): the same rules through the Graph adapter
            msg = message_from_graph(json.loads(path.read_text(encoding="utf-8")), folder)
            decision = decide(msg, options, MailboxContext(delivery["mailbox"]))
            assert decision.reason == Reason(delivery["reason"])
            return
        got = explain_message(path.read_bytes(), options, delivery["mailbox"], folder, path.name)
        if delivery["reason"] is None or Reason(delivery["reason"]) in CRM_REASONS:
            assert (got["decision"], got["participants"]) == ("capture", delivery["participants"])
        else:
            assert (got["decision"], got["reason"]) == ("skip", delivery["reason"])

    @pytest.mark.parametrize(("message", "delivery"), DELIVERIES,
                             ids=[f"{m['file'][5:7]}-{d['mailbox'].split('@')[0]}" for m, d in DELIVERIES])
    def test_contacts_follow_from_the_seed(self, message: dict[str, Any], delivery: dict[str, Any]) -> None:
        """One contact per address → a record; none → no_contact; several → ambiguous_contact."""
        by_address = _contacts_by_address()
        targets: list[str] = []
        unmatched = []
        for address in delivery.get("participants", []):
            ids = by_address.get(address, [])
            if len(ids) == 1:
                targets += [i for i in ids if i not in targets]
            else:
                unmatched.append({"address": address, "reason": "no_contact" if not ids else "ambiguous_contact"})
        targets += [c for c in delivery.get("thread_contacts", []) if c not in targets]
        assert unmatched == delivery.get("unmatched", [])
        if delivery["outcome"] in ("captured", "duplicate"):
            assert sorted(targets) == sorted(delivery["contacts"])
        elif delivery["reason"] in ("no_contact", "ambiguous_contact"):
            assert targets == [] and unmatched[0]["reason"] == delivery["reason"]

    def test_duplicates_follow_an_earlier_capture_of_the_same_message(self) -> None:
        for message in MESSAGES:
            outcomes = [d["outcome"] for d in message["deliveries"]]
            if "duplicate" in outcomes:
                assert outcomes[0] == "captured" and set(outcomes[1:]) == {"duplicate"}
