"""Entity-group transactions built and read as bytes (shared/adapters/multipart_wire.py, multipart_answer.py): the
body sent is azure-core's own, byte for byte, and every answer gives the library's results or exceptions."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import urllib3
from azure.core import MatchConditions
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest, _http_response_impl
from azure.core.rest import _helpers as rest_helpers
from azure.core.utils import _pipeline_transport_rest_shared as library
from azure.data.tables import EdmType, EntityProperty, TableClient, UpdateMode, _base_client

from shared.adapters import multipart
from tests.unit.test_table_multipart import AZURITE

WHEN = datetime(2026, 12, 1, 2, 3, 4, 567000, tzinfo=UTC)
ROW = {"PartitionKey": "p", "RowKey": "r'1 ä/€", "n": 7, "big": EntityProperty(2**40, EdmType.INT64), "ok": True,
       "no": False, "bin": b"\x00\xff\r\n", "text": "héllo \"wörld\"\r\nFrom me\n\u2603", "when": WHEN, "x": 1.5,
       "id": uuid.UUID(int=5), "empty": ""}
OPERATIONS = {
    "create": [("create", ROW), ("create", {**ROW, "RowKey": "2"})],
    "upsert replace": [("upsert", {**ROW, "RowKey": str(i)}, {"mode": UpdateMode.REPLACE}) for i in range(100)],
    "upsert merge": [("upsert", ROW, {"mode": UpdateMode.MERGE})],
    "update with etag": [("update", ROW, {"mode": mode, "etag": 'W/"datetime\'2026-12-01T02%3A03%3A04Z\'"',
                                          "match_condition": MatchConditions.IfNotModified})
                         for mode in (UpdateMode.REPLACE, UpdateMode.MERGE)],
    "delete": [("delete", {"PartitionKey": "p", "RowKey": "a"}),
               ("delete", {"PartitionKey": "p", "RowKey": "b"}, {"etag": 'W/"x"',
                                                                 "match_condition": MatchConditions.IfNotModified})],
    "mixed": [("create", ROW), ("upsert", {**ROW, "RowKey": "u"}), ("update", {**ROW, "RowKey": "v"}),
              ("delete", {"PartitionKey": "p", "RowKey": "w"})],
}


class Canned(requests.adapters.HTTPAdapter):
    """Table storage's answer, as given; records the bodies sent."""

    def __init__(self, status: int, content_type: str, answer: bytes) -> None:
        super().__init__()
        self.status, self.content_type, self.answer, self.bodies = status, content_type, answer, []  # type: ignore

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        self.bodies.append(request.body)
        response = requests.Response()
        response.status_code, response.request, response.url = self.status, request, request.url
        response.headers["Content-Type"] = self.content_type
        response.raw = urllib3.HTTPResponse(io.BytesIO(self.answer), preload_content=False)
        return response


def table(adapter: Canned) -> TableClient:
    session = requests.Session()
    session.mount("http://", adapter)
    return TableClient.from_connection_string(AZURITE, "Rows", transport=RequestsTransport(session=session))


@pytest.fixture
def the_library(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A switch back to azure-core's own body and answer code (the rest of the shim stays)."""
    def switch() -> None:
        monkeypatch.setattr(rest_helpers, "_prepare_multipart_body_helper", library._prepare_multipart_body_helper)
        monkeypatch.setattr(_http_response_impl, "_get_raw_parts_helper", library._get_raw_parts_helper)
    assert multipart.install()
    return switch


@pytest.fixture
def no_email(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's email- and http.client-based steps fail when called."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the library's email-based multipart code ran")
    for name in ("_prepare_multipart_body_helper", "_get_raw_parts_helper", "_serialize_request"):
        monkeypatch.setattr(library, name, refuse)


def answer(*parts: str, changeset: bool = True) -> bytes:
    wrapped = [f"Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n{p}" for p in parts]
    inner = "".join(f"--changesetresponse_c\r\n{w}\r\n" for w in wrapped) + "--changesetresponse_c--\r\n"
    if not changeset:
        return ("".join(f"--batchresponse_b\r\n{w}\r\n" for w in wrapped) + "--batchresponse_b--\r\n").encode()
    return (f"--batchresponse_b\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n{inner}"
            "--batchresponse_b--\r\n").encode()


NO_CONTENT = ("HTTP/1.1 204 No Content\r\nDataServiceVersion: 1.0;\r\n"
              "ETag: W/\"datetime'2026-12-01T00%3A00%3A{:02d}Z'\"\r\n\r\n")
CREATED = ("HTTP/1.1 201 Created\r\n"
           "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n"
           "ETag: W/\"1\"\r\nPreference-Applied: return-content\r\n\r\n{\"PartitionKey\":\"p\",\"RowKey\":\"1\"}\r\n")


def failure(status: str, code: str, index: int, length: bool = False) -> str:
    body = ('{"odata.error":{"code":"' + code + '","message":{"lang":"en-US","value":"' + str(index)
            + ':The operation failed.\\nRequestId:1\\nTime:2026-12-01T00:00:00Z"}}}')
    size = f"Content-Length: {len(body)}\r\n" if length else ""
    return (f"HTTP/1.1 {status}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\n{size}"
            f"Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n{body}\r\n")


def sent(operations: list[Any], monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The body of one transaction, its boundaries fixed and its dates blanked."""
    ids = iter(uuid.UUID(int=i) for i in range(1, 3))
    monkeypatch.setattr(_base_client, "uuid4", lambda: next(ids))
    adapter = Canned(202, "multipart/mixed; boundary=batchresponse_b", answer(*[NO_CONTENT.format(0)] * 100))
    table(adapter).submit_transaction(operations)
    return re.sub(rb"(?m)^(x-ms-date|Date): .*\r$", rb"\1: -\r", adapter.bodies[0])


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_the_body_sent_is_the_librarys(name: str, the_library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as only_ours:
        only_ours.setattr(library, "_prepare_multipart_body_helper", None)  # ours must not call it
        ours = sent(OPERATIONS[name], monkeypatch)
    the_library()
    theirs = sent(OPERATIONS[name], monkeypatch)
    assert ours == theirs
    assert ours.count(b"Content-ID: ") == len(OPERATIONS[name])


def outcome(adapter: Canned, operations: list[Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """What submit_transaction gives (its result, or what the caller sees of its exception) and every part read."""
    parts: list[Any] = []
    helper = _http_response_impl._parts_helper
    monkeypatch.setattr(_http_response_impl, "_parts_helper", lambda response: [
        parts.append((p.status_code, p.reason, list(p.headers.items()), p.body(), p.request.method, p.request.url))
        or p for p in helper(response)])
    try:
        return table(adapter).submit_transaction(operations), parts
    except Exception as exc:  # noqa: BLE001 - compared field by field
        response = getattr(exc, "response", None)
        return (type(exc), str(exc), getattr(exc, "status_code", None), getattr(exc, "error_code", None),
                getattr(exc, "index", None), getattr(exc, "reason", None),
                response and (response.status_code, response.reason, dict(response.headers), response.text())), parts


FOUR = [("upsert", {"PartitionKey": "p", "RowKey": str(i)}) for i in range(4)]
ANSWERS = {
    "success (Azurite)": (FOUR, answer(*[NO_CONTENT.format(i) for i in range(4)])),
    "created with content": (FOUR[:1], answer(CREATED)),
    "409 at index 2": (FOUR, answer(failure("409 Conflict", "EntityAlreadyExists", 2))),
    "404 with length": (FOUR, answer(failure("404 Not Found", "ResourceNotFound", 1, length=True))),
    "reason with spaces": (FOUR, answer(failure("409  Conflict ", "EntityAlreadyExists", 1))),
    "head of a part without a blank line": (FOUR[:1], answer("HTTP/1.1 204 No Content\r\nETag: W/\"1\"\r\n")),
    "204 with a stray body": (FOUR[:1], answer(NO_CONTENT.format(0) + "stray")),
    "412": (FOUR, answer(failure("412 Precondition Failed", "UpdateConditionNotSatisfied", 3))),
    "413": (FOUR, answer(failure("413 Request Entity Too Large", "RequestBodyTooLarge", 0))),
    "400 outside the changeset": (FOUR, answer(failure("400 Bad Request", "InvalidInput", 0), changeset=False)),
    "more parts than requests": (FOUR[:1], answer(NO_CONTENT.format(0), failure("400 Bad Request", "X", 0),
                                                  changeset=False)),
}
ODD = {  # the library's own parser runs for these: the same outcome, whatever it is
    "LF line ends": (FOUR[:1], answer(NO_CONTENT.format(0)).replace(b"\r\n", b"\n")),
    "a preamble": (FOUR[:1], b"preamble\r\n" + answer(NO_CONTENT.format(0))),
    "boundary with spaces": (FOUR[:1], answer(NO_CONTENT.format(0)).replace(b"changesetresponse_c\r\n",
                                                                           b"changesetresponse_c  \r\n")),
    "chunked": (FOUR[:1], answer(failure("409 Conflict", "X", 0)).replace(b"nosniff", b"nosniff\r\n"
                                                                         b"Transfer-Encoding: chunked")),
    "short body": (FOUR[:1], answer(failure("409 Conflict", "X", 0, length=True)).replace(b"Length: ", b"Length: 9")),
    "folded header": (FOUR[:1], answer(NO_CONTENT.format(0).replace("ETag:", "X-A: 1\r\n b\r\nETag:"))),
    "no part type": (FOUR[:1], answer(NO_CONTENT.format(0)).replace(b"Content-Type: application/http\r\n", b"")),
    "base64 part": (FOUR[:1], answer(NO_CONTENT.format(0)).replace(b"binary", b"base64")),
    "unknown status line": (FOUR[:1], answer("HTTP/2 204 No Content\r\n\r\n")),
    "latin-1 header": (FOUR[:1], answer(NO_CONTENT.format(0).replace("ETag:", "X-A: caf\xe9\r\nETag:"))
                       .replace(b"\xc3\xa9", b"\xe9")),
    "no close delimiter": (FOUR[:1], answer(NO_CONTENT.format(0)).replace(b"--changesetresponse_c--\r\n", b"")),
    "a delimiter after a bare LF": (FOUR[:2], answer(NO_CONTENT.format(0), NO_CONTENT.format(1)).replace(
        b"\r\n\r\n\r\n--changesetresponse_c\r\nContent-Type", b"\r\n\r\n\n--changesetresponse_c\r\nContent-Type", 1)),
    "latin-1 reason": (FOUR[:1], answer(failure("409 Konflikt \xe4", "X", 0)).replace(b"\xc3\xa4", b"\xe4")),
}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_every_answer_gives_what_the_library_gives(name: str, the_library: Any, no_email: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    operations, body = ANSWERS[name]
    content_type = "multipart/mixed; boundary=batchresponse_b"
    ours = outcome(Canned(202, content_type, body), operations, monkeypatch)
    monkeypatch.undo()  # no_email and the switch: back to the library
    the_library()
    assert ours == outcome(Canned(202, content_type, body), operations, monkeypatch)
    assert ours[1], "every part was read"


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_answers_go_to_the_librarys_parser(name: str, the_library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    operations, body = ODD[name]
    content_type = "multipart/mixed; boundary=batchresponse_b"
    ours = outcome(Canned(202, content_type, body), operations, monkeypatch)
    monkeypatch.undo()
    the_library()
    assert ours == outcome(Canned(202, content_type, body), operations, monkeypatch)


def batch(*parts: Any, boundary: str | None = "batch_b") -> Any:
    """A $batch request as azure-data-tables shapes it: one changeset holding the parts."""
    changeset = HttpRequest("POST", "")
    changeset.set_multipart_mixed(*parts, boundary=boundary and "changeset_c")
    request = HttpRequest("POST", "http://127.0.0.1:1/devstoreaccount1/$batch", headers={"x-ms-version": "2019-02-02"})
    request.set_multipart_mixed(changeset, boundary=boundary)
    return request


PARTS = {
    "line ends in a bytes body": lambda: [HttpRequest("POST", "http://h/T", content=b"a\nb\rc\r\nFrom x\n\n")],
    "no body": lambda: [HttpRequest(m, f"http://h/T(PartitionKey='p',RowKey='{m}')") for m in ("POST", "DELETE",
                                                                                             "PUT", "GET")],
    "a text body without Content-Length": lambda: [HttpRequest("MERGE", "http://h/T", content="{\"a\": 1}")],
    "headers in order": lambda: [HttpRequest("PATCH", "http://h/T?x=1%202", headers={"If-Match": "*", "B": "",
                                                                                     "content-length": "2"},
                                             content=b"{}")],
    "a Host header": lambda: [HttpRequest("POST", "http://h/T", headers={"Host": "elsewhere", "Accept-Encoding": "x"})],
    "non-ASCII": lambda: [HttpRequest("POST", "http://h/T", content="\u00e4".encode())],
    "a space in the URL": lambda: [HttpRequest("POST", "http://h/T a")],
    "a malformed host": lambda: [HttpRequest("POST", "http://[::1/T")],
    "no part": lambda: [],
}


def prepared(make: Any, helper: Any, monkeypatch: pytest.MonkeyPatch, boundary: str | None = "batch_b") -> Any:
    """The body and headers ``helper`` gives a batch of these parts (also for the changeset inside)."""
    monkeypatch.setattr(rest_helpers, "_prepare_multipart_body_helper", helper)
    request = batch(*make(), boundary=boundary)
    try:
        request.prepare_multipart_body()
    except Exception as exc:  # noqa: BLE001 - compared by type and text
        return type(exc), str(exc)
    return request.content, dict(request.headers)


@pytest.mark.parametrize("name", sorted(PARTS))
def test_any_request_gets_the_librarys_body(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = prepared(PARTS[name], multipart.prepare_body, monkeypatch)
    assert ours == prepared(PARTS[name], library._prepare_multipart_body_helper, monkeypatch)


def test_without_a_boundary_the_library_draws_one(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = prepared(PARTS["no body"], multipart.prepare_body, monkeypatch, boundary=None)
    boundary = ours[1]["Content-Type"].partition("boundary=")[2]
    assert boundary.startswith("===============") and ours[0].startswith(b"--" + boundary.encode())
