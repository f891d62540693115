"""IMIS_MAX_CONCURRENCY bounds the CRM requests one worker process has in flight (issue 13 item 8)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from shared.adapters.imis import ImisCrmClient
from shared.config import Settings, SettingsError
from tests.unit.test_config import GOOD

EMPTY_PAGE = {"Items": {"$values": []}, "HasNext": False}


class InFlight:
    """A fake iMIS that holds each API request a little and records the most it saw at once."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.05)
        with self._lock:
            self.now -= 1
        return httpx.Response(200, content=json.dumps(EMPTY_PAGE))


@pytest.mark.parametrize("limit", [1, 3])
def test_requests_in_flight_never_exceed_the_setting(limit: int) -> None:
    server = InFlight()
    http = httpx.Client(base_url="https://imis.example.org", transport=httpx.MockTransport(server))
    client = ImisCrmClient(http, "svc", "pw", max_concurrency=limit)
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(client.find_contacts, [f"p{i}@example.org" for i in range(24)]))
    assert server.most == limit


def test_the_setting_defaults_to_four_and_refuses_nonsense() -> None:
    assert Settings.from_env(GOOD).crm_concurrency == 4
    assert Settings.from_env(GOOD | {"IMIS_MAX_CONCURRENCY": "2"}).crm_concurrency == 2
    for bad in ("0", "-1", "many", "100"):
        with pytest.raises(SettingsError) as err:
            Settings.from_env(GOOD | {"IMIS_MAX_CONCURRENCY": bad})
        assert set(err.value.problems) == {"IMIS_MAX_CONCURRENCY"}
