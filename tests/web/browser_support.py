"""Steps the browser tests share: log in, read the queue's rows and tab counts."""

from __future__ import annotations

import re
from typing import Any

from tests.web.support import PASSWORDS, ReviewSite


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


def tab_count(page: Any, tab: str) -> int:
    return int(page.inner_text(f".tabs a[data-tab={tab}] .count"))


def press(page: Any, key: str) -> None:
    """A key pressed with the focus on the page itself, as a reviewer would."""
    page.keyboard.press(key)
