"""Fixtures for the local host tests: one Azurite + sample-app host for the whole devhost test session."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from azure.storage.queue import QueueClient

from devhost.processes import free_ports
from devhost.stack import ACCOUNT, ACCOUNT_KEY, Stack
from tests.devhost.support import Records

HERE = Path(__file__).parent
LEASE_SECONDS = 2


@pytest.fixture(scope="session")
def sample_records(tmp_path_factory: pytest.TempPathFactory) -> Records:
    return Records(tmp_path_factory.mktemp("records") / "records.jsonl")


@pytest.fixture(scope="session")
def sample_stack(tmp_path_factory: pytest.TempPathFactory, sample_records: Records) -> Iterator[Stack]:
    (dead_port,) = free_ports(1)  # nothing listens there: sends through this connection fail
    broken = (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
              f"QueueEndpoint=http://127.0.0.1:{dead_port}/{ACCOUNT};")
    env = {"DEVHOST_SAMPLE_RECORDS": str(sample_records.path), "DEVHOST_SAMPLE_BROKEN_STORAGE": broken,
           "DEVHOST_QUEUE_LEASE_SECONDS": str(LEASE_SECONDS)}
    with Stack(tmp_path_factory.mktemp("sample-stack"), emulators=False, app="tests.devhost.sample_app",
               host_json=HERE / "host.json", extra_env=env) as stack:
        yield stack


@pytest.fixture
def queue(sample_stack: Stack) -> Iterator[Callable[[str], QueueClient]]:
    clients: list[QueueClient] = []

    def open_queue(name: str) -> QueueClient:
        client = QueueClient.from_connection_string(sample_stack.connection_string, name)
        clients.append(client)
        return client

    yield open_queue
    for client in clients:
        client.close()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:12]
