"""The whole local stack (Azurite, Graph and iMIS emulators, the local Functions host) for integration tests.

One stack per test module keeps modules independent (each starts from empty storage and the CRM seed);
tests inside a module use their own mailbox addresses so they do not see each other's mail.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack

HOST_JSON = Path(__file__).parent / "host.json"
FAST_HOST = json.loads(HOST_JSON.read_text())["extensions"]["queues"]
SAMPLE_MAIL = Path(__file__).resolve().parents[2] / "emulators" / "sample" / "mail"


def stack_env() -> dict[str, str]:
    return {"AzureFunctionsJobHost__extensions__queues__maxDequeueCount": str(FAST_HOST["maxDequeueCount"]),
            "DEVHOST_QUEUE_LEASE_SECONDS": "3"}  # a killed host's messages come back within 3 s


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(tmp_path_factory.mktemp("stack"), host_json=HOST_JSON, extra_env=stack_env()) as running:
        yield running


@pytest.fixture(scope="module")
def driver(stack: Stack) -> Iterator[StackDriver]:
    drv = StackDriver(stack)
    yield drv
    drv.close()


@pytest.fixture
def mailbox(driver: StackDriver) -> str:
    """A freshly onboarded mailbox in the organisation's domain, without historical import."""
    address = f"team-{uuid.uuid4().hex[:8]}@association.example"
    driver.add_mailbox(address, "Team", import_days=0)
    return address


def fresh_copy(path: Path) -> bytes:
    """The sample email with a new Message-ID, so each test captures its own copy."""
    raw = path.read_bytes()
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    lines = [ln for ln in head.splitlines() if not ln.lower().startswith(b"message-id:")]
    lines.append(f"Message-ID: <{uuid.uuid4().hex}@test.example.org>".encode())
    newline = b"\r\n" if b"\r\n" in head else b"\n"
    return newline.join(lines) + sep + body
