"""The Core Tools-like admin API: list functions, run a non-HTTP function once."""

from __future__ import annotations

import importlib

import httpx
import pytest

from devhost.stack import Stack
from tests.devhost.support import Records

pytestmark = pytest.mark.integration


def admin(stack: Stack, method: str, path: str, key: str | None = "master", **kwargs: object) -> httpx.Response:
    headers = {"x-functions-key": stack.master_key if key == "master" else key} if key else {}
    return httpx.request(method, f"{stack.host_url}/admin/{path}", headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


class TestListing:
    def test_lists_every_registered_function_with_its_trigger(self, sample_stack: Stack) -> None:
        sample = importlib.import_module("tests.devhost.sample_app")
        registered = {f.get_function_name(): f.get_trigger().type for f in sample.app.get_functions()}
        listed = {f["name"]: f["trigger"] for f in admin(sample_stack, "GET", "functions").json()}
        assert listed == registered

    def test_needs_the_master_key(self, sample_stack: Stack) -> None:
        assert admin(sample_stack, "GET", "functions", key=None).status_code == 401
        assert admin(sample_stack, "GET", "functions", key=sample_stack.function_key).status_code == 401


class TestRunOnce:
    def test_queue_function_gets_the_input_as_message_body(
            self, sample_stack: Stack, sample_records: Records, unique: str) -> None:
        response = admin(sample_stack, "POST", "functions/Worker", json={"input": f"admin:{unique}"})
        assert response.status_code == 202
        (seen,) = sample_records.wait(body=f"admin:{unique}")
        assert (seen["ok"], seen["dequeue_count"]) == (True, 1)

    def test_timer_function_runs(self, sample_stack: Stack, sample_records: Records) -> None:
        before = len(sample_records.where(fn="Yearly"))
        assert admin(sample_stack, "POST", "functions/yearly", json={"input": ""}).status_code == 202
        sample_records.wait(count=before + 1, fn="Yearly")

    @pytest.mark.parametrize(("name", "body", "status"), [
        ("Nope", {"input": ""}, 404), ("Echo", {"input": ""}, 400), ("Worker", {"input": 5}, 400),
    ])
    def test_rejects_what_it_cannot_run(self, sample_stack: Stack, name: str, body: object, status: int) -> None:
        assert admin(sample_stack, "POST", f"functions/{name}", json=body).status_code == status

    def test_needs_the_master_key(self, sample_stack: Stack) -> None:
        response = admin(sample_stack, "POST", "functions/Worker", key=sample_stack.function_key, json={"input": "x"})
        assert response.status_code == 401
