from __future__ import annotations

import pytest

from shared.domain.mapping import (
    EMAIL_TO_LIMIT,
    render,
    to_activity,
    to_interaction,
    token_values,
    truncate,
    truncate_filename,
)
from shared.domain.model import Address, Direction
from shared.domain.options import parse_options
from tests.builders import a_message, an_attachment


def values_for(msg, body: str = "Body text", tz: str = "UTC") -> dict[str, str]:
    return token_values(msg, mailbox="membership@association.example", direction=Direction.INBOUND, body=body,
                        tz=tz, contact_id="101")


class TestTokens:
    def test_every_documented_token_has_a_value(self) -> None:
        msg = a_message(cc=(Address("bob@example.net", "Bob"),))
        values = values_for(msg)
        assert values["Subject"] == "Renewal question"
        assert values["From"] == "Ada Lovelace <ada@example.com>"
        assert values["Recipients"] == "Membership <membership@association.example>; Bob <bob@example.net>"
        assert values["SentOn"] == "2026-11-02T14:05:00"
        assert values["Direction"] == "Inbound"
        assert values["InternetMessageId"] == msg.internet_message_id

    def test_sent_on_is_local_time_of_the_crm(self) -> None:
        assert values_for(a_message(), tz="America/Toronto")["SentOn"] == "2026-11-02T09:05:00"

    def test_literal_text_around_tokens_is_kept(self) -> None:
        assert render("Email: [Subject] ([Direction])", values_for(a_message())) == "Email: Renewal question (Inbound)"


class TestActivity:
    def test_default_mapping_follows_the_imis_add_in(self) -> None:
        record = to_activity(a_message(), parse_options({}), activity_type="EMAIL", contact_id="101",
                             capture_key="k", values=values_for(a_message()))
        assert record.activity_type == "EMAIL"
        assert record.field("DESCRIPTION") == "Renewal question"
        assert record.field("NOTE") == "Body text"
        assert record.field("TRANSACTION_DATE") == "2026-11-02T14:05:00"

    def test_fields_are_cut_to_their_limit_and_reported(self) -> None:
        msg = a_message(subject="S" * 300)
        record = to_activity(msg, parse_options({}), activity_type="EMAIL", contact_id="101", capture_key="k",
                             values=values_for(msg))
        assert len(record.field("DESCRIPTION")) == 255
        assert record.field("DESCRIPTION").endswith("…")
        assert record.truncated == ("DESCRIPTION",)


class TestInteraction:
    def test_email_to_is_cut_at_100_characters(self) -> None:
        many = tuple(Address(f"member{i:02d}@example.org") for i in range(12))
        msg = a_message(to=many)
        record = to_interaction(msg, parse_options({}), contact_id="101", capture_key="k", values=values_for(msg))
        assert len(record.field("EmailTo")) == EMAIL_TO_LIMIT
        assert "EmailTo" in record.truncated

    def test_attachments_skip_empty_and_cut_names_keeping_extension(self) -> None:
        long_name = "Annual-general-meeting-minutes-and-financial-statements-2026.pdf"
        msg = a_message(attachments=(an_attachment(long_name), an_attachment("empty.txt", size=0)))
        options = parse_options({"attachments": "all"})
        record = to_interaction(msg, options, contact_id="101", capture_key="k", values=values_for(msg))
        assert len(record.attachment_names) == 1
        assert len(record.attachment_names[0]) == 50
        assert record.attachment_names[0].endswith(".pdf")


@pytest.mark.parametrize(("text", "limit", "expected"), [("abc", 5, "abc"), ("abcdef", 4, "abc…"), ("", 1, "")])
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


def test_short_file_names_are_untouched() -> None:
    assert truncate_filename("a.pdf") == "a.pdf"
