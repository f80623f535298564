"""The review page in Debian's chromium against `lingting serve` on a real demo database:
log in, filter, search Chinese, open a cluster, decide with the keyboard, bulk, undo, merge."""

from __future__ import annotations

import re
from typing import Any

import pytest

from store.review_queue import cluster_detail
from tests.web.browser_support import current_row, expect, expect_current_row, log_in, press, row_ids, tab_count
from tests.web.support import ReviewSite

pytestmark = pytest.mark.browser


def reviews_of(site: ReviewSite, cluster_id: int) -> list[dict[str, Any]]:
    store = site.store()
    try:
        return store.query("SELECT * FROM reviews WHERE cluster_id = ? ORDER BY id", (cluster_id,))
    finally:
        store.close()


def test_log_in_lands_on_the_queue_with_tab_counts(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    assert page.url == site.base_url + "/"
    assert page.inner_text("h1") == "审核队列"
    assert tab_count(page, "pending") > 0
    assert tab_count(page, "all") == sum(tab_count(page, t) for t in ("pending", "confirmed", "dismissed", "exported"))
    assert len(row_ids(page)) == min(tab_count(page, "pending"), 50)
    # the loudest first: priorities never go down the page
    priorities = page.eval_on_selector_all("tr.item .badge", "els => els.map(e => e.textContent)")
    assert priorities == sorted(priorities)


def test_filter_by_category(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    everything = tab_count(page, "pending")
    page.select_option("select[name=category]", "bug")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"category=bug"))
    categories = page.eval_on_selector_all("tr.item td:nth-child(4)", "els => els.map(e => e.textContent.trim())")
    assert categories and set(categories) == {"技术Bug类"}
    assert 0 < tab_count(page, "pending") < everything


def test_search_a_chinese_word(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    # The crash reports are P1 and went out at once, so the search runs over every tab.
    page.click(".tabs a[data-tab=all]")
    page.wait_for_url(re.compile(r"tab=all"))
    everything = tab_count(page, "all")
    press(page, "/")  # the search box takes the focus
    page.keyboard.type("闪退")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=%E9%97%AA%E9%80%80"))
    titles = page.eval_on_selector_all("tr.item a.open", "els => els.map(e => e.textContent)")
    assert any("闪退" in t for t in titles), titles
    assert not any("Onboarding to VoxLink is painful" in t for t in titles)
    assert 0 < tab_count(page, "all") < everything
    assert page.input_value("#search") == "闪退"


def test_open_a_cluster_shows_posts_analysis_record_and_reply(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    first = current_row(page)
    press(page, "o")
    page.wait_for_url(re.compile(rf"/clusters/{first}\?"))
    assert page.locator("article.post").count() >= 1
    assert page.locator("#analysis li").count() >= 1
    record = page.inner_text("#intake pre")
    assert '"intake_id"' in record and '"missing_info"' in record
    assert page.locator("#reply-text").count() == 1
    for link in page.eval_on_selector_all("article.post a[target=_blank]", "els => els.map(e => [e.href, e.rel])"):
        assert link[0].startswith(("http://", "https://")) and "noopener" in link[1] and "noreferrer" in link[1]


def test_confirm_with_the_keyboard_moves_on_and_queues_the_ticket(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    pending = tab_count(page, "pending")
    ids = row_ids(page)
    press(page, "j")
    expect_current_row(page, ids[1])
    press(page, "c")
    page.wait_for_url(re.compile(r"flash=action.done"))
    assert current_row(page) == ids[2]  # the next item
    assert ids[1] not in row_ids(page)
    assert tab_count(page, "pending") == pending - 1
    assert tab_count(page, "confirmed") + tab_count(page, "exported") >= 1
    assert [r["decision"] for r in reviews_of(site, ids[1])] == ["confirm"]
    assert reviews_of(site, ids[1])[0]["reviewer"] == "rita"
    # the confirmed cluster's page shows its outbox row
    page.goto(f"{site.base_url}/clusters/{ids[1]}")
    assert page.locator("#deliveries tr.outbox-row").count() >= 1
    assert "jsonl" in page.inner_text("#deliveries")
    # on a cluster page, `c` confirms and opens the next item of the queue
    page.goto(f"{site.base_url}/clusters/{ids[2]}?back=tab%3Dpending")
    press(page, "c")
    page.wait_for_url(re.compile(rf"/clusters/{ids[3]}\?"))
    assert [r["decision"] for r in reviews_of(site, ids[2])] == ["confirm"]


def test_keys_do_nothing_while_typing_in_a_field(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    page.click("#search")
    page.keyboard.type("cdux")
    expect(page.locator("#search")).to_have_value("cdux")
    assert page.url == site.base_url + "/"
    assert all(not reviews_of(site, cid) for cid in row_ids(page))


def test_bulk_dismiss_selected_and_all_matching(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    ids = row_ids(page)
    press(page, "x")
    press(page, "j")
    press(page, "x")
    expect(page.locator("#selected-count")).to_have_text("2")
    page.select_option("select[name=bulk_action]", "dismiss")
    page.select_option("#bulk select[name=reason]", "spam")
    page.click("#bulk button[type=submit]")
    page.wait_for_url(re.compile(r"flash=bulk.done"))
    assert tab_count(page, "dismissed") == 2
    for cid in ids[:2]:
        assert [(r["decision"], r["reason"]) for r in reviews_of(site, cid)] == [("dismiss", "spam")]
    # "all N matching this filter": N is shown before acting, and N clusters are dismissed
    page.goto(site.base_url + "/?tab=pending&category=bug")
    n = int(page.get_attribute("#matching", "data-n"))
    assert str(n) in page.inner_text("#matching") and n >= 2
    page.check("#scope-all")
    page.select_option("select[name=bulk_action]", "dismiss")
    page.click("#bulk button[type=submit]")
    page.wait_for_url(re.compile(r"flash=bulk.done"))
    assert tab_count(page, "pending") == 0
    page.goto(site.base_url + "/?tab=dismissed")
    assert tab_count(page, "dismissed") == 2 + n


def test_undo_the_last_decision(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    first = current_row(page)
    pending = tab_count(page, "pending")
    press(page, "d")
    page.keyboard.press("2")  # not a complaint
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"flash=action.done"))
    assert tab_count(page, "pending") == pending - 1
    press(page, "u")
    page.wait_for_url(re.compile(r"flash=action.undone"))
    assert tab_count(page, "pending") == pending
    assert first in row_ids(page)
    assert [(r["decision"], r["reason"]) for r in reviews_of(site, first)] == [
        ("dismiss", "not_complaint"),
        ("undo", None),
    ]


def test_merge_two_clusters(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    a, b = row_ids(page)[:2]
    page.goto(f"{site.base_url}/clusters/{a}")
    page.fill("#merge-other", str(b))
    page.click("#merge-form button[type=submit]")
    page.wait_for_url(re.compile(r"flash=merge.done"))
    kept = int(re.search(r"/clusters/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    gone = b if kept == a else a
    store = site.store()
    try:
        assert cluster_detail(store, gone).merged_into == kept  # type: ignore[union-attr]
    finally:
        store.close()
    assert "merge" in [r["decision"] for r in reviews_of(site, kept)]
    page.goto(site.base_url + "/?tab=all")
    assert gone not in row_ids(page)


def test_shortcut_sheet_and_english(page: Any, site: ReviewSite) -> None:
    log_in(page, site)
    press(page, "?")
    sheet = page.locator("#keys-dialog")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("确认, 并转到下一个")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    page.click("form[action='/language'] button")
    # the click posts a form: the English page is the next one, not the one loaded when it returns
    expect(page.locator("h1")).to_have_text("Review queue")
    expect(page.locator(".tabs")).to_contain_text("To review")
    # the choice is the user's: it holds on the next page
    page.goto(site.base_url + "/deliveries")
    assert page.inner_text("h1") == "Deliveries"
