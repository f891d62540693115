from __future__ import annotations

import pytest

from shared.domain.errors import InvalidOptions
from shared.domain.options import DEFAULT_OPTIONS, options_to_doc, parse_options


def problems_of(doc: dict) -> dict[str, str]:
    with pytest.raises(InvalidOptions) as err:
        parse_options(doc)
    return dict(err.value.problems)


class TestParseOptions:
    def test_empty_document_gives_defaults_that_block_no_domain(self) -> None:
        options = parse_options({})
        assert options == DEFAULT_OPTIONS
        assert options.blocked_domains == ()
        assert options.activity_type().code == "EMAIL"

    def test_round_trips_through_json(self) -> None:
        doc = options_to_doc(DEFAULT_OPTIONS)
        assert parse_options(doc) == DEFAULT_OPTIONS

    @pytest.mark.parametrize(
        ("doc", "path", "words"),
        [
            ({"activity_types": [{"code": "EMAIL", "fields": [{"field": "NOTE", "template": "[Bdy]"}]}]},
             "activity_types.0.fields.0.template", "unknown token"),
            ({"activity_types": [{"code": "DUES"}], "default_activity_type": "DUES"}, "activity_types.0.code",
             "system activity type"),
            ({"blocked_domains": ["not a domain"]}, "blocked_domains", "not a domain"),
            ({"blocked_addresses": ["nobody"]}, "blocked_addresses", "not an email address"),
            ({"look_back_days": -1}, "look_back_days", "greater than or equal"),
            ({"unknown_option": True}, "unknown_option", "Extra inputs"),
            ({"default_activity_type": "MISSING"}, "default_activity_type", "not one of"),
            ({"internal_domains": ["a.org"], "blocked_domains": ["a.org"]}, "blocked_domains", "internal"),
            ({"save_as_eml": True, "attachments": "all"}, "attachments", "either"),
            ({"folder_scope": ["drafts"]}, "folder_scope", "cannot be captured"),
            ({"profile_url_template": "https://imis/x"}, "profile_url_template", "{contact_id}"),
        ],
    )
    def test_refuses_with_field_path(self, doc: dict, path: str, words: str) -> None:
        problems = problems_of(doc)
        assert path in problems
        assert words in problems[path]

    def test_over_long_literal_text_is_refused(self) -> None:
        doc = {"activity_types": [{"code": "EMAIL", "fields": [
            {"field": "DESCRIPTION", "template": "x" * 300 + "[Subject]"}]}]}
        assert "255" in problems_of(doc)["activity_types.0.fields.0.template"]

    def test_reports_every_problem(self) -> None:
        assert len(problems_of({"look_back_days": -1, "retention_days": 0, "bogus": 1})) == 3

    def test_not_an_object(self) -> None:
        assert "" in problems_of([])  # type: ignore[arg-type]


class TestRoles:
    """Issue 19, defect 5: roles were not validated, and an empty write role locked every admin out."""

    @pytest.mark.parametrize(("doc", "path"), [
        ({"change_options_roles": []}, "change_options_roles"),
        ({"change_options_roles": [""]}, "change_options_roles"),
        ({"change_options_roles": ["x" * 10_000]}, "change_options_roles"),
        ({"change_options_roles": ["Mail Capture Admin"]}, "change_options_roles"),
        ({"read_roles": [".Reader"]}, "read_roles"),
        ({"read_roles": ["Reader\u0000"]}, "read_roles"),
        ({"read_roles": [f"R{i}" for i in range(51)]}, "read_roles"),
    ])
    def test_malformed_roles_are_refused(self, doc: dict, path: str) -> None:
        assert path in problems_of(doc)

    def test_app_role_values_as_entra_allows_them_are_kept(self) -> None:
        roles = ("MailCapture.Admin", "x" * 120, "a!#$%&'()*+,-./:;<=>?@[]^_`{|}~")
        assert parse_options({"change_options_roles": list(roles), "read_roles": []}).change_options_roles == roles


class TestSizeLimits:
    def test_too_many_entries_name_the_field(self) -> None:
        assert "5001 entries" in problems_of({"blocked_domains": [f"d{i}.example.org" for i in range(5001)]})[
            "blocked_domains"]

    def test_a_document_too_large_to_store_names_its_largest_field(self) -> None:
        addresses = [f"a-rather-long-local-part-{i:05d}@some-long-domain-name.example.org" for i in range(5000)]
        assert "at most 240,000" in problems_of({"blocked_addresses": addresses})["blocked_addresses"]


class TestAutoLinkExcludedDomains:
    def test_defaults_to_the_free_mail_providers(self) -> None:
        assert {"gmail.com", "outlook.com", "yahoo.com"} <= set(parse_options({}).auto_link_excluded_domains)

    def test_entries_are_validated_and_normalised(self) -> None:
        assert parse_options({"auto_link_excluded_domains": [" @GMX.at "]}).auto_link_excluded_domains == ("gmx.at",)
        assert "auto_link_excluded_domains" in problems_of({"auto_link_excluded_domains": ["not a domain"]})
