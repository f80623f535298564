"""Fixtures of the web tests: one real demo database per session, a fresh copy served per test,
and Debian's chromium through Playwright (skipped, with the reason printed, where it is missing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.support import ReviewSite, build_demo_folder, start_site, stop_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web") / "demo"
    build_demo_folder(folder)
    return folder


@pytest.fixture
def site(demo_template: Path, tmp_path: Path) -> Iterator[ReviewSite]:
    running = start_site(demo_template, tmp_path / "site")
    yield running
    stop_site(running)


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); `make test` does as root"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: make install (it is in the dev extras)"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    reason = browser_missing()
    if reason:
        pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")
    from playwright.sync_api import sync_playwright

    # Playwright gives each launch a fresh temporary user-data dir of its own.
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
