"""Options documents: ``parse_options`` answers Options or InvalidOptions (each problem with a field path), never
anything else; what it accepts survives a round trip; the admin API turns every refusal into a 400; PUT and PATCH
store exactly what they accept (in an options store behind its port); a principal header, real or forged, gets
exactly the access its roles allow."""

from __future__ import annotations

import base64
import json
from typing import Any

import azure.functions as func
from hypothesis import given
from hypothesis import strategies as st

from shared.config import Settings
from shared.domain.errors import InvalidOptions
from shared.domain.options import DEFAULT_OPTIONS, Options, options_to_doc, parse_options
from tests.property.fakes import RAW_SETTINGS, SETTINGS, MemoryOptions, function, is_problem, request, services
from tests.property.profile import profile
from tests.property.values import HOSTILE, JSON

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


def refused(doc: Any) -> bool:
    try:
        parse_options(doc)
    except InvalidOptions:
        return True
    return False


def merged(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch, written out from the RFC's pseudo-code (section 2)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merged(result.get(key), value)
    return result


def write(name: str, body: bytes, store: MemoryOptions, if_match: str | None = '"v0"',
          settings: Settings = SETTINGS, principal: str | None = None) -> func.HttpResponse:
    headers = {k: v for k, v in (("If-Match", if_match), ("X-MS-CLIENT-PRINCIPAL", principal)) if v is not None}
    method = "PUT" if name == "AdminPutOptions" else "PATCH"
    with services(settings, store):
        return function(name)(req=request(body, "manage/options", method=method, headers=headers))


PATCHES = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), VALUES | st.none(), max_size=4)


class TestWrites:
    """PUT and PATCH through the functions into an options store: stored exactly when accepted, untouched when not."""

    @profile()
    @given(doc=mutated())
    def test_put_stores_what_it_accepts_and_nothing_else(self, doc: dict[str, Any]) -> None:
        store = MemoryOptions()
        answer = write("AdminPutOptions", json.dumps(doc).encode(), store)
        if refused(doc):
            assert is_problem(answer) and (store.saves, store.stored.options) == (0, DEFAULT_OPTIONS)
            return
        assert (answer.status_code, answer.headers["ETag"], store.saves) == (200, '"v1"', 1)
        assert store.stored.options == parse_options(doc)
        assert json.loads(answer.get_body())["options"] == options_to_doc(store.stored.options)

    @profile()
    @given(patch=PATCHES)
    def test_patch_stores_the_merged_document_when_it_is_valid(self, patch: dict[str, Any]) -> None:
        store = MemoryOptions()
        answer = write("AdminPatchOptions", json.dumps(patch).encode(), store)
        expected = merged(DEFAULT_DOC, patch)
        if refused(expected):
            assert is_problem(answer) and store.saves == 0
            return
        assert (answer.status_code, store.saves) == (200, 1)
        assert store.stored.options == parse_options(expected)

    @profile(50)
    @given(name=st.sampled_from(["AdminPutOptions", "AdminPatchOptions"]),
           if_match=st.sampled_from([None, "", '"v1"', '"v00"', "v0x", 'W/"v7"']))
    def test_a_missing_or_stale_etag_changes_nothing(self, name: str, if_match: str | None) -> None:
        store = MemoryOptions()
        answer = write(name, json.dumps(DEFAULT_DOC).encode(), store, if_match=if_match)
        assert is_problem(answer, (412, 428)) and store.saves == 0

    @profile()
    @given(name=st.sampled_from(["AdminPutOptions", "AdminPatchOptions"]), body=HOSTILE)
    def test_deep_or_large_bodies_are_refused_before_anything_is_written(self, name: str, body: bytes) -> None:
        store = MemoryOptions()
        answer = write(name, body, store)
        assert is_problem(answer, (400, 413)) and store.saves == 0


SIGNED_IN = Settings.from_env(dict(RAW_SETTINGS, ADMIN_REQUIRE_PRINCIPAL="true"))
ROLES = st.lists(st.sampled_from(["MailCapture.Admin", "MailCapture.Reader", "Someone.Else"]), max_size=3)


def _principal(roles: list[str]) -> str:
    claims = [{"typ": "roles", "val": r} for r in roles] + [{"typ": "name", "val": "pat@association.example"}]
    return base64.b64encode(json.dumps({"auth_typ": "aad", "claims": claims, "name_typ": "name",
                                        "role_typ": "roles"}).encode()).decode()


FORGED = (JSON.map(lambda v: base64.b64encode(json.dumps(v).encode()).decode())
          | st.text(max_size=300) | st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode())
          | HOSTILE.map(lambda b: base64.b64encode(b).decode()))


class TestPrincipal:
    """X-MS-CLIENT-PRINCIPAL (App Service Authentication) as sent by Entra ID sign-in, or forged."""

    @profile()
    @given(roles=ROLES)
    def test_a_signed_in_caller_reads_and_writes_as_its_roles_allow(self, roles: list[str]) -> None:
        store = MemoryOptions()
        with services(SIGNED_IN, store):
            read = function("AdminGetOptions")(req=request(b"", "manage/options", method="GET",
                                                           headers={"X-MS-CLIENT-PRINCIPAL": _principal(roles)}))
        can_read = bool({"MailCapture.Admin", "MailCapture.Reader"} & set(roles))
        assert read.status_code == 200 if can_read else is_problem(read, 403)
        answer = write("AdminPatchOptions", b'{"look_back_days": 45}', store, settings=SIGNED_IN,
                       principal=_principal(roles))
        if "MailCapture.Admin" in roles:
            assert (answer.status_code, store.saves, store.stored.options.look_back_days) == (200, 1, 45)
            assert store.stored.updated_by == "pat@association.example"
        else:
            assert is_problem(answer, 403) and store.saves == 0

    @profile(150)
    @given(principal=FORGED, name=st.sampled_from(["AdminGetOptions", "AdminPatchOptions"]))
    def test_a_forged_principal_is_refused_and_changes_nothing(self, principal: str, name: str) -> None:
        store = MemoryOptions()
        if name == "AdminGetOptions":
            with services(SIGNED_IN, store):
                answer = function(name)(req=request(b"", "manage/options", method="GET",
                                                    headers={"X-MS-CLIENT-PRINCIPAL": principal}))
        else:
            answer = write(name, b'{"look_back_days": 45}', store, settings=SIGNED_IN, principal=principal)
        assert is_problem(answer, (401, 403)) and store.saves == 0
