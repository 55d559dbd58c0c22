"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test.

The pages are served by the session-scoped ``daphne_server`` (see ``tests/conftest.py``),
which has its own migrated SQLite database; these tests only speak HTTP through the
browser and never touch the ORM.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

DEFAULT_TIMEOUT_MS = 10_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in
# the main thread while it is open, and later tests that call asyncio.run() (the
# WebSocket tests) would fail with "cannot be called from a running event loop".
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}; set CHROMIUM_PATH.")
    browser = playwright_instance.chromium.launch(
        executable_path=executable, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def site(daphne_server):
    """The server, once it has shown it can render a page.

    Fails every e2e test at once, with the end of the server log, instead of letting
    each one time out waiting for elements of a 500 page.
    """
    status, body = daphne_server.get("/")
    if status != 200:
        log = daphne_server.log.read_text(errors="replace")[-3000:]
        pytest.fail(f"GET / answered {status}; end of the daphne log:\n{log}", pytrace=False)
    return daphne_server


@pytest.fixture
def context(browser: Browser, site) -> Iterator[BrowserContext]:
    """A fresh context per test, so cookies (session, language, CSRF) never leak."""
    context = browser.new_context(base_url=site.url, locale="es-CO")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    yield page
    page.close()
