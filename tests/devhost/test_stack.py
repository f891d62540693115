"""The stack launcher: app settings it hands out, Azurite restarts, readable start-up failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from azure.core.exceptions import ServiceRequestError
from azure.data.tables import TableServiceClient
from azure.storage.queue import LinearRetry, QueueClient

from devhost.stack import Stack, StackError, seed_credentials
from devhost.storage import encode_message
from tests.devhost.support import Records


class TestAppEnv:
    def test_points_the_product_at_this_stack(self, tmp_path: Path) -> None:
        stack = Stack(tmp_path, extra_env={"IMIS_TIMEZONE": "Europe/Paris", "GRAPH_STATIC_TOKEN": "other"})
        env = stack.app_env()
        assert env["AzureWebJobsStorage"] == stack.connection_string
        assert "QueueEndpoint=http://127.0.0.1:" in stack.connection_string
        assert (env["GRAPH_BASE_URL"], env["IMIS_BASE_URL"]) == (stack.graph_url, stack.imis_url)
        assert env["WEBHOOK_BASE_URL"] == stack.host_url + "/api"
        assert (env["GRAPH_AUTH_MODE"], env["GRAPH_STATIC_TOKEN"]) == ("static_token", "other")
        assert len(env["GRAPH_CLIENT_STATE"]) == 32
        assert (env["DEVHOST_FUNCTION_KEY"], env["DEVHOST_MASTER_KEY"]) == (stack.function_key, stack.master_key)
        assert env["IMIS_TIMEZONE"] == "Europe/Paris"

    def test_every_url_uses_a_distinct_loopback_port(self, tmp_path: Path) -> None:
        stack = Stack(tmp_path)
        urls = [stack.graph_url, stack.imis_url, stack.host_url]
        ports = {u.split(":")[2].split("/")[0] for u in urls}
        assert len(ports) == 3 and all(u.startswith("http://127.0.0.1:") for u in urls)

    def test_a_stack_given_storage_starts_no_azurite(self, tmp_path: Path) -> None:
        stack = Stack(tmp_path, storage="UseDevelopmentStorage=true")
        assert stack.app_env()["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"
        with pytest.raises(StackError, match="storage it was given"):
            stack.restart_azurite()


class TestSeedCredentials:
    def test_reads_the_service_user(self, tmp_path: Path) -> None:
        seed = tmp_path / "crm.json"
        seed.write_text(json.dumps({"persons": [{"username": "x", "password": "y"}],
                                    "service_user": {"username": "SVC", "password": "pw"}}))
        assert seed_credentials(seed) == ("SVC", "pw")

    def test_defaults_without_a_seed(self, tmp_path: Path) -> None:
        assert seed_credentials(tmp_path / "missing.json") == ("manager", "manager")


@pytest.mark.integration
class TestChildren:
    def test_restarting_azurite_keeps_ports_and_data_and_the_host_recovers(
            self, sample_stack: Stack, sample_records: Records, unique: str) -> None:
        before = sample_stack.connection_string
        kept = QueueClient.from_connection_string(before, f"kept-{unique}")
        kept.create_queue()
        kept.send_message("still here")
        sample_stack.restart_azurite()
        assert sample_stack.connection_string == before
        assert [m.content for m in kept.peek_messages()] == ["still here"]
        inbox = QueueClient.from_connection_string(before, "devhost-in")
        inbox.send_message(encode_message(f"after-restart:{unique}", "base64"))
        sample_records.wait(body=f"after-restart:{unique}", ok=True)

    def test_starting_a_running_child_again_is_refused(self, sample_stack: Stack) -> None:
        with pytest.raises(StackError, match="already running"):
            sample_stack.start_host()
        assert sample_stack.running("host")

    def test_a_host_that_cannot_start_raises_with_its_output(self, tmp_path: Path) -> None:
        stack = Stack(tmp_path, app="tests.devhost.no_such_app")  # fails on import, before it needs storage
        with pytest.raises(StackError, match="(?s)host exited.*No module named 'tests.devhost.no_such_app'"):
            stack.start_host()

    def test_storage_services_apart_answer_from_their_own_processes(self, tmp_path: Path, unique: str) -> None:
        with Stack(tmp_path, services_apart=True, host=False, emulators=False) as stack:
            queue = QueueClient.from_connection_string(stack.connection_string, f"apart-{unique}")
            queue.create_queue()
            queue.send_message("kept")
            stack.restart_azurite()  # all three come back on the same ports, with their data
            assert [m.content for m in queue.peek_messages()] == ["kept"]
            tables = TableServiceClient.from_connection_string(stack.connection_string)
            stack._stop("azurite-queue")  # noqa: SLF001 - a queue outage alone: Table storage still answers
            tables.create_table(f"apart{unique}")
            assert f"apart{unique}" in [t.name for t in tables.list_tables()]
            down = QueueClient.from_connection_string(stack.connection_string, f"apart-{unique}",
                                                      retry_policy=LinearRetry(retry_total=0))
            with pytest.raises(ServiceRequestError):
                down.get_queue_properties(timeout=2)

    def test_storage_in_memory_writes_nothing_to_disk_and_refuses_a_restart(self, tmp_path: Path, unique: str) -> None:
        with Stack(tmp_path, storage_in_memory=True, services_apart=True, host=False, emulators=False) as stack:
            queue = QueueClient.from_connection_string(stack.connection_string, f"memory-{unique}")
            queue.create_queue()
            queue.send_message("in memory")
            assert [m.content for m in queue.peek_messages()] == ["in memory"]
            assert not (tmp_path / "azurite").exists()  # --inMemoryPersistence, no --location
            with pytest.raises(StackError, match="lose every row"):
                stack.restart_azurite()
