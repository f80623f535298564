"""Steps the browser tests share: log in, read the queue's rows and tab counts, wait for what a script changes."""

from __future__ import annotations

import re
from typing import Any

from tests.web.support import PASSWORDS, ReviewSite

EXPECT_TIMEOUT_MS = 20_000
"""How long an assertion waits for the page before failing: long, for a loaded machine."""


def log_in(page: Any, site: ReviewSite, name: str = "rita", path: str = "/") -> None:
    page.goto(site.base_url + path)
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(re.escape(site.base_url) + r"/(\?.*|clusters/.*)?$"))


def row_ids(page: Any) -> list[int]:
    return [int(v) for v in page.eval_on_selector_all("tr.item", "rows => rows.map(r => r.dataset.id)")]


def current_row(page: Any) -> int:
    return int(page.get_attribute("tr.item.current", "data-id"))


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertions on `target` (a locator or page), for what the page's
    script changes after an action: reading it at once may see it as it was before. Imported here,
    not at the top, so that a machine without playwright skips the browser tests with the reason."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    return playwright_expect(target)


def expect_current_row(page: Any, cluster_id: int) -> None:
    """Wait until the keyboard's row is `cluster_id` (the page's script moves it after the key)."""
    expect(page.locator("tr.item.current")).to_have_attribute("data-id", str(cluster_id))


def tab_count(page: Any, tab: str) -> int:
    return int(page.inner_text(f".tabs a[data-tab={tab}] .count"))


def press(page: Any, key: str) -> None:
    """A key pressed with the focus on the page itself, as a reviewer would."""
    page.keyboard.press(key)
