"""Control API: fault injection, request counts, records, reset; and persistence across a process restart."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.emulators.imis_fixtures import (  # noqa: F401
    Imis,
    activity_body,
    imis_clients_fixture,
    imis_fixture,
    imis_server_fixture,
    load_seed,
    properties,
    start_imis,
)

pytestmark = pytest.mark.integration


def _wait_until_counted(imis: Imis, total: int, timeout: float = 10.0) -> None:
    """A request the client gave up on still finishes on the server; wait for it so later tests start clean."""
    deadline = time.monotonic() + timeout
    while imis.http.get("/_emulator/requests").json()["total"] < total:
        assert time.monotonic() < deadline, "the abandoned request never finished"
        time.sleep(0.05)


class TestFaultInjection:
    def test_next_n_requests_answer_the_chosen_status(self, imis: Imis) -> None:
        fault = {"count": 2, "status": 503, "retry_after": 3}
        assert imis.http.post("/_emulator/faults", json=fault).status_code == 201
        first, second = imis.api.get("/api/Party/20001"), imis.api.get("/api/Party/20001")
        assert (first.status_code, second.status_code) == (503, 503)
        assert first.headers["Retry-After"] == "3"
        assert imis.api.get("/api/Party/20001").status_code == 200
        assert imis.http.get("/_emulator/requests").json()["faults_served"] == 2

    def test_path_prefix_and_method_limit_the_fault(self, imis: Imis) -> None:
        imis.http.post("/_emulator/faults", json={"status": 500, "path_prefix": "/api/Activity", "method": "POST"})
        assert imis.api.get("/api/Party/20001").status_code == 200
        assert imis.api.get("/api/Activity", params={"PartyId": "eq:20001"}).status_code == 200
        assert imis.api.post("/api/Activity", json=activity_body()).status_code == 500
        assert imis.api.post("/api/Activity", json=activity_body()).status_code == 201
        assert len(imis.records()["activities"]) == 1  # the faulted request wrote nothing

    def test_delay_makes_a_client_time_out(self, imis: Imis) -> None:
        imis.http.post("/_emulator/faults", json={"delay_ms": 800, "path_prefix": "/api/Party"})
        with pytest.raises(httpx.ReadTimeout):
            imis.api.get("/api/Party/20001", timeout=0.2)
        assert imis.api.get("/api/Party/20001", timeout=5).status_code == 200
        _wait_until_counted(imis, 3)  # the token, the abandoned GET and this one

    def test_after_ms_commits_the_write_but_holds_the_answer(self, imis: Imis) -> None:
        imis.http.post("/_emulator/faults", json={"after_ms": 800, "path_prefix": "/api/Activity", "method": "POST"})
        with pytest.raises(httpx.ReadTimeout):
            imis.api.post("/api/Activity", json=activity_body(UF_1="lost-answer"), timeout=0.2)
        _wait_until_counted(imis, 2)  # the token and the abandoned POST
        assert [a["UF_1"] for a in imis.records()["activities"]] == ["lost-answer"]  # a retry must find it

    def test_bad_fault_definitions_are_refused(self, imis: Imis) -> None:
        assert imis.http.post("/_emulator/faults", json={"count": 1}).status_code == 400
        assert imis.http.post("/_emulator/faults", json={"status": "503"}).status_code == 400
        assert imis.http.post("/_emulator/faults", json={"status": 503, "colour": "red"}).status_code == 400

    def test_faults_can_be_listed_and_cleared(self, imis: Imis) -> None:
        imis.http.post("/_emulator/faults", json={"count": 5, "status": 500})
        assert [f["count"] for f in imis.http.get("/_emulator/faults").json()] == [5]
        assert imis.http.delete("/_emulator/faults").status_code == 204
        assert imis.api.get("/api/Party/20001").status_code == 200


class TestInspection:
    def test_requests_are_counted_by_route(self, imis: Imis) -> None:
        imis.http.delete("/_emulator/requests")
        imis.api.get("/api/Party/20001")
        imis.api.get("/api/party/20002")
        imis.api.post("/api/Activity", json=activity_body())
        counts = imis.http.get("/_emulator/requests").json()
        assert counts["by_route"] == {"GET /api/Party/{key}": 2, "POST /api/Activity": 1}
        assert counts["total"] == 3 and counts["by_status"] == {"200": 2, "201": 1}

    def test_records_list_writes_and_reset_clears_them(self, imis: Imis) -> None:
        imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="one")).raise_for_status()
        assert [a["DESCRIPTION"] for a in imis.records()["activities"]] == ["one"]
        assert imis.http.post("/_emulator/reset").json()["parties"] == 19
        assert imis.records() == {"parties": [], "activities": [], "interactions": [], "attachments": []}

    def test_health(self, imis: Imis) -> None:
        assert imis.http.get("/_emulator/health").json()["status"] == "ok"


class TestPersistence:
    def test_writes_survive_a_restart_and_the_seed_is_not_reloaded(self, tmp_path: Path) -> None:
        db = tmp_path / "imis.sqlite"
        first = start_imis(db)
        try:
            with Imis(first.url) as client:
                client.reset()
                seqn = properties(client.api.post("/api/Activity", json=activity_body(UF_1="kept")).json())["SEQN"]
        finally:
            first.stop()
        second = start_imis(db)
        try:
            with Imis(second.url) as client:
                client.api.headers["Authorization"] = f"Bearer {client.token()}"
                kept = client.api.get("/api/Activity", params={"UF_1": "eq:kept"}).json()
                assert [properties(i)["SEQN"] for i in kept["Items"]["$values"]] == [seqn]
                next_seqn = properties(client.api.post("/api/Activity", json=activity_body()).json())["SEQN"]
                assert next_seqn == seqn + 1
                assert client.http.get("/_emulator/health").json()["parties"] == 19
        finally:
            second.stop()
