"""Waiting for a condition in the page without `page.wait_for_function`.

Playwright's `wait_for_function` polls by evaluating a string inside the page, which the
site's Content-Security-Policy (no 'unsafe-eval') rightly forbids (Playwright issue
#7395). Polling from Python with `page.evaluate` runs the same check as an isolated
evaluation, which CSP allows, and keeps real CSP violations visible."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page


def wait_until(page: Page, expression: str, arg: Any = None, timeout: float = 10.0) -> Any:
    """Evaluate ``expression`` (with ``arg``) until it is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for: {expression}"
        page.wait_for_timeout(50)
