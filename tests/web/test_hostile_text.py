"""Hostile posts (<script>, <img onerror>, a javascript: link, an RTL override, zero-width
characters, a 100 KB line) are shown as inert text in the queue, the cluster page and the reply."""

from __future__ import annotations

import re
from typing import Any

import pytest

from store.review_queue import QueueFilter, queue_page
from tests.web.browser_support import expect, log_in
from tests.web.support import HOSTILE_TITLE, ReviewSite

pytestmark = pytest.mark.browser


def hostile_clusters(site: ReviewSite) -> list[int]:
    store = site.store()
    try:
        rows = store.query("SELECT DISTINCT cluster_id FROM posts WHERE source_post_id LIKE 'hostile-%'")
        listed = {i.cluster_id for i in queue_page(store, QueueFilter(tab="all"), limit=500).items}
    finally:
        store.close()
    ids = [int(r["cluster_id"]) for r in rows]
    assert len(ids) == 3 and set(ids) <= listed, "the hostile posts must be flagged clusters of the queue"
    return ids


def assert_inert(page: Any, dialogs: list[str]) -> None:
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert page.evaluate("window.__pwned") is None, "a script from a post ran"
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    # the 100 KB line wraps inside its box; the page does not grow sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_hostile_text_is_inert_everywhere(page: Any, site: ReviewSite) -> None:
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    ids = hostile_clusters(site)
    log_in(page, site)
    page.goto(site.base_url + "/?tab=all&q=" + "声链 SDK")
    page.wait_for_load_state()
    queue_text = page.inner_text("#queue")
    assert HOSTILE_TITLE in queue_text  # shown, as text
    assert "U+202E" in page.inner_text("body") or "U+202E" in page.content()
    assert_inert(page, dialogs)
    for cid in ids:
        page.goto(f"{site.base_url}/clusters/{cid}")
        page.wait_for_load_state()
        assert_inert(page, dialogs)
        text = page.inner_text("#posts")
        post_links = page.eval_on_selector_all("article.post a", "els => els.map(e => e.getAttribute('href'))")
        assert all(re.match(r"^(https?://|/)", link) for link in post_links if link), post_links
        if "<script>" in text:
            assert '<img src=x onerror="window.__pwned=1;alert(1)">' in text
            assert "(链接不是 http/https, 不显示)" in text  # the javascript: URL is not a link
        if "gnp.exe" in text:
            # the override and the zero-width characters are shown by their codes, not obeyed
            assert "U+202E" in text and "U+200B" in text and "U+FEFF" in text
            assert page.evaluate("document.querySelector('#posts').textContent.includes('\\u202e')") is False
        if "超长一行" in text:
            assert text.count("长") >= 100_000
        reply = page.locator("#reply-text")
        if reply.count():
            assert page.eval_on_selector("#reply-text", "el => el.querySelectorAll('*:not(span.ctl)').length") == 0
        # the keyboard on a hostile page still only does what the reviewer asks
        page.keyboard.press("j")
        assert_inert(page, dialogs)

    # the copy button copies the drafted reply as text (on the first hostile cluster that has one)
    def has_reply(cluster_id: int) -> bool:
        page.goto(f"{site.base_url}/clusters/{cluster_id}")
        return page.locator("[data-copy]").count() > 0

    assert any(has_reply(cid) for cid in ids), "no hostile cluster has a drafted reply to copy"
    page.click("[data-copy]")
    # the label changes once the clipboard has taken the text, which is asynchronous
    expect(page.locator("[data-copy]")).to_have_text("已复制")
    assert_inert(page, dialogs)
