"""Token grant, refusal and the bearer check on /api/*."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import pytest

from tests.emulators.imis_fixtures import (  # noqa: F401
    Imis,
    imis_clients_fixture,
    imis_fixture,
    imis_server_fixture,
    load_seed,
)

pytestmark = pytest.mark.integration


def _until(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


class TestTokenGrant:
    def test_password_grant_answers_the_owin_token_shape(self, imis: Imis) -> None:
        user = load_seed()["service_user"]
        reply = imis.http.post("/token", data={"grant_type": "password", "username": user["username"],
                                               "password": user["password"]})
        assert reply.status_code == 200
        body = reply.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == load_seed()["token_expires_in"]
        assert body["userName"] == user["username"]
        lifetime = parsedate_to_datetime(body[".expires"]) - parsedate_to_datetime(body[".issued"])
        assert lifetime.total_seconds() == body["expires_in"]
        assert len(body["access_token"]) >= 32

    def test_field_names_and_token_path_are_case_insensitive(self, imis: Imis) -> None:
        user = load_seed()["service_user"]
        form = {"Grant_type": "password", "Username": user["username"].lower(), "Password": user["password"]}
        assert imis.http.post("/Token", data=form).status_code == 200

    @pytest.mark.parametrize("field", ["password", "username"])
    def test_bad_credentials_are_refused_with_invalid_grant(self, imis: Imis, field: str) -> None:
        user = load_seed()["service_user"]
        form = {"grant_type": "password", "username": user["username"], "password": user["password"]}
        reply = imis.http.post("/token", data=form | {field: "wrong"})
        assert reply.status_code == 400
        assert reply.json()["error"] == "invalid_grant"
        assert reply.json()["error_description"]

    def test_other_grant_types_are_refused(self, imis: Imis) -> None:
        reply = imis.http.post("/token", data={"grant_type": "client_credentials"})
        assert reply.status_code == 400
        assert reply.json()["error"] == "unsupported_grant_type"


class TestBearerCheck:
    def test_api_without_token_is_401(self, imis: Imis) -> None:
        reply = imis.http.get("/api/Party/20001")
        assert reply.status_code == 401
        assert reply.headers["WWW-Authenticate"] == "Bearer"

    def test_api_with_unknown_token_is_401(self, imis: Imis) -> None:
        reply = imis.http.get("/api/Party/20001", headers={"Authorization": "Bearer not-a-token"})
        assert reply.status_code == 401

    def test_api_with_token_is_served(self, imis: Imis) -> None:
        assert imis.api.get("/api/Party/20001").status_code == 200

    def test_expire_all_ends_issued_tokens(self, imis: Imis) -> None:
        imis.http.post("/_emulator/tokens", json={"expire_all": True}).raise_for_status()
        assert imis.api.get("/api/Party/20001").status_code == 401
        fresh = {"Authorization": f"Bearer {imis.token()}"}
        assert imis.http.get("/api/Party/20001", headers=fresh).status_code == 200

    def test_tokens_expire_after_their_lifetime(self, imis: Imis) -> None:
        imis.http.post("/_emulator/tokens", json={"ttl_seconds": 1}).raise_for_status()
        reply = imis.http.post("/token", data={"grant_type": "password", **_credentials()})
        assert reply.json()["expires_in"] == 1
        headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}
        assert imis.http.get("/api/Party/20001", headers=headers).status_code == 200
        assert _until(lambda: imis.http.get("/api/Party/20001", headers=headers).status_code == 401)


def _credentials() -> dict[str, str]:
    user = load_seed()["service_user"]
    return {"username": user["username"], "password": user["password"]}
