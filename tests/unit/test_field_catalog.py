"""What the field-mapping editor is offered (GET manage/record-types): every field with its documented limit."""

from __future__ import annotations

from shared.domain.field_catalog import record_types
from shared.domain.options import TOKENS


def test_activity_fields_carry_label_help_documented_limit_and_the_reserved_capture_key() -> None:
    catalog = record_types()
    assert catalog["source"] == "documented"
    by_field = {f["field"]: f for f in catalog["activity"]}
    assert by_field["DESCRIPTION"] == {"field": "DESCRIPTION", "label": "Activity description", "limit": 255,
                                       "help": "The line shown in the contact's activity list.", "reserved": False}
    assert (by_field["NOTE"]["limit"], by_field["UF_1"]["reserved"]) == (32_000, True)
    assert [f["field"] for f in catalog["activity"] if f["reserved"]] == ["UF_1"]


def test_interaction_fields_and_tokens() -> None:
    catalog = record_types()
    assert catalog["interaction"][0] == {"field": "subject_template", "label": "Subject", "limit": 400,
                                         "help": "The interaction's subject line.", "reserved": False}
    assert [(f["field"], f["limit"]) for f in catalog["interaction"]] == [
        ("subject_template", 400), ("body_template", None), ("message_type", 40)]
    assert [t["token"] for t in catalog["tokens"]] == [f"[{t}]" for t in TOKENS]
    assert {"token": "[Subject]", "help": "Email subject"} in catalog["tokens"]
