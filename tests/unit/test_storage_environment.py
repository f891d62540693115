"""The storage clients read proxies and netrc from the environment only when there are some to read: then they
use them as before (fail safe); otherwise each request skips requests' per-call environment look-up, and the CA
bundle requests would have found there is given to them explicitly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from azure.core.exceptions import ResourceNotFoundError, ServiceRequestError

from shared.adapters.tables import storage_options, table_service
from shared.config import requests_environment

KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="  # Azurite's


class TestWhatRequestsWouldRead:
    @pytest.mark.parametrize(("env", "reads"), [
        ({}, False),
        ({"HTTPS_PROXY": "http://proxy.example:3128"}, True),
        ({"no_proxy": "localhost"}, True),  # any case, as urllib reads them
        ({"ALL_PROXY": ""}, False),  # set but empty: urllib ignores it
        ({"NETRC": "/etc/netrc"}, True),
        ({"REQUESTS_CA_BUNDLE": "/etc/ssl/bundle.pem"}, False),  # not a reason: passed on explicitly
    ])
    def test_proxies_and_netrc_are_what_keeps_the_environment_in_use(self, env: dict[str, str], reads: bool,
                                                                    tmp_path: Path) -> None:
        assert requests_environment(env, tmp_path)[0] is reads

    def test_a_netrc_file_keeps_it_in_use(self, tmp_path: Path) -> None:
        (tmp_path / ".netrc").write_text("machine example.org login a password b\n")
        assert requests_environment({}, tmp_path)[0] is True

    def test_the_ca_bundle_is_requests_own_choice(self, tmp_path: Path) -> None:
        assert requests_environment({"CURL_CA_BUNDLE": "/c", "REQUESTS_CA_BUNDLE": "/r"}, tmp_path)[1] == "/r"
        assert requests_environment({"CURL_CA_BUNDLE": "/c"}, tmp_path)[1] == "/c"
        assert requests_environment({}, tmp_path)[1] == ""


@pytest.fixture
def storage() -> Iterator[str]:
    """A stand-in Table endpoint on loopback that answers every request 404 (the entity is not there)."""
    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = b'{"odata.error":{"code":"ResourceNotFound","message":{"value":"The resource does not exist."}}}'
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};"
           f"TableEndpoint=http://127.0.0.1:{server.server_address[1]}/devstoreaccount1;")
    server.shutdown()
    server.server_close()


def _get(connection: str) -> None:
    service = table_service(SimpleNamespace(storage_connection=connection), retry_total=0)  # type: ignore[arg-type]
    with service:
        service.get_table_client("Things").get_entity("p", "r")


def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "NETRC"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))


def test_without_proxies_a_client_does_not_look_at_the_environment_per_request(
        storage: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _clean(monkeypatch, tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    assert storage_options() == {"use_env_settings": False, "connection_verify": "/etc/ssl/bundle.pem"}
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    service = table_service(SimpleNamespace(storage_connection=storage), retry_total=0)  # type: ignore[arg-type]
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # set later: a client built before never reads it
    with service, pytest.raises(ResourceNotFoundError):
        service.get_table_client("Things").get_entity("p", "r")


def test_a_proxy_in_the_environment_is_used_as_before(storage: str, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    _clean(monkeypatch, tmp_path)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there: the request cannot get out
    assert storage_options() == {}
    with pytest.raises(ServiceRequestError):
        _get(storage)
