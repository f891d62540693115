"""The full local stack for the admin page and OpenAPI tests, seeded with one watched mailbox and a few emails.

Any failure to start fails the tests that need the stack: a missing prerequisite is never a skip.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx

from devhost.stack import REPO, Stack

T = TypeVar("T")
MAILBOX = "membership@association.example"
SAMPLE_MAIL = REPO / "emulators" / "sample" / "mail"
CORPUS = REPO / "tests" / "corpus" / "own"
AUTO_REPLY = CORPUS / "auto_reply" / "unix-vacation.eml"
PERSON_MAIL = SAMPLE_MAIL / "01-alice-renewal-question.eml"


def wait_for(produce: Callable[[], T | None], timeout: float = 15.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while not (value := produce()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)
    return value


@contextmanager
def full_stack(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    stack = Stack(workdir, extra_env=extra_env)
    try:
        stack.start_azurite()
        stack.start_emulators()
        stack.start_host()
        yield stack
    finally:
        stack.stop()


def admin_client(stack: Stack) -> httpx.Client:
    return httpx.Client(base_url=f"{stack.host_url}/api/manage", headers={"x-functions-key": stack.function_key},
                        timeout=30)


def deliver(stack: Stack, eml: Path, address: str = MAILBOX) -> None:
    response = httpx.post(f"{stack.graph_control_url}/mailboxes/{address}/messages", content=eml.read_bytes(),
                          headers={"content-type": "message/rfc822"}, timeout=10)
    response.raise_for_status()


def create_graph_mailbox(stack: Stack, address: str) -> None:
    response = httpx.post(f"{stack.graph_control_url}/mailboxes", json={"address": address}, timeout=10)
    response.raise_for_status()


def seed(stack: Stack) -> None:
    """One watched mailbox (no import) that received a person's email and an auto-reply, both processed."""
    create_graph_mailbox(stack, MAILBOX)
    with admin_client(stack) as admin:
        admin.post("/mailboxes", json={"address": MAILBOX, "import_days": 0}).raise_for_status()
        for eml in (PERSON_MAIL, AUTO_REPLY):
            deliver(stack, eml)
        wait_for(lambda: len(admin.get("/decisions", params={"contact_id": ""}).json()["entries"]) >= 2,
                 what="the seeded emails in the decision log")
