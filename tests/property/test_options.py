"""Options documents: ``parse_options`` answers Options or InvalidOptions (each problem with a field path), never
anything else; what it accepts survives a round trip; the admin API turns every refusal into a 400."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.domain.errors import InvalidOptions
from shared.domain.options import DEFAULT_OPTIONS, Options, options_to_doc, parse_options
from tests.property.fakes import function, is_problem, request, services
from tests.property.profile import profile
from tests.property.values import JSON

DEFAULT_DOC = options_to_doc(DEFAULT_OPTIONS)
FIELDS = sorted(Options.model_fields)
DOMAINS = st.sampled_from(["example.org", "EXAMPLE.org", "@example.org", "-bad-.org", "a..b", "x" * 300,
                           "localhost", "exa mple.org", "münchen.de", ""])
TEMPLATES = st.sampled_from(["[Subject]", "[Body]", "[Nope]", "[subject]", "x" * 40000, "[", "]", "[[Subject]]"])
FIELD_MAPPING = st.fixed_dictionaries({"field": st.sampled_from(["DESCRIPTION", "NOTE", "UF_1", "", "x" * 50]),
                                       "template": TEMPLATES},
                                      optional={"max_length": st.integers(-5, 40000) | st.none()})
ACTIVITY_TYPE = st.fixed_dictionaries({"code": st.sampled_from(["EMAIL", "DUES", "email", "E-MAIL", "X" * 11]),
                                       "fields": st.lists(FIELD_MAPPING, max_size=3)})
VALUES = JSON | DOMAINS | st.lists(DOMAINS, max_size=3) | st.lists(ACTIVITY_TYPE, max_size=3) | st.integers()


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The default document with a few fields replaced (or added, or removed)."""
    doc = dict(DEFAULT_DOC)
    for key in draw(st.lists(st.sampled_from(FIELDS) | st.text(max_size=8), max_size=4)):
        if draw(st.booleans()):
            doc[key] = draw(VALUES)
        else:
            doc.pop(key, None)
    return doc


def _paths_make_sense(doc: Any, problems: list[tuple[str, str]]) -> bool:
    """Every problem names a field of the model or a key of the document (keys may contain dots), or ""."""
    heads = set(FIELDS) | {str(k) for k in (doc if isinstance(doc, dict) else {})}
    return all(m and (p == "" or any(p == h or p.startswith(h + ".") for h in heads)) for p, m in problems)


class TestParseOptions:
    @profile(200)
    @given(doc=JSON | mutated())
    def test_answers_options_or_invalid_options_with_paths(self, doc: Any) -> None:
        try:
            options = parse_options(doc)
        except InvalidOptions as exc:
            assert exc.problems and _paths_make_sense(doc, exc.problems)
            return
        assert parse_options(options_to_doc(options)) == options  # what is accepted survives a round trip

    @profile()
    @given(doc=mutated())
    def test_the_admin_api_answers_400_for_every_refusal(self, doc: dict[str, Any]) -> None:
        try:
            parse_options(doc)
        except InvalidOptions:
            refused = True
        else:
            refused = False
        with services():
            answer = function("AdminPreviewOptions")(req=request(json.dumps(doc).encode(), "manage/options/preview"))
        assert is_problem(answer) if refused else answer.status_code == 200
