"""HTTP triggers through the local host: routing, auth levels, errors and the queue output binding."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Callable

import httpx
import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.queue import QueueClient

from devhost.stack import Stack

pytestmark = pytest.mark.integration


def call(stack: Stack, method: str, path: str, key: str | None = None, *, headers: dict[str, str] | None = None,
         **kwargs: object) -> httpx.Response:
    headers = {**(headers or {}), **({"x-functions-key": key} if key else {})}
    return httpx.request(method, f"{stack.host_url}/api/{path}", headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


class TestRouting:
    def test_route_params_query_body_headers_reach_the_function(self, sample_stack: Stack) -> None:
        response = call(sample_stack, "POST", "items/42/red?color=blue", sample_stack.function_key,
                        content=b"payload")
        assert response.status_code == 201
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-echo"] == "yes"
        assert response.json() == {"route_params": {"id": "42", "tag": "red"}, "params": {"color": "blue"},
                                   "method": "POST", "body": "payload", "header": None, "function": "Echo"}

    def test_optional_route_param_may_be_left_out(self, sample_stack: Stack) -> None:
        response = call(sample_stack, "GET", "items/7", sample_stack.function_key, headers={"X-Sample": "h"})
        assert (response.json()["route_params"], response.json()["header"]) == ({"id": "7"}, "h")

    @pytest.mark.parametrize(("method", "path"), [("GET", "items/abc"), ("GET", "nowhere"), ("DELETE", "items/1")])
    def test_unmatched_route_or_method_is_404_from_the_host(self, sample_stack: Stack, method: str, path: str) -> None:
        response = call(sample_stack, method, path, sample_stack.master_key)
        assert response.status_code == 404
        assert "x-devhost-function" not in response.headers

    def test_async_functions_are_awaited(self, sample_stack: Stack) -> None:
        response = call(sample_stack, "GET", "greet/ada")
        assert (response.status_code, response.text) == (200, "hello ada")
        assert response.headers["content-type"] == "text/plain; charset=utf-8"

    def test_response_may_be_set_on_an_http_output_instead_of_returned(self, sample_stack: Stack) -> None:
        response = call(sample_stack, "GET", "set-response")
        assert (response.status_code, response.text) == (203, "set on the output")

    def test_unhandled_exception_is_500(self, sample_stack: Stack) -> None:
        response = call(sample_stack, "GET", "boom")
        assert (response.status_code, response.headers["x-devhost-function"]) == (500, "Boom")


class TestAuthLevels:
    def test_function_level_needs_a_key(self, sample_stack: Stack) -> None:
        assert call(sample_stack, "GET", "items/1").status_code == 401
        assert call(sample_stack, "GET", "items/1", "wrong").status_code == 401
        assert call(sample_stack, "GET", "items/1", sample_stack.function_key).status_code == 201
        assert call(sample_stack, "GET", "items/1", sample_stack.master_key).status_code == 201
        assert call(sample_stack, "GET", f"items/1?code={sample_stack.function_key}").status_code == 201

    def test_admin_level_needs_the_master_key(self, sample_stack: Stack) -> None:
        assert call(sample_stack, "GET", "secret", sample_stack.function_key).status_code == 401
        assert call(sample_stack, "GET", "secret", sample_stack.master_key).text == "secret"

    def test_anonymous_is_open(self, sample_stack: Stack) -> None:
        assert call(sample_stack, "GET", "health").status_code == 200


class TestQueueOutput:
    def test_values_set_on_the_output_are_sent_base64_encoded(
            self, sample_stack: Stack, queue: Callable[[str], QueueClient], unique: str) -> None:
        bodies = [f"one-{unique}", json.dumps({"two": unique})]
        assert call(sample_stack, "POST", "enqueue", json=bodies).status_code == 202
        seen = [base64.b64decode(m.content).decode() for m in queue("devhost-out").peek_messages(max_messages=32)]
        assert [b for b in seen if unique in b] == bodies

    def test_a_failed_send_makes_the_call_fail(self, sample_stack: Stack) -> None:
        response = call(sample_stack, "POST", "enqueue-broken")
        assert (response.status_code, response.headers["x-devhost-function"]) == (500, "EnqueueBroken")

    def test_nothing_is_sent_when_the_function_fails_after_setting_the_output(
            self, sample_stack: Stack, queue: Callable[[str], QueueClient], unique: str) -> None:
        response = call(sample_stack, "POST", "enqueue-then-fail", content=f"failed-{unique}")
        assert (response.status_code, response.headers["x-devhost-function"]) == (500, "EnqueueThenFail")
        seen = [base64.b64decode(m.content).decode() for m in queue("devhost-out").peek_messages(max_messages=32)]
        assert not [b for b in seen if unique in b]

    def test_the_output_is_sent_after_the_function_returns_and_a_missing_queue_is_created(
            self, sample_stack: Stack, queue: Callable[[str], QueueClient], unique: str) -> None:
        fresh = queue("devhost-fresh")
        with contextlib.suppress(ResourceNotFoundError):
            fresh.delete_queue()  # the host creates it when the send answers QueueNotFound, as the real one does
        response = call(sample_stack, "POST", "enqueue-and-look", content=f"late-{unique}")
        assert (response.status_code, response.text) == (200, "not sent yet")
        seen = [base64.b64decode(m.content).decode() for m in fresh.peek_messages(max_messages=32)]
        assert seen == [f"late-{unique}"]

    def test_a_message_over_the_queue_limit_fails_the_call(
            self, sample_stack: Stack, queue: Callable[[str], QueueClient], unique: str) -> None:
        # 64 KiB of message text after base64 (learn.microsoft.com/rest/api/storageservices/put-message):
        # 49,152 bytes encode to 65,536 characters, one byte more does not fit.
        fits, too_big = f"{unique}-".ljust(49_152, "x"), f"{unique}+".ljust(49_153, "x")
        assert call(sample_stack, "POST", "enqueue", json=[fits]).status_code == 202
        assert call(sample_stack, "POST", "enqueue", json=[too_big]).status_code == 500
