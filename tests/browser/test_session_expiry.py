"""The admin page in Azure when the App Service Authentication session runs out while the page is open: the admin is
told so and offered "Sign in again", unsaved option edits survive the trip, and a wrong function key still gets the
key prompt, never a sign-in link.

App Service Authentication is not part of the local stack, so the browser context plays its part in front of the
real host (ADMIN_REQUIRE_PRINCIPAL=true, the app's Azure setting): while "signed in" it adds
X-MS-CLIENT-PRINCIPAL to every request and strips any copy the page sends, as the platform does
(learn.microsoft.com/azure/app-service/configure-authentication-user-identities); /.auth/login/aad signs in and
sends the browser back to post_login_redirect_uri (learn.microsoft.com/azure/app-service/
configure-authentication-customize-sign-in-out). Everything else is the real app answering.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from devhost.stack import Stack
from tests.browser.pages import use_key
from tests.browser.support import admin_client, full_stack
from tests.browser.test_admin_setup import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.integration]
PRINCIPAL = base64.b64encode(json.dumps({
    "auth_typ": "aad", "name_typ": "name", "role_typ": "roles",
    "claims": [{"typ": "name", "val": "alex@association.example"}, {"typ": "roles", "val": "MailCapture.Admin"}],
}).encode()).decode()
LOGIN = "/.auth/login/aad?post_login_redirect_uri=/api/manage/ui"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with full_stack(tmp_path_factory.mktemp("session-stack"), {"ADMIN_REQUIRE_PRINCIPAL": "true"}) as started:
        yield started


class EasyAuth:
    """The platform's part: a session that can expire, and the login endpoint that starts a new one."""

    def __init__(self, context: Any, host_url: str) -> None:
        self.signed_in = True
        self.logins: list[str] = []
        self.redirect_api = False  # RedirectToLoginPage instead of AllowAnonymous: API calls get a 302 too
        context.route(f"{host_url}/**", self._forward)
        # routes registered later are matched first
        context.route(lambda url: url.startswith(f"{host_url}/.auth/login/aad?"), self._login)

    def _forward(self, route: Any) -> None:
        headers = {k: v for k, v in route.request.headers.items() if k.lower() != "x-ms-client-principal"}
        if self.signed_in:
            headers["x-ms-client-principal"] = PRINCIPAL
        elif self.redirect_api and "/api/manage/ui" not in route.request.url:
            route.fulfill(status=302, headers={"Location": "https://login.microsoftonline.com/common/oauth2/authorize"})
            return
        route.continue_(headers=headers)

    def _login(self, route: Any) -> None:
        url = urlsplit(route.request.url)
        self.logins.append(f"{url.path}?{url.query}")
        self.signed_in = True
        back = parse_qs(url.query)["post_login_redirect_uri"][0]
        # The platform ends the round trip through Entra ID with a redirect to ``back``; a fulfilled 302 is not
        # followed by Chromium under interception, so the emulated answer is a page that moves on at once.
        route.fulfill(status=200, content_type="text/html",
                      body=f'<meta http-equiv="refresh" content="0;url={html.escape(back, quote=True)}">')


@pytest.fixture
def tab(browser: Any, stack: Stack) -> Iterator[tuple[Any, EasyAuth]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    auth = EasyAuth(context, stack.host_url)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.goto(f"{stack.host_url}/api/manage/ui")
    opened.wait_for_selector("body[data-ready=yes]")
    use_key(opened, stack)
    yield opened, auth
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def stored_category(stack: Stack) -> str:
    with admin_client(stack) as admin:  # the key alone: the test's own reads bypass the browser's session
        answer = admin.get("/options", headers={"x-ms-client-principal": PRINCIPAL})
        answer.raise_for_status()
        return str(answer.json()["options"]["never_capture_category"])


class TestSessionExpired:
    def test_save_offers_sign_in_and_the_unsaved_edit_survives_it(
            self, tab: tuple[Any, EasyAuth], stack: Stack, screenshot: Any) -> None:
        page, auth = tab
        before = stored_category(stack)
        page.get_by_label("Never-capture category").fill("Private – keep out")
        auth.signed_in = False  # the session's lifetime (8 h in infra/modules/auth.bicep) is over
        page.get_by_role("button", name="Save").click()
        banner = page.locator("#session")
        expect(banner).to_contain_text("Your sign-in session has expired.")
        expect(banner).to_contain_text("Your unsaved option edits are kept in this tab")
        expect(page.locator("#options-message")).to_contain_text("sign in again")
        link = page.get_by_role("link", name="Sign in again")
        expect(link).to_have_attribute("href", LOGIN)
        assert axe_violations(page, "#session") == []
        screenshot(page)
        assert stored_category(stack) == before  # refused before anything was written

        page.get_by_label("Never-capture category").fill("Private – keep out!")  # typed after the notice
        link.click()
        expect(page.locator("#options-message")).to_contain_text("not saved yet")  # on the page loaded anew
        assert auth.logins == [LOGIN]
        expect(page.locator("#session")).to_be_hidden()
        expect(page.get_by_label("Never-capture category")).to_have_value("Private – keep out!")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#options-message")).to_contain_text("Saved: version")
        assert stored_category(stack) == "Private – keep out!"

    def test_a_redirect_to_the_login_page_is_shown_as_an_expired_session(self, tab: tuple[Any, EasyAuth]) -> None:
        page, auth = tab
        auth.signed_in, auth.redirect_api = False, True
        page.get_by_role("button", name="Reload").first.click()
        expect(page.locator("#session")).to_contain_text("Your sign-in session has expired.")
        expect(page.get_by_role("link", name="Sign in again")).to_have_attribute("href", LOGIN)

    def test_a_wrong_function_key_gets_the_key_prompt_not_a_sign_in_link(self, tab: tuple[Any, EasyAuth]) -> None:
        page, _ = tab
        page.get_by_label("Function key").fill("not-the-key")
        page.get_by_role("button", name="Use key").click()
        expect(page.locator("#options-message")).to_contain_text("paste a function key")
        expect(page.locator("#session")).to_be_hidden()
        expect(page.get_by_role("link", name="Sign in again")).to_have_count(0)
