"""The admin API's answers, as the services build them, are the documents the OpenAPI document describes
(shared/web/api_documents.py and api_envelopes.py, from which its schemas are generated): in process, so a
service that adds, renames or drops a field fails here in milliseconds. tests/integration/test_openapi.py holds
the served answers to the document itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from functions._http import json_response
from shared.domain.field_catalog import record_types
from shared.domain.mailbox import Mailbox
from shared.domain.options import options_to_doc
from shared.services import admin_ops, outcome_stats
from shared.services.admin_options import patch_options, preview_options
from shared.services.erasure import erase, erasure_hint, erasure_list
from shared.services.field_results import preview_mapping
from shared.services.mailboxes import onboard_mailbox, remove_mailbox
from shared.web import api_documents as docs
from shared.web import api_envelopes as env
from tests.usecases.world import ALICE, MAILBOX, World

OOF = (b"From: Alice <alice.moreau@example.org>\r\nTo: membership@association.example\r\nSubject: Away\r\n"
       b"Auto-Submitted: auto-replied\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <oof@example.org>\r\n"
       b"\r\nI am away.\r\n")


def conforms(model: Any, answer: Any) -> Any:
    """``answer``, written as the admin API writes it, is a valid ``model`` document (closed documents refuse
    fields they do not list)."""
    return TypeAdapter(model).validate_json(json_response(answer).get_body())


@pytest.fixture
def busy(world: World) -> World:
    """Captured and skipped mail, one email erased, a poisoned queue message: every document has content."""
    world.deps.settings = replace(world.deps.settings, imis_allow_delete="true")
    world.crm.add_contact("bob@example.org", "Bob", "20002")
    for sender in (ALICE, "bob@example.org", "stranger@example.net"):
        world.receive(world.mail(sender=sender))
    listing = erasure_list("address", "bob@example.org", world.deps)
    erase("address", "bob@example.org", listing["confirm"], "ada", world.deps)
    world.poison.send([{"raw": "not a work item"}])
    return world


def test_status_and_the_decision_log(busy: World) -> None:
    conforms(docs.Status, admin_ops.status(busy.deps))
    entries = admin_ops.search_decisions(busy.deps, limit=100)
    assert {e["outcome"] for e in entries} >= {"captured", "skipped", "erased"}
    conforms(env.DecisionList, {"entries": entries})


def test_options_answers(busy: World) -> None:
    before = busy.deps.options.get()
    saved = patch_options({"blocked_domains": ["example.net"]}, f'"v{before.version}"', "ada", busy.deps)
    hint = erasure_hint(before.options, saved.options)
    assert hint
    conforms(env.StoredOptions, {"version": saved.version, "updated_by": saved.updated_by,
                                 "updated_at": saved.updated_at, "options": options_to_doc(saved.options),
                                 "erasure": hint})
    conforms(env.OptionsHistory, {"history": busy.deps.options.history(50)})
    emails = preview_options(options_to_doc(saved.options), 20, busy.deps)
    assert emails
    conforms(env.OptionsPreview, {"emails": emails})


def test_operations(busy: World) -> None:
    conforms(docs.ExplainResult, admin_ops.explain(OOF, busy.deps, mailbox=MAILBOX, folder="inbox"))
    conforms(env.PoisonReplayed, admin_ops.replay_poison(busy.deps))
    conforms(env.CachePurged, admin_ops.purge_contact_cache(busy.deps))
    listing = erasure_list("address", ALICE, busy.deps)
    conforms(env.ErasureListing, listing)
    conforms(env.ErasureReport, erase("address", ALICE, listing["confirm"], "ada", busy.deps))


def test_mailboxes(busy: World) -> None:
    conforms(env.Onboarded, onboard_mailbox(Mailbox(address="shop@association.example", import_days=0), busy.deps))
    conforms(env.MailboxList, {"mailboxes": [m.model_dump(mode="json") for m in busy.deps.mailboxes.all()]})
    conforms(env.Removed, remove_mailbox("shop@association.example", busy.deps))


def test_the_page_documents(busy: World) -> None:
    conforms(env.Stats, outcome_stats.daily(busy.deps, busy.deps.clock.now(), 7))
    conforms(env.RecordTypes, record_types())
    options = options_to_doc(busy.deps.options.get().options)
    request = {"options": options, "record_type": "interaction", "eml": OOF.decode()}
    conforms(env.MappingPreviewRequest, request)
    conforms(env.MappingPreview, preview_mapping(request, busy.deps))
    entry = admin_ops.search_decisions(busy.deps, mailbox=MAILBOX, contact_id="", limit=1)[0]
    by_log = {"options": options, "email": {k: entry[k] for k in ("mailbox", "message_id", "folder")}}
    conforms(env.MappingPreviewRequest, by_log)
    conforms(env.MappingPreview, preview_mapping(by_log, busy.deps))


def test_a_closed_document_refuses_a_field_it_does_not_describe() -> None:
    """What makes the checks above able to fail: a new field in an answer is a drift."""
    conforms(env.Removed, {"mailbox": MAILBOX, "subscriptions_deleted": 2})
    with pytest.raises(ValidationError):
        conforms(env.Removed, {"mailbox": MAILBOX, "subscriptions_deleted": 2, "at": datetime.now().isoformat()})
