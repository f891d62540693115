"""Signing in to the admin page in Azure: App Service Authentication lets anonymous requests through (the Graph
webhooks must stay reachable), so the page itself sends a browser without a session to the platform's Entra ID
login and back, while the API answers 401 (tests/unit/test_access.py)."""

from __future__ import annotations

import base64
import dataclasses
import json
from types import SimpleNamespace
from typing import Any

import azure.functions as func
import pytest

from shared import bootstrap
from shared.domain.options import Options
from shared.services.sign_in import admin_page_path, sign_in_location
from tests.property.fakes import SETTINGS, function

PRINCIPAL = base64.b64encode(json.dumps({"auth_typ": "aad", "claims": [{"typ": "roles", "val": "MailCapture.Admin"}],
                                         "name_typ": "name", "role_typ": "roles"}).encode()).decode()


class TestSignInLocation:
    def test_a_browser_without_a_session_is_sent_to_entra_sign_in_and_back_to_the_page(self) -> None:
        location = sign_in_location(None, True, "/api/manage/ui")
        assert location == "/.auth/login/aad?post_login_redirect_uri=/api/manage/ui"

    def test_a_signed_in_browser_gets_the_page(self) -> None:
        assert sign_in_location(PRINCIPAL, True, "/api/manage/ui") is None

    def test_without_required_sign_in_the_page_is_served(self) -> None:
        assert sign_in_location(None, False, "/api/manage/ui") is None

    def test_the_return_path_is_url_encoded(self) -> None:
        assert sign_in_location("", True, "/api/manage/ui x&y") == (
            "/.auth/login/aad?post_login_redirect_uri=/api/manage/ui%20x%26y")


@pytest.fixture
def require_principal() -> Any:
    settings = dataclasses.replace(SETTINGS, admin_require_principal="true")
    stored = SimpleNamespace(options=Options())
    bootstrap.override(SimpleNamespace(settings=settings, current_options=lambda: stored))  # type: ignore[arg-type]
    try:
        yield
    finally:
        bootstrap.override(None)


def page(headers: dict[str, str]) -> func.HttpResponse:
    request = func.HttpRequest("GET", "https://func-abc.azurewebsites.net/api/manage/ui", body=b"", headers=headers)
    answer: func.HttpResponse = function("AdminPage")(request)
    return answer


class TestAdminPageInAzure:
    def test_redirects_a_browser_without_a_session(self, require_principal: None) -> None:
        answer = page({})
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/.auth/login/aad?post_login_redirect_uri=/api/manage/ui"

    def test_serves_the_page_to_a_signed_in_admin(self, require_principal: None) -> None:
        answer = page({"X-MS-CLIENT-PRINCIPAL": PRINCIPAL})
        assert answer.status_code == 200 and answer.mimetype == "text/html"


def api_call(url: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = func.HttpRequest("GET", url, body=b"", headers=headers)
    answer: func.HttpResponse = function("AdminGetOptions")(request)
    return answer.status_code, json.loads(answer.get_body())


class TestApiCallWithoutSession:
    """The page was loaded signed in; later calls arrive without a principal once the session expired."""

    def test_offers_the_sign_in_link_back_to_the_page(self, require_principal: None) -> None:
        status, body = api_call("https://func-abc.azurewebsites.net/api/manage/options", {})
        assert status == 401 and body["title"] == "Sign-in required"
        assert body["sign_in"] == "/.auth/login/aad?post_login_redirect_uri=/api/manage/ui"

    def test_keeps_the_route_prefix_of_the_host(self, require_principal: None) -> None:
        status, body = api_call("https://func-abc.azurewebsites.net/crm/manage/options", {})
        assert body["sign_in"] == "/.auth/login/aad?post_login_redirect_uri=/crm/manage/ui"

    def test_a_malformed_principal_is_refused_without_a_sign_in_link(self, require_principal: None) -> None:
        status, body = api_call("https://func-abc.azurewebsites.net/api/manage/options",
                                {"X-MS-CLIENT-PRINCIPAL": "bm90IGpzb24="})
        assert status == 401 and "sign_in" not in body

    def test_a_signed_in_caller_without_the_role_is_refused_without_a_sign_in_link(
            self, require_principal: None) -> None:
        reader = base64.b64encode(json.dumps({"claims": [{"typ": "roles", "val": "Someone.Else"}]}).encode()).decode()
        status, body = api_call("https://func-abc.azurewebsites.net/api/manage/options",
                                {"X-MS-CLIENT-PRINCIPAL": reader})
        assert status == 403 and "sign_in" not in body

    def test_page_path_of_a_path_outside_the_admin_api_is_the_root(self) -> None:
        assert admin_page_path("/api/health") == "/"
