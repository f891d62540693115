"""Browser fixtures: one seeded full stack and one headless Debian Chromium per session, a fresh page per test.

Playwright's own browser download cannot work here, so it drives /usr/bin/chromium (scripts/install_browser.sh
installs it). Screenshots go to test-artifacts/screenshots/ (gitignored) and are kept after the run.

Assertions wait up to 20 s instead of Playwright's 5 s: in CI two xdist workers, their stacks and Chromium share
two cores, and a preview that replays twenty logged emails against Graph and the CRM has taken longer than 5 s
there. The wait only bounds how long a passing page may take; what the page must show is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api  # requirements-dev.txt: a missing install fails, it never skips
from playwright.sync_api import expect

from devhost.stack import REPO, Stack
from tests.browser.support import full_stack, seed

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
expect.set_options(timeout=20_000)


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with full_stack(tmp_path_factory.mktemp("admin-page-stack")) as started:
        seed(started)
        yield started


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install_browser.sh (make test does)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, stack: Stack) -> Iterator[Any]:
    """The admin page, opened fresh (empty sessionStorage); fails the test on any uncaught script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.goto(f"{stack.host_url}/api/manage/ui")
    opened.wait_for_selector("body[data-ready=yes]")
    yield opened
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Any:
    def take(page: Any, section: str = "") -> Path:
        """The whole page, or only the element with id ``section``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}{'-' + section if section else ''}.png"
        if section:
            page.locator(f"#{section}").screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=True)
        return path
    return take

