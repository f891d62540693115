"""The OpenAPI document matches the admin routes registered in function_app, and real answers match it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import jsonschema
import openapi_spec_validator
import pytest

from devhost.stack import Stack
from shared.web.openapi import openapi_document
from tests.browser.support import AUTO_REPLY, MAILBOX, admin_client, create_graph_mailbox, full_stack, seed
from tests.integration.inprocess import registered_functions

pytestmark = pytest.mark.integration
DOC = openapi_document()
METHODS = {"get", "put", "patch", "post", "delete"}


def admin_routes() -> set[tuple[str, str]]:
    routes = set()
    for function in registered_functions():
        trigger = function.get_trigger()
        if trigger.type == "httpTrigger" and trigger.route.startswith("manage/"):
            routes |= {(trigger.route, str(m.value).upper()) for m in trigger.methods}
    return routes


def documented_routes() -> set[tuple[str, str]]:
    return {(path.lstrip("/"), method.upper()) for path, item in DOC["paths"].items() for method in item
            if method in METHODS}


class TestDocument:
    def test_every_admin_route_is_documented_and_nothing_else(self) -> None:
        assert documented_routes() == admin_routes()

    def test_is_a_valid_openapi_3_1_document(self) -> None:
        assert DOC["openapi"].startswith("3.1")
        openapi_spec_validator.validate(DOC)

    def test_operation_ids_are_unique(self) -> None:
        ids = [op["operationId"] for item in DOC["paths"].values() for m, op in item.items() if m in METHODS]
        assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with full_stack(tmp_path_factory.mktemp("openapi-stack")) as started:
        seed(started)
        yield started


@pytest.fixture(scope="module")
def admin(stack: Stack) -> Iterator[httpx.Client]:
    with admin_client(stack) as client:
        yield client


def check(response: httpx.Response, path: str, method: str, status: int) -> None:
    """The answer has exactly ``status``, which is documented for this operation, and its body validates."""
    assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text[:300]}"
    responses = DOC["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, f"{method} {path}: {response.status_code} is not documented"
    documented = responses[str(response.status_code)]
    if "$ref" in documented:
        documented = DOC["components"]["responses"][documented["$ref"].split("/")[-1]]
    media = response.headers.get("content-type", "").split(";")[0]
    if not response.content:
        return
    assert media in documented.get("content", {}), f"{method} {path}: {media} is not documented"
    schema = documented["content"][media]["schema"]
    if media.endswith("json"):
        jsonschema.Draft202012Validator({"components": DOC["components"], **schema}).validate(response.json())


class TestServed:
    def test_is_served_anonymously(self, stack: Stack) -> None:
        response = httpx.get(f"{stack.host_url}/api/manage/openapi.json", timeout=10)
        assert response.status_code == 200
        assert response.json() == DOC

    def test_page_and_assets_are_served_anonymously_and_nothing_else(self, stack: Stack) -> None:
        page = httpx.get(f"{stack.host_url}/api/manage/ui", timeout=10)
        check(page, "/manage/ui", "get", 200)
        assert '<base href="/api/manage/ui/">' in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        script = httpx.get(f"{stack.host_url}/api/manage/ui/admin.js", timeout=10)
        check(script, "/manage/ui/{name}", "get", 200)
        assert script.headers["content-type"].startswith("text/javascript")
        for name in ("admin.html", "openapi.py", "..%2F..%2Ffunction_app.py"):
            assert httpx.get(f"{stack.host_url}/api/manage/ui/{name}", timeout=10).status_code == 404


class TestAnswersMatchTheDocument:
    def test_the_log_holds_the_seeded_emails(self, admin: httpx.Client) -> None:
        assert any(e["reason"] == "auto_reply" for e in admin.get("/decisions").json()["entries"])

    @pytest.mark.parametrize(("path", "query", "status"), [
        ("/manage/options", {}, 200), ("/manage/options/history", {}, 200), ("/manage/mailboxes", {}, 200),
        ("/manage/status", {}, 200), ("/manage/decisions", {}, 200),
        ("/manage/decisions", {"outcome": "skipped", "limit": "5"}, 200),
        ("/manage/decisions", {"since": "yesterday"}, 400), ("/manage/decisions", {"limit": "0"}, 400),
        ("/manage/stats", {}, 200), ("/manage/stats", {"days": "7"}, 200), ("/manage/stats", {"days": "91"}, 400),
        ("/manage/record-types", {}, 200),
    ])
    def test_reads(self, admin: httpx.Client, path: str, query: dict[str, str], status: int) -> None:
        check(admin.get(path.removeprefix("/manage"), params=query), path, "get", status)

    def test_mailbox_item(self, admin: httpx.Client) -> None:
        check(admin.get(f"/mailboxes/{MAILBOX}"), "/manage/mailboxes/{address}", "get", 200)
        check(admin.get("/mailboxes/nobody@example.org"), "/manage/mailboxes/{address}", "get", 404)

    def test_options_writes_and_their_failures(self, admin: httpx.Client) -> None:
        current = admin.get("/options")
        doc, etag = current.json()["options"], current.headers["etag"]
        path = "/manage/options"
        check(admin.put("/options", json=doc), path, "put", 428)  # no If-Match
        check(admin.put("/options", json=doc, headers={"If-Match": '"v999"'}), path, "put", 412)  # stale
        bad = doc | {"interaction": doc["interaction"] | {"subject_template": "[Nope]"}}
        invalid = admin.put("/options", json=bad, headers={"If-Match": etag})
        check(invalid, path, "put", 400)
        assert invalid.json()["errors"][0]["field"] == "interaction.subject_template"
        saved = admin.put("/options", json=doc, headers={"If-Match": etag})
        check(saved, path, "put", 200)
        check(admin.patch("/options", json={"look_back_days": 31}, headers={"If-Match": saved.headers["etag"]}),
              path, "patch", 200)
        check(admin.post("/options/preview", json=doc), "/manage/options/preview", "post", 200)

    def test_operations(self, admin: httpx.Client) -> None:
        check(admin.post("/explain", content=AUTO_REPLY.read_bytes(), headers={"content-type": "message/rfc822"}),
              "/manage/explain", "post", 200)
        check(admin.post("/explain", json={"eml": AUTO_REPLY.read_text(errors="replace")}), "/manage/explain", "post",
              200)
        entry = admin.get("/decisions", params={"limit": "1"}).json()["entries"][0]
        replay = {"emails": [{k: entry[k] for k in ("mailbox", "message_id", "folder")}]}
        check(admin.post("/replay", json=replay), "/manage/replay", "post", 202)
        check(admin.post("/replay", json={"emails": []}), "/manage/replay", "post", 400)
        check(admin.post("/poison/replay"), "/manage/poison/replay", "post", 202)
        check(admin.post("/contact-cache/purge"), "/manage/contact-cache/purge", "post", 200)

    def test_field_results(self, admin: httpx.Client) -> None:
        path, doc = "/manage/mapping/preview", admin.get("/options").json()["options"]
        entry = admin.get("/decisions", params={"limit": "1", "contact_id": ""}).json()["entries"][0]
        email = {k: entry[k] for k in ("mailbox", "message_id", "folder")}
        answer = admin.post("/mapping/preview", json={"options": doc, "record_type": "activity", "email": email})
        check(answer, path, "post", 200)
        assert answer.json()["fields"][0]["field"] == "DESCRIPTION"
        by_eml = {"options": doc, "record_type": "interaction", "eml": AUTO_REPLY.read_text(errors="replace")}
        check(admin.post("/mapping/preview", json=by_eml), path, "post", 200)
        for bad in ({"options": doc}, {"options": doc, "record_type": "memo", "eml": "x"}, [1],
                    {"options": doc | {"look_back_days": -1}, "eml": "Subject: x\n\nx"},
                    {"options": doc, "record_type": "activity", "activity_type": "NOPE", "eml": "Subject: x\n\nx"}):
            check(admin.post("/mapping/preview", json=bad), path, "post", 400)

    def test_mailbox_lifecycle(self, stack: Stack, admin: httpx.Client) -> None:
        address = "shop@association.example"
        create_graph_mailbox(stack, address)
        item = "/manage/mailboxes/{address}"
        check(admin.post("/mailboxes", json={"address": address, "import_days": 0}), "/manage/mailboxes", "post", 201)
        check(admin.post("/mailboxes", json={"address": "not-an-address"}), "/manage/mailboxes", "post", 400)
        check(admin.put(f"/mailboxes/{address}", json={"display_name": "Shop", "import_days": 0}), item, "put", 200)
        check(admin.delete(f"/mailboxes/{address}"), item, "delete", 200)

    def test_without_a_key(self, stack: Stack) -> None:
        response = httpx.get(f"{stack.host_url}/api/manage/status", timeout=10)
        check(response, "/manage/status", "get", 401)

