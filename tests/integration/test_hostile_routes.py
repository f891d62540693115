"""Every HTTP route, found from the registered functions (a new route is covered without editing this file),
called in-process through the real composition root on Azurite and the emulators with hostile bodies, headers,
route values and query strings: no answer is a 5xx (nor an exception, which the host answers with 500), and
every 4xx is a problem document (issue 19)."""

from __future__ import annotations

import base64
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import azure.functions as func
import pytest

from devhost.stack import Stack
from shared.services.deps import Services
from tests.integration.inprocess import build, installed, user_functions
from tests.property.fakes import Out

pytestmark = pytest.mark.integration


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


BODIES: dict[str, bytes] = {
    "deep array": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "nested 900": b"[" * 900 + b"]" * 900,
    "huge": json.dumps({"pad": "x" * 3_000_000}).encode(),
    "huge array": json.dumps([{"k": i} for i in range(200_000)]).encode(),
    "invalid utf-8": b'{"a": "\xff\xfe\xfd"}',
    "not json": b"{not json",
    "empty": b"",
    "null": b"null", "array": b"[]", "string": b'"x"', "number": b"1", "true": b"true",
    "nan": b'{"look_back_days": NaN}', "infinity": b'{"max_total_emails": 1e999}',
    "huge int": b'{"import_days": ' + b"9" * 5000 + b"}",
    "big int": json.dumps({"look_back_days": 10**30, "import_days": 10**30, "limit": 10**30}).encode(),
    "nul": json.dumps({"address": "\u0000", "eml": "\u0000", "emails": [{"mailbox": "\u0000",
                                                                          "message_id": "\u0000"}]}).encode(),
    "control keys": json.dumps({"\u0000\u001f": "\u007f", "value": [{"subscriptionId": "\u0000"}]}).encode(),
    "wrong types": json.dumps({"address": 1, "emails": "x", "eml": [], "options": 7, "value": {},
                               "blocked_domains": "a.org", "folder_scope": 3, "change_options_roles": [1]}).encode(),
    "lone surrogate": b'{"address": "\\ud800@x.org", "eml": "\\udfff", "blocked_domains": ["\\ud800.org"]}',
    "long strings": json.dumps({"address": "a" * 100_000 + "@x.org", "display_name": "n" * 100_000,
                                "emails": [{"mailbox": "m@x.org", "message_id": "i" * 100_000}],
                                "blocked_domains": ["d" * 300 + ".org"]}).encode(),
    "many items": json.dumps({"emails": [{"mailbox": "m@x.org", "message_id": f"id{i}"} for i in range(5_000)],
                              "blocked_domains": [f"d{i}.org" for i in range(20_000)],
                              "value": [{"subscriptionId": str(i)} for i in range(5_000)]}).encode(),
    "roles emptied": json.dumps({"change_options_roles": [], "read_roles": [""]}).encode(),
    "mime garbage": b"From: \x00\r\nContent-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n" + b"\xff" * 1000,
}
PRINCIPALS = {
    "not base64": "%%%not-base64%%%", "array": b64(b"[1,2]"), "string": b64(b'"admin"'), "null": b64(b"null"),
    "claims string": b64(b'{"claims":"roles"}'), "claims numbers": b64(b'{"claims":[1,2]}'),
    "deep": b64(b"[" * 50_000 + b"]" * 50_000), "huge": "A" * 200_000,
    "val list": b64(b'{"claims":[{"typ":"roles","val":["MailCapture.Admin"]}]}'),
    "not utf-8": b64(b"\xff\xfe\xfa"),
}
HEADERS: dict[str, dict[str, str]] = {
    **{f"principal {k}": {"x-ms-client-principal": v} for k, v in PRINCIPALS.items()},
    **{f"if-match {v!r}": {"if-match": v} for v in ["W/\"v0\"", "\"", "\"v0", "*, \"v0\"", "x" * 10_000, ","]},
    **{f"content-type {v}": {"content-type": v} for v in ["text/plain", "application/json; charset=latin-1",
                                                          "message/rfc822", "multipart/form-data; boundary=",
                                                          "application/x-www-form-urlencoded"]},
}
QUERIES: dict[str, dict[str, str]] = {
    "limit negative": {"limit": "-1"}, "limit text": {"limit": "ten"}, "limit huge": {"limit": "9" * 5000},
    "limit unicode digits": {"limit": "\u0661\u0662"},
    "dates": {"since": "not a date", "until": "9999-99-99"}, "date no zone": {"since": "2026-01-01T00:00:00"},
    "date extreme": {"since": "0001-01-01T00:00:00+14:00", "until": "9999-12-31T23:59:59-14:00"},
    "nul": {"mailbox": "\u0000", "outcome": "\u0000", "reason": "\u0000", "email": "\u0000", "folder": "\u0000",
            "contact_id": "\u0000", "internet_message_id": "\u0000"},
    "long": {"mailbox": "m" * 100_000, "email": "e" * 100_000 + "@x.org", "folder": "f" * 10_000},
    "odata injection": {"mailbox": "' or 1 eq 1 or Mailbox eq '", "outcome": "x' or 'a' eq 'a"},
    "empty validation token": {"validationToken": ""},
}
ROUTE_VALUES = ["\u0000", "a" * 10_000, "../../etc/passwd", "x@y", "' or 1 eq 1", "%00", "admin.html"]


def http_functions() -> list[tuple[str, str, list[str], Any]]:
    found = []
    for name, (meta, user_function) in sorted(user_functions().items()):
        trigger = meta.get_trigger()
        if trigger.type == "httpTrigger":
            methods = [str(getattr(m, "value", m)).upper() for m in (trigger.methods or ["GET", "POST"])]
            found.append((name, trigger.route, methods, user_function))
    return found


ROUTES = http_functions()


@pytest.fixture(scope="module")
def deps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with Stack(Path(tmp_path_factory.mktemp("hostile")), host=False) as stack:
        services = build(stack)
        with installed(services):
            yield services


def call(user_function: Any, method: str, route: str, *, body: bytes = b"{}", headers: dict[str, str] | None = None,
         params: dict[str, str] | None = None, value: str = "someone@association.example") -> func.HttpResponse:
    names = [n for n in ("address", "name") if "{" + n + "}" in route]
    path = route
    for n in names:
        path = path.replace("{" + n + "}", quote(value, safe=""))
    request = func.HttpRequest(method, f"http://127.0.0.1/api/{path}", body=body, params=params or {},
                               headers={"content-type": "application/json", **(headers or {})},
                               route_params={n: value for n in names})
    extra = {p: Out() for p in inspect.signature(user_function).parameters if p != "req"}
    return user_function(req=request, **extra)  # type: ignore[no-any-return]


def judge(answer: func.HttpResponse, what: str) -> str | None:
    """None when the answer is fine; else what is wrong with it."""
    if answer.status_code >= 500:
        return f"{what}: {answer.status_code} {answer.get_body()[:300]!r}"
    if answer.status_code >= 400:
        try:
            doc = json.loads(answer.get_body())
        except ValueError:
            doc = None
        if answer.mimetype != "application/problem+json" or not isinstance(doc, dict) or \
                doc.get("status") != answer.status_code or not doc.get("title") or "detail" not in doc:
            return f"{what}: {answer.status_code} is not a problem document ({answer.mimetype})"
    return None


def walk(method: str, route: str, user_function: Any, cases: list[dict[str, Any]]) -> list[str]:
    problems = []
    for case in cases:
        what = f"{method} {route} {case.pop('label')}"
        try:
            answer = call(user_function, method, route, **case)
        except Exception as exc:  # the host would answer 500
            problems.append(f"{what}: raised {type(exc).__name__}: {str(exc)[:200]}")
            continue
        problems.append(judge(answer, what) or "")
    return [p for p in problems if p]


def cases_for(route: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = [{"label": f"body {k}", "body": v} for k, v in BODIES.items()]
    cases += [{"label": f"header {k}", "headers": v} for k, v in HEADERS.items()]
    cases += [{"label": f"query {k}", "params": v} for k, v in QUERIES.items()]
    if "{" in route:
        cases += [{"label": f"route value {v[:12]!r}", "value": v} for v in ROUTE_VALUES]
    return cases


@pytest.mark.parametrize(("name", "route", "method", "user_function"),
                         [(n, r, m, f) for n, r, ms, f in ROUTES for m in ms],
                         ids=[f"{n}-{m}" for n, _, ms, _ in ROUTES for m in ms])
def test_no_hostile_input_gets_a_5xx(deps: Services, name: str, route: str, method: str, user_function: Any) -> None:
    assert walk(method, route, user_function, cases_for(route)) == []


def test_every_http_route_is_walked() -> None:
    """The walk comes from the registered functions: at least the admin API, the page and Graph's endpoints."""
    routes = {r for _, r, _, _ in ROUTES}
    assert {"graph/notifications", "graph/lifecycle", "manage/options", "manage/replay", "health"} <= routes
    assert len(ROUTES) >= 20


def test_a_large_eml_as_json_is_explained_not_refused(deps: Services) -> None:
    """The JSON cap of the other routes (1 MiB) does not apply to an .eml sent as JSON text for explain."""
    eml = ("From: Ann Lee <ann@customer.example>\r\nTo: membership@association.example\r\nSubject: Big\r\n"
           "Message-ID: <big@customer.example>\r\nContent-Type: text/plain\r\n\r\n" + "x" * 2_000_000)
    _, explain = user_functions()["AdminExplain"]
    answer = call(explain, "POST", "manage/explain", body=json.dumps({"eml": eml}).encode())
    assert answer.status_code == 200, answer.get_body()[:300]
