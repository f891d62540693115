"""Functions disabled by app setting (AzureWebJobs.<name>.Disabled, or AzureWebJobs_<name>_Disabled on Linux):
the trigger does not run, a disabled HTTP function answers 404 except to the master key (devhost/disabled.py)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from azure.storage.queue import QueueClient

from devhost.disabled import disabled_functions
from devhost.stack import Stack
from devhost.storage import encode_message

pytestmark = pytest.mark.integration
HERE = Path(__file__).parent


def test_the_setting_names_and_values_the_host_reads() -> None:
    env = {"AzureWebJobs.Greet.Disabled": "True", "AzureWebJobs_Worker_Disabled": "1",
           "AzureWebJobs.Echo.Disabled": "false", "AzureWebJobs.Boom.Disabled": "yes"}
    assert disabled_functions(["Greet", "Worker", "Echo", "Boom", "Health"], env) == {"Greet", "Worker"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    records = tmp_path_factory.mktemp("records") / "records.jsonl"
    env = {"DEVHOST_SAMPLE_RECORDS": str(records), "DEVHOST_SAMPLE_BROKEN_STORAGE": "UseDevelopmentStorage=true",
           "AzureWebJobs.Greet.Disabled": "true", "AzureWebJobs_Worker_Disabled": "1"}
    with Stack(tmp_path_factory.mktemp("disabled"), emulators=False, app="tests.devhost.sample_app",
               host_json=HERE / "host.json", extra_env=env) as running:
        yield running


def test_a_disabled_http_function_is_not_found_except_with_the_master_key(stack: Stack) -> None:
    assert httpx.get(f"{stack.host_url}/api/greet/ann", timeout=10).status_code == 404
    answer = httpx.get(f"{stack.host_url}/api/greet/ann", headers={"x-functions-key": stack.master_key}, timeout=10)
    assert answer.status_code == 200
    assert httpx.get(f"{stack.host_url}/api/health", timeout=10).status_code == 200  # the others still serve


def test_a_disabled_queue_trigger_leaves_its_messages_alone(stack: Stack) -> None:
    body = f"ok:{uuid.uuid4().hex[:8]}"
    with QueueClient.from_connection_string(stack.connection_string, "devhost-in") as inbox:
        inbox.create_queue()
        inbox.send_message(encode_message(body, "base64"))
        time.sleep(2.0)  # four of this host.json's polling intervals (maxPollingInterval 0.5 s)
        waiting = inbox.peek_messages(max_messages=32)
    assert [m.dequeue_count for m in waiting] == [0]
