"""Entity-group transactions through azure-core without its per-request thread pools (shared/adapters/multipart.py):
the same wire request (every part with its x-ms-date), the same parsed parts, and no thread started."""

from __future__ import annotations

import io
import threading
from email import message_from_bytes
from typing import Any

import pytest
import requests
import urllib3
from azure.core.pipeline import Pipeline
from azure.core.pipeline.transport import RequestsTransport
from azure.data.tables import TableClient

from shared.adapters import multipart

AZURITE = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
           "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
           "TableEndpoint=http://127.0.0.1:1/devstoreaccount1;")


def _batch_response(n: int) -> bytes:
    """What Table storage answers to a transaction of n operations (one 204 part each), as Azurite sends it."""
    part = ("--changesetresponse_c\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            "HTTP/1.1 204 No Content\r\nDataServiceVersion: 1.0;\r\nETag: W/\"datetime'2026-12-01T00%3A00%3A00Z'\"\r\n"
            "\r\n\r\n")
    return ("--batchresponse_b\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n"
            + part * n + "--changesetresponse_c--\r\n--batchresponse_b--\r\n").encode()


class Canned(requests.adapters.HTTPAdapter):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.n, self.bodies = n, []  # type: ignore[var-annotated]

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        self.bodies.append(request.body)
        response = requests.Response()
        response.status_code, response.request, response.url = 202, request, request.url
        response.headers["Content-Type"] = "multipart/mixed; boundary=batchresponse_b"
        response.raw = urllib3.HTTPResponse(io.BytesIO(_batch_response(self.n)), preload_content=False)
        return response


def _transaction(monkeypatch: pytest.MonkeyPatch, n: int) -> tuple[list[Any], bytes, int]:
    session = requests.Session()
    adapter = Canned(n)
    session.mount("http://", adapter)
    client = TableClient.from_connection_string(AZURITE, "Rows", transport=RequestsTransport(session=session))
    started: list[threading.Thread] = []
    start = threading.Thread.start
    # azure-core's pools are unnamed: ThreadPoolExecutor-N_M (the app's own executors all have a name prefix)
    monkeypatch.setattr(threading.Thread, "start", lambda t: (
        started.append(t) if t.name.startswith("ThreadPoolExecutor-") else None, start(t))[1])
    result = client.submit_transaction([("upsert", {"PartitionKey": "p", "RowKey": str(i), "v": i}) for i in range(n)])
    monkeypatch.undo()
    return result, adapter.bodies[0], len(started)


def test_a_transaction_starts_no_thread_and_sends_and_parses_every_part(monkeypatch: pytest.MonkeyPatch) -> None:
    assert multipart.install()
    result, body, threads = _transaction(monkeypatch, 5)
    assert threads == 0
    assert len(result) == 5 and all(r["etag"].startswith('W/"datetime') for r in result)
    outer = message_from_bytes(b"Content-Type: multipart/mixed; boundary=" + body.split(b"\r\n", 1)[0][2:]
                               + b"\r\n\r\n" + body)
    changeset = outer.get_payload()[0]
    parts = changeset.get_payload()
    assert len(parts) == 5
    for i, part in enumerate(parts):  # each part went through StorageHeadersPolicy: its own date headers
        text = part.get_payload(decode=False)
        assert f"RowKey%3D%27{i}%27" in text or f"RowKey='{i}'" in text
        assert "x-ms-date:" in text and "\r\nDate:" in text


def test_another_azure_core_keeps_the_library_code() -> None:
    before = Pipeline.__dict__["_prepare_multipart_mixed_request"]
    assert not multipart.install("1.40.0")
    assert Pipeline.__dict__["_prepare_multipart_mixed_request"] is before
