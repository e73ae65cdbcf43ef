"""Browser fixtures: Debian's Chromium driven through Playwright, with a screenshot of every failed page.

Tests that use them are marked `@pytest.mark.browser` and use pytest-django's `live_server`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so page fixtures can tell at teardown whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _serialized_contents() -> dict[str, str]:
    from django.db import connections

    return {alias: connections[alias]._test_serialized_contents for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")}


def _restore_serialized_contents(saved: dict[str, str]) -> None:
    """While Playwright runs, Django hands this thread new connection objects (its connections are kept per
    context, and the running event loop makes a new one). They lack the copy of the migrated data that tests
    with `serialized_rollback` restore after each flush, so give it back to them."""
    from django.db import connections

    for alias, contents in saved.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}; "
                    "install it with `apt-get install chromium fonts-noto-cjk`.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM calls from a
    # thread with a running loop (SynchronousOnlyOperation). The tests' ORM calls are plain synchronous code
    # that never runs inside that loop, so the check is switched off while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    saved = _serialized_contents()
    playwright = sync_playwright().start()
    _restore_serialized_contents(saved)
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _screenshot_path(item, index: int) -> Path:
    name = re.sub(r"[^\w.-]+", "_", item.name)
    suffix = f"-{index}" if index else ""
    return item.config.rootpath / "test-artifacts" / "screenshots" / f"{name}{suffix}.png"


def _failed(item) -> bool:
    return any(getattr(item, f"rep_{when}", None) is not None and getattr(item, f"rep_{when}").failed
               for when in ("setup", "call"))


@pytest.fixture
def new_page(browser, request):
    """Open pages at a given viewport; each page of a failed test is saved as a screenshot at teardown."""
    pages = []

    def open_page(viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(10_000)
        pages.append(context.new_page())
        return pages[-1]

    yield open_page
    failed = _failed(request.node)
    for index, opened in enumerate(pages):
        if failed and not opened.is_closed():
            path = _screenshot_path(request.node, index)
            path.parent.mkdir(parents=True, exist_ok=True)
            opened.screenshot(path=str(path), full_page=True)
        opened.context.close()


@pytest.fixture
def page(new_page):
    """A desktop page (1366×768)."""
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page):
    """A phone-width page (390×844)."""
    return new_page(PHONE)
