"""Admin API access through the running host: function key, Entra ID app roles, ETags, validation."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack

pytestmark = pytest.mark.integration


def principal(*roles: str) -> str:
    claims = [{"typ": "roles", "val": r} for r in roles] + [{"typ": "name", "val": "pat@association.example"}]
    return base64.b64encode(json.dumps({"claims": claims, "name_typ": "name", "role_typ": "roles"}).encode()).decode()


def as_role(driver: StackDriver, *roles: str) -> dict[str, str]:
    return {"X-MS-CLIENT-PRINCIPAL": principal(*roles)}


class TestRoles:
    def test_the_function_key_is_required(self, stack: Stack) -> None:
        assert httpx.get(f"{stack.host_url}/api/manage/options").status_code == 401

    @pytest.mark.parametrize(("roles", "read", "write"), [
        (("MailCapture.Admin",), 200, 200),
        (("MailCapture.Reader",), 200, 403),
        (("Someone.Else",), 403, 403),
    ])
    def test_each_role_reads_and_writes_as_allowed(self, driver: StackDriver, roles: tuple[str, ...], read: int,
                                                   write: int) -> None:
        got = driver.admin("GET", "options", headers=as_role(driver, *roles))
        assert got.status_code == read
        before = driver.admin("GET", "options")
        wanted = before.json()["options"]["retention_days"] + 1
        put = driver.admin("PATCH", "options", json={"retention_days": wanted},
                           headers={"If-Match": before.headers["ETag"], **as_role(driver, *roles)})
        assert put.status_code == write
        after = driver.admin("GET", "options")
        if write == 200:  # stored, with a new version
            assert after.json()["options"]["retention_days"] == wanted
            assert after.headers["ETag"] != before.headers["ETag"]
        else:  # refused: nothing changed
            assert (after.headers["ETag"], after.json()) == (before.headers["ETag"], before.json())
        status = driver.admin("GET", "status", headers=as_role(driver, *roles))
        assert status.status_code == read
        replay = driver.admin("POST", "contact-cache/purge", headers=as_role(driver, *roles))
        assert replay.status_code == write

    def test_history_names_who_changed_what(self, driver: StackDriver) -> None:
        etag = driver.admin("GET", "options").headers["ETag"]
        driver.admin("PATCH", "options", json={"look_back_days": 45},
                     headers={"If-Match": etag, **as_role(driver, "MailCapture.Admin")}).raise_for_status()
        latest = driver.admin("GET", "options/history").json()["history"][0]
        assert latest["updated_by"] == "pat@association.example"
        assert {"path": "look_back_days", "from": 30, "to": 45} in latest["changes"]


class TestOptionsConcurrency:
    def test_stale_etag_is_refused_and_nothing_changes(self, driver: StackDriver) -> None:
        first = driver.admin("GET", "options")
        driver.admin("PATCH", "options", json={"max_total_emails": 500},
                     headers={"If-Match": first.headers["ETag"]}).raise_for_status()
        stale = driver.admin("PATCH", "options", json={"max_total_emails": 7},
                             headers={"If-Match": first.headers["ETag"]})
        assert stale.status_code == 412
        assert driver.admin("GET", "options").json()["options"]["max_total_emails"] == 500

    def test_missing_if_match_is_refused(self, driver: StackDriver) -> None:
        assert driver.admin("PUT", "options", json={}).status_code == 428

    def test_invalid_options_list_every_field_and_keep_the_old(self, driver: StackDriver) -> None:
        before = driver.admin("GET", "options")
        bad = {"blocked_domains": ["not a domain"], "look_back_days": -3}
        answer = driver.admin("PATCH", "options", json=bad, headers={"If-Match": before.headers["ETag"]})
        assert answer.status_code == 400
        assert {e["field"] for e in answer.json()["errors"]} == {"blocked_domains", "look_back_days"}
        after = driver.admin("GET", "options")
        assert after.headers["ETag"] == before.headers["ETag"] and after.json() == before.json()
