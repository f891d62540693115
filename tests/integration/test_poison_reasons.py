"""Every message that goes to the poison queue has its reason recorded, whatever failed (issue 19, defect 8),
and the replay route refuses ids that could never be processed. Real Table storage (Azurite), in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import azure.functions as func
import pytest

from devhost.stack import Stack
from shared.services.admin_ops import status
from shared.services.deps import Services
from shared.services.worker import handle_queue_body
from tests.integration.inprocess import build, installed, user_functions

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(Path(tmp_path_factory.mktemp("poison")), host=False, emulators=False) as stack:
        yield stack


@pytest.fixture
def deps(storage: Stack) -> Services:
    return build(storage)


def poison_reasons(deps: Services) -> list[dict]:
    return list(status(deps)["queue"]["last_poison_reasons"])


def fail(deps: Services, body: bytes, attempt: int) -> BaseException:
    with pytest.raises(Exception) as failed:
        handle_queue_body(body, deps, owner="test", dequeue_count=attempt)
    return failed.value


class TestEveryPoisonMessageHasItsReason:
    def test_ids_storage_refuses_are_recorded_on_the_last_attempt(self, deps: Services) -> None:
        body = json.dumps({"mailbox": "\u0000", "message_id": "\u0000", "folder": "inbox"}).encode()
        error = fail(deps, body, deps.max_dequeue_count)
        [reason] = poison_reasons(deps)
        assert type(error).__name__ in reason["detail"] and "poison queue" in reason["detail"]
        assert reason["message_id"] == "\ufffd"

    @pytest.mark.parametrize(("body", "words"), [
        (b"not json", "JSONDecodeError"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({"kind": "lifecycle", "event": "subscriptionRemoved"}).encode(), "subscription_id"),
        (json.dumps({"kind": "launch-missiles"}).encode(), "unknown work kind"),
    ])
    def test_any_exception_is_recorded_on_the_last_attempt(self, deps: Services, body: bytes, words: str) -> None:
        fail(deps, body, deps.max_dequeue_count)
        [reason] = poison_reasons(deps)
        assert words in reason["detail"]

    def test_earlier_attempts_record_nothing(self, deps: Services) -> None:
        fail(deps, b"not json", deps.max_dequeue_count - 1)
        assert poison_reasons(deps) == []


class TestReplayInput:
    @pytest.mark.parametrize(("email", "field"), [
        ({"mailbox": "\u0000", "message_id": "AAMk="}, "emails.0.mailbox"),
        ({"mailbox": "membership@association.example", "message_id": "\u0000"}, "emails.0.message_id"),
        ({"mailbox": "membership@association.example", "message_id": "x" * 1025}, "emails.0.message_id"),
        ({"mailbox": "membership@association.example", "message_id": "AAMk=", "folder": "in\nbox"},
         "emails.0.folder"),
        ({"mailbox": "a b@association.example", "message_id": "AAMk="}, "emails.0.mailbox"),
    ])
    def test_ids_that_cannot_be_processed_are_a_400_and_queue_nothing(self, deps: Services, email: dict,
                                                                       field: str) -> None:
        before = deps.queue.depth()
        request = func.HttpRequest("POST", "http://127.0.0.1/api/manage/replay",
                                   body=json.dumps({"emails": [email]}).encode(), headers={})
        with installed(deps):
            answer = user_functions()["AdminReplay"][1](request)
        assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
        assert field in [e["field"] for e in json.loads(answer.get_body())["errors"]]
        assert deps.queue.depth() == before
