"""Component schemas of the admin API's OpenAPI document, generated from the models: the pydantic models the API
validates requests with (options, mailboxes, replay) and the typed response documents of shared/web/api_documents.py
and api_envelopes.py. Nothing is written out by hand here, so the document cannot drift from the models."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from shared.domain.mailbox import Mailbox, ReplayRequest
from shared.domain.options import Options
from shared.domain.reasons import DESCRIPTIONS, Outcome, Reason
from shared.web import api_documents as docs
from shared.web import api_envelopes as env

REF = "#/components/schemas/{model}"
Schema = dict[str, Any]

# Every component the paths name (shared/web/openapi.py), by that name; what they refer to comes along.
COMPONENTS: dict[str, Any] = {
    "Options": Options, "Mailbox": Mailbox, "ReplayRequest": ReplayRequest, "Reason": Reason, "Outcome": Outcome,
    "Problem": env.Problem, "StoredOptions": env.StoredOptions, "OptionsPatch": env.OptionsPatch,
    "OptionsHistory": env.OptionsHistory, "OptionsPreview": env.OptionsPreview, "MailboxList": env.MailboxList,
    "Onboarded": env.Onboarded, "Removed": env.Removed, "DecisionList": env.DecisionList,
    "ReplayQueued": env.ReplayQueued, "PoisonReplayed": env.PoisonReplayed, "CachePurged": env.CachePurged,
    "ErasureListing": env.ErasureListing, "ErasureRequest": env.ErasureRequest, "ErasureReport": env.ErasureReport,
    "Stats": env.Stats, "RecordTypes": env.RecordTypes, "MappingPreviewRequest": env.MappingPreviewRequest,
    "MappingPreview": env.MappingPreview, "Status": docs.Status, "CrmPreflight": docs.CrmPreflight,
    "ExplainRequest": docs.ExplainRequest, "ExplainResult": docs.ExplainResult,
}


def ref(name: str) -> Schema:
    return {"$ref": REF.format(model=name)}


def component_schemas() -> dict[str, Schema]:
    adapters = [(name, "validation", TypeAdapter(model)) for name, model in COMPONENTS.items()]
    top, found = TypeAdapter.json_schemas(adapters, ref_template=REF)  # type: ignore[arg-type]
    schemas: dict[str, Schema] = found["$defs"]
    for (name, _), schema in top.items():
        if "$ref" not in schema:  # a named type without a class of its own (OptionsPatch)
            schemas[name] = schema
        elif schema["$ref"] != REF.format(model=name):
            raise ValueError(f"component {name} is generated as {schema['$ref']}: two models share a name")
    schemas["Reason"] |= {"description": "Why an email was skipped or not captured (the same codes everywhere).",
                          "x-enum-descriptions": {r.value: DESCRIPTIONS[r] for r in Reason}}
    update = {k: v for k, v in schemas["Mailbox"].items() if k != "required"}
    schemas["MailboxUpdate"] = update | {"description": "A mailbox's settings; its address comes from the path."}
    return schemas
