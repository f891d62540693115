from __future__ import annotations

import pytest

from shared.domain.mapping import (
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

# Limits as the documentation states them, written out here so a changed constant in the code fails a test:
# README "How an email is decided" (Interaction email-to 100, attachment names 50), the iMIS activity-type window
# (/work/shared/reference/crm-apis.md 3.3: DESCRIPTION 255, NOTE 32,000), the iMIS emulator's Interaction
# Subject column (emulators/imis/interactions.py: 400) and the options' default attachment cap (10 MiB).
EMAIL_TO = 100
ATTACHMENT_NAME = 50
DESCRIPTION, NOTE = 255, 32_000
INTERACTION_SUBJECT = 400
ATTACHMENT_CAP = 10 * 1024 * 1024


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
        assert record.field("NOT_MAPPED") == ""

    def test_fields_are_cut_to_their_limit_and_reported(self) -> None:
        msg = a_message(subject="S" * 300)
        record = to_activity(msg, parse_options({}), activity_type="EMAIL", contact_id="101", capture_key="k",
                             values=values_for(msg))
        assert len(record.field("DESCRIPTION")) == DESCRIPTION
        assert record.field("DESCRIPTION").endswith("…")
        assert record.truncated == ("DESCRIPTION",)

    @pytest.mark.parametrize(("subject", "body", "cut"), [
        ("S" * DESCRIPTION, "B" * NOTE, ()),
        ("S" * (DESCRIPTION + 1), "B" * (NOTE + 1), ("DESCRIPTION", "NOTE")),
    ])
    def test_description_and_note_hold_exactly_their_documented_length(self, subject: str, body: str,
                                                                        cut: tuple[str, ...]) -> None:
        msg = a_message(subject=subject)
        record = to_activity(msg, parse_options({}), activity_type="EMAIL", contact_id="101", capture_key="k",
                             values=values_for(msg, body=body))
        assert (len(record.field("DESCRIPTION")), len(record.field("NOTE"))) == (min(len(subject), DESCRIPTION),
                                                                                min(len(body), NOTE))
        assert record.truncated == cut

    def test_an_admin_mapping_without_a_length_gets_the_columns_documented_size(self) -> None:
        fields = [{"field": "DESCRIPTION", "template": "[Subject]"}, {"field": "NOTE", "template": "[Body]"}]
        options = parse_options({"activity_types": [{"code": "EMAIL", "fields": fields}]})
        msg = a_message(subject="S" * 40_000)
        record = to_activity(msg, options, activity_type="EMAIL", contact_id="101", capture_key="k",
                             values=values_for(msg, body="B" * 40_000))
        assert [len(record.field(f)) for f in ("DESCRIPTION", "NOTE")] == [DESCRIPTION, NOTE]


class TestInteraction:
    def test_email_to_is_cut_at_100_characters(self) -> None:
        many = tuple(Address(f"member{i:02d}@example.org") for i in range(12))
        msg = a_message(to=many)
        record = to_interaction(msg, parse_options({}), contact_id="101", capture_key="k", values=values_for(msg))
        assert len(record.field("EmailTo")) == EMAIL_TO
        assert record.field("EmailTo").endswith("…")
        assert record.truncated == ("EmailTo",)

    def test_email_to_of_exactly_100_characters_is_kept(self) -> None:
        exact = Address("a" * (EMAIL_TO - len("@example.org")) + "@example.org")
        msg = a_message(to=(exact,))
        record = to_interaction(msg, parse_options({}), contact_id="101", capture_key="k", values=values_for(msg))
        assert (record.field("EmailTo"), record.truncated) == (exact.email, ())

    @pytest.mark.parametrize("length", [INTERACTION_SUBJECT, INTERACTION_SUBJECT + 1])
    def test_subject_is_cut_at_400_characters(self, length: int) -> None:
        msg = a_message(subject="S" * length)
        record = to_interaction(msg, parse_options({}), contact_id="101", capture_key="k", values=values_for(msg))
        assert len(record.field("Subject")) == INTERACTION_SUBJECT
        assert record.truncated == (("Subject",) if length > INTERACTION_SUBJECT else ())

    def test_body_is_written_whole(self) -> None:
        # The communication log takes "the full, rich text body" (crm-apis.md section 4): no cut.
        msg = a_message()
        body = "<p>" + "word " * 50_000 + "</p>"
        record = to_interaction(msg, parse_options({}), contact_id="101", capture_key="k",
                                values=values_for(msg, body=body))
        assert record.field("Html") == body
        assert record.truncated == ()

    def test_attachments_skip_empty_and_cut_names_keeping_extension(self) -> None:
        long_name = "Annual-general-meeting-minutes-and-financial-statements-2026.pdf"
        msg = a_message(attachments=(an_attachment(long_name), an_attachment("empty.txt", size=0)))
        options = parse_options({"attachments": "all"})
        record = to_interaction(msg, options, contact_id="101", capture_key="k", values=values_for(msg))
        assert len(record.attachment_names) == 1
        assert len(record.attachment_names[0]) == ATTACHMENT_NAME
        assert record.attachment_names[0].endswith("….pdf")
        assert record.attachment_names[0].startswith("Annual-general-meeting")

    @pytest.mark.parametrize(("policy", "expected"), [("all", ("agenda.pdf", "logo.png")),
                                                      ("non_inline", ("agenda.pdf",)), ("none", ())])
    def test_inline_files_follow_the_attachments_policy(self, policy: str, expected: tuple[str, ...]) -> None:
        msg = a_message(attachments=(an_attachment("agenda.pdf"), an_attachment("logo.png", inline=True)))
        record = to_interaction(msg, parse_options({"attachments": policy}), contact_id="101", capture_key="k",
                                values=values_for(msg))
        assert record.attachment_names == expected

    def test_files_over_the_size_cap_are_left_out(self) -> None:
        msg = a_message(attachments=(an_attachment("at-cap.pdf", size=ATTACHMENT_CAP),
                                     an_attachment("over-cap.pdf", size=ATTACHMENT_CAP + 1)))
        record = to_interaction(msg, parse_options({"attachments": "all"}), contact_id="101", capture_key="k",
                                values=values_for(msg))
        assert record.attachment_names == ("at-cap.pdf",)
        smaller = parse_options({"attachments": "all", "max_attachment_bytes": 1000})
        assert to_interaction(msg, smaller, contact_id="101", capture_key="k", values=values_for(msg)
                              ).attachment_names == ()


class TestAttachmentsToken:
    def test_lists_saved_files_without_inline_or_empty_ones(self) -> None:
        msg = a_message(attachments=(an_attachment("agenda.pdf"), an_attachment("logo.png", inline=True),
                                     an_attachment("empty.txt", size=0), an_attachment("minutes.docx")))
        assert values_for(msg)["Attachments"] == "agenda.pdf, minutes.docx"


@pytest.mark.parametrize(("text", "limit", "expected"), [("abc", 5, "abc"), ("abcdef", 4, "abc…"), ("", 1, "")])
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


def test_short_file_names_are_untouched() -> None:
    assert truncate_filename("a.pdf") == "a.pdf"
    exact = "n" * (ATTACHMENT_NAME - 4) + ".pdf"
    assert truncate_filename(exact) == exact


@pytest.mark.parametrize(("name", "expected"), [
    ("x" * 60, "x" * 49 + "…"),  # no extension: a plain cut
    ("x" * 40 + "." + "e" * 11, "x" * 40 + "." + "e" * 8 + "…"),  # an "extension" over 10 characters is not one
    ("x" * 40 + "." + "e" * 10, "x" * 38 + "…." + "e" * 10),  # 10 characters still are
    ("." + "e" * 60, "." + "e" * 48 + "…"),  # nothing before the dot
])
def test_file_names_keep_only_a_usable_extension(name: str, expected: str) -> None:
    assert truncate_filename(name) == expected
