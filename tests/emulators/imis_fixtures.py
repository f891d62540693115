"""Fixtures for the iMIS emulator tests: the real CLI in a subprocess on a free port over a temp SQLite file.

Import the three fixture functions into a test module (``from tests.emulators.imis_fixtures import
imis_fixture, imis_clients_fixture, imis_server_fixture  # noqa: F401``) and ask for ``imis`` in a test.
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.adapters.imis import ImisCrmClient

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "emulators" / "sample" / "crm.json"
START_TIMEOUT = 20.0


@dataclass
class ImisProcess:
    proc: subprocess.Popen[str]
    url: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()


def start_imis(db: Path, *args: str, seed: Path | None = SEED) -> ImisProcess:
    """Start ``python -m emulators.imis --port 0`` and wait for its 'listening on' line."""
    log = db.with_suffix(".stderr.log")
    cmd = [sys.executable, "-m", "emulators.imis", "--host", "127.0.0.1", "--port", "0", "--db", str(db), *args]
    if seed:
        cmd += ["--seed", str(seed)]
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=err, text=True)
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        if selector.select(timeout=0.1):
            line = proc.stdout.readline()
            if "listening on " in line:
                return ImisProcess(proc, line.strip().rsplit(" ", 1)[1], log)
    proc.kill()
    raise RuntimeError(f"iMIS emulator did not start: {log.read_text()[-2000:]}")


@dataclass
class Imis:
    """A running emulator with helpers; ``api`` sends a valid bearer token."""

    url: str
    http: httpx.Client = field(init=False)
    api: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=10)
        self.api = httpx.Client(base_url=self.url, timeout=10)

    def reset(self) -> None:
        """Back to the seed (which also ends every token), then a fresh token for ``api``."""
        self.http.post("/_emulator/reset").raise_for_status()
        self.api.headers["Authorization"] = f"Bearer {self.token()}"

    def token(self, **overrides: str) -> str:
        seed = load_seed()["service_user"]
        form = {"grant_type": "password", "username": seed["username"], "password": seed["password"]} | overrides
        reply = self.http.post("/token", data=form)
        reply.raise_for_status()
        return str(reply.json()["access_token"])

    def records(self) -> dict[str, Any]:
        return dict(self.http.get("/_emulator/records").json())

    def close(self) -> None:
        self.http.close()
        self.api.close()

    def __enter__(self) -> Imis:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def load_seed() -> dict[str, Any]:
    return dict(json.loads(SEED.read_text(encoding="utf-8")))


def activity_body(party_id: str | None = "20001", activity_type: str | None = "EMAIL", **props: Any) -> dict[str, Any]:
    """The full GenericEntityData form from crm-apis.md §3.1."""
    values: dict[str, Any] = {"PartyId": party_id, "ACTIVITY_TYPE": activity_type} | props
    return {
        "$type": "Asi.Soa.Core.DataContracts.GenericEntityData, Asi.Contracts",
        "EntityTypeName": "Activity",
        "PrimaryParentEntityTypeName": "Party",
        "Properties": {"$type": "Asi.Soa.Core.DataContracts.GenericPropertyDataCollection, Asi.Contracts",
                       "$values": [{"$type": "Asi.Soa.Core.DataContracts.GenericPropertyData, Asi.Contracts",
                                    "Name": k, "Value": v} for k, v in values.items() if v is not None]},
    }


def properties(entity: dict[str, Any]) -> dict[str, Any]:
    """GenericEntityData properties as plain values (typed wrappers unwrapped)."""
    out = {}
    for prop in entity["Properties"]["$values"]:
        value = prop.get("Value")
        out[prop["Name"]] = value.get("$value", value.get("$values")) if isinstance(value, dict) else value
    return out


def error_properties(reply: httpx.Response) -> list[str]:
    return [e["PropertyName"] for e in reply.json()["Errors"]["$values"]]


@pytest.fixture(scope="module", name="imis_server")
def imis_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImisProcess]:
    server = start_imis(tmp_path_factory.mktemp("imis") / "imis.sqlite")
    yield server
    server.stop()


@pytest.fixture(scope="module", name="imis_clients")
def imis_clients_fixture(imis_server: ImisProcess) -> Iterator[Imis]:
    client = Imis(imis_server.url)  # one set of httpx clients per module: building one costs ~50 ms
    yield client
    client.close()


@pytest.fixture(name="imis")
def imis_fixture(imis_clients: Imis) -> Imis:
    """The module's emulator, reset to the seed before each test."""
    imis_clients.reset()
    return imis_clients


@pytest.fixture(name="crm")
def imis_crm_fixture(imis: Imis) -> Iterator[ImisCrmClient]:
    """The product's own iMIS adapter, signed in as the seed's service user, on the emulator."""
    user = load_seed()["service_user"]
    with httpx.Client(base_url=imis.url, timeout=10) as http:
        yield ImisCrmClient(http, user["username"], user["password"])
