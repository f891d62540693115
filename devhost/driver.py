"""Drive a running local stack the way an admin and the outside world would: admin API calls, mail
delivered into the Graph emulator, waiting until the pipeline is idle, reading what reached iMIS."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from devhost.stack import Stack


class StackDriver:
    def __init__(self, stack: Stack, timeout: float = 90.0) -> None:
        self.stack = stack
        self.api = httpx.Client(base_url=stack.host_url + "/api", timeout=timeout,
                                headers={"x-functions-key": stack.function_key})
        self.graph = httpx.Client(base_url=stack.graph_control_url, timeout=timeout)
        self.imis = httpx.Client(base_url=stack.imis_control_url, timeout=timeout)

    def close(self) -> None:
        for client in (self.api, self.graph, self.imis):
            client.close()

    # --- admin API ------------------------------------------------------------------------------------
    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.api.request(method, "/manage/" + path.lstrip("/"), **kwargs)

    def set_options(self, doc: dict[str, Any]) -> dict[str, Any]:
        current = self.admin("GET", "options")
        current.raise_for_status()
        answer = self.admin("PUT", "options", json=doc, headers={"If-Match": current.headers["ETag"]})
        answer.raise_for_status()
        return dict(answer.json())

    def add_mailbox(self, address: str, display_name: str = "", **settings: Any) -> dict[str, Any]:
        self.graph.post("/mailboxes", json={"address": address, "displayName": display_name or address})
        answer = self.admin("POST", "mailboxes", json={"address": address, "display_name": display_name, **settings})
        if answer.status_code >= 400:
            raise AssertionError(f"onboarding {address} failed: {answer.status_code} {answer.text}")
        return dict(answer.json())

    # --- mail -----------------------------------------------------------------------------------------
    def deliver(self, mailbox: str, eml: bytes | Path, folder: str = "inbox") -> dict[str, Any]:
        raw = eml.read_bytes() if isinstance(eml, Path) else eml
        answer = self.graph.post(f"/mailboxes/{mailbox}/messages", params={"folder": folder}, content=raw,
                                 headers={"Content-Type": "message/rfc822"})
        answer.raise_for_status()
        return dict(answer.json())

    def deliver_json(self, mailbox: str, message: dict[str, Any], folder: str = "inbox") -> dict[str, Any]:
        answer = self.graph.post(f"/mailboxes/{mailbox}/messages", params={"folder": folder}, json=message)
        answer.raise_for_status()
        return dict(answer.json())

    # --- outcomes -------------------------------------------------------------------------------------
    def decisions(self, **filters: Any) -> list[dict[str, Any]]:
        answer = self.admin("GET", "decisions", params={"limit": 1000, **filters})
        answer.raise_for_status()
        return list(answer.json()["entries"])

    def message_outcomes(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The message-level decision per (mailbox, graph message id): the capture if one happened (the same
        id may also come through the delta backstop and be logged again as a duplicate), else the latest."""
        chosen: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in sorted(self.decisions(), key=lambda e: e["at"]):
            key = (entry["mailbox"], entry["message_id"])
            if not entry.get("contact_id") and chosen.get(key, {}).get("outcome") != "captured":
                chosen[key] = entry
        return chosen

    def crm_records(self) -> dict[str, Any]:
        answer = self.imis.get("/records")
        answer.raise_for_status()
        return dict(answer.json())

    def status(self) -> dict[str, Any]:
        answer = self.admin("GET", "status")
        answer.raise_for_status()
        return dict(answer.json())

    def wait_until(self, check: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.25)
        raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")

    def wait_for_outcomes(self, expected: set[tuple[str, str]], timeout: float = 90.0) -> dict:
        """Wait until every (mailbox, message id) has a final message-level decision and the queue is empty."""
        final = {"captured", "skipped", "duplicate", "failed"}

        def done() -> bool:
            outcomes = self.message_outcomes()
            have = {k for k, v in outcomes.items() if v["outcome"] in final}
            return expected <= have and self.status()["queue"]["depth"] == 0

        self.wait_until(done, timeout, f"{len(expected)} message outcome(s)")
        return self.message_outcomes()
