"""Incremental state: it advances only over stored posts, never backwards; cached responses; back-offs."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store, crawl_state, ever_yielded, last_success, record_run, source_runs
from tests.store.test_store import add


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "l.db")


def test_listing_mark_waits_for_every_covered_post(store: Store):
    add(store, "1", "声链推送延迟十几秒", "a")
    covered = [("v2ex", "1"), ("v2ex", "2")]
    assert not crawl_state.commit_listing(store, "v2ex", "latest", "2026-11-25T01:00:00Z", covered)
    assert crawl_state.listing_mark(store, "v2ex", "latest") is None
    add(store, "2", "声链录制文件缺失了一段", "b")
    assert crawl_state.commit_listing(store, "v2ex", "latest", "2026-11-25T01:00:00Z", covered)
    assert crawl_state.listing_mark(store, "v2ex", "latest") == "2026-11-25T01:00:00Z"


def test_listing_mark_never_moves_back_and_counts_passes(store: Store):
    crawl_state.commit_listing(store, "hn", "search:VoxLink", "2026-11-25T01:00:00Z", [])
    crawl_state.commit_listing(store, "hn", "search:VoxLink", "2026-11-24T01:00:00Z", [])
    crawl_state.commit_listing(store, "hn", "search:VoxLink", None, [])
    assert crawl_state.listing_mark(store, "hn", "search:VoxLink") == "2026-11-25T01:00:00Z"
    crawl_state.commit_listing(store, "hn", "search:VoxLink", "2026-11-26T00:00:00Z", [])
    (row,) = crawl_state.listings(store, "hn")
    assert row["mark"] == "2026-11-26T00:00:00Z" and row["passes"] == 4


def test_thread_state_waits_for_its_replies(store: Store):
    add(store, "r1", "同样的问题，声链安卓端闪退", "a")
    covered = [("v2ex", "r1"), ("v2ex", "r2")]
    assert not crawl_state.commit_thread(store, "v2ex", "100", replies=2, cursor="2", covered=covered)
    assert crawl_state.thread_state(store, "v2ex", "100") is None
    add(store, "r2", "我们换成 4.2.1 以后好了，声链这边", "b")
    assert crawl_state.commit_thread(store, "v2ex", "100", replies=2, cursor="2", covered=covered)
    state = crawl_state.thread_state(store, "v2ex", "100")
    assert state is not None and (state.replies, state.cursor) == (2, "2")


def test_stored_keys_in_chunks(store: Store):
    for n in range(3):
        add(store, str(n), f"声链第 {n} 条不同的反馈内容，编号 {n * 7919}", f"u{n}")
    keys = [("v2ex", str(n)) for n in range(1000)]  # more than one chunk of host parameters
    assert crawl_state.stored_keys(store, keys) == {("v2ex", "0"), ("v2ex", "1"), ("v2ex", "2")}


def test_post_counts_update_without_a_new_row(store: Store):
    post_id = add(store, "1", "声链推送延迟", "a").post_id
    stored = crawl_state.stored_post(store, "v2ex", "1")
    assert stored is not None and stored.id == post_id
    crawl_state.update_post_counts(store, post_id, likes=7, replies=None)
    again = crawl_state.stored_post(store, "v2ex", "1")
    assert again is not None and again.likes == 7 and again.content_key == stored.content_key
    assert store.count("posts") == 1


def test_cached_response_round_trip_and_pruning(store: Store):
    assert crawl_state.cached_response(store, "http://x/feed") is None
    crawl_state.save_response(
        store,
        url="http://x/feed",
        source_name="weibo",
        status=200,
        headers={"Content-Type": ["application/rss+xml"], "ETag": ['"abc"']},
        body=b"<rss>\x00\xff</rss>",
        etag='"abc"',
        last_modified=None,
    )
    cached = crawl_state.cached_response(store, "http://x/feed")
    assert cached is not None
    assert cached.body == b"<rss>\x00\xff</rss>" and cached.etag == '"abc"' and cached.headers["ETag"] == ['"abc"']
    assert crawl_state.prune_responses(store, "2000-01-01T00:00:00Z") == 0
    assert crawl_state.prune_responses(store, "9999-01-01T00:00:00Z") == 1
    assert crawl_state.cached_response(store, "http://x/feed") is None


def test_backoff_holds_until_its_time(store: Store):
    crawl_state.set_backoff(store, "weibo", until="2026-11-25T03:00:00Z", reason="captcha")
    held = crawl_state.backoff_of(store, "weibo", now="2026-11-25T02:00:00Z")
    assert held is not None and held.reason == "captcha"
    assert crawl_state.backoff_of(store, "weibo", now="2026-11-25T03:00:01Z") is None
    assert crawl_state.clear_backoff(store, "weibo")
    assert crawl_state.backoff_of(store, "weibo", now="2026-11-25T02:00:00Z") is None
    assert not crawl_state.clear_backoff(store, "weibo")


def run(run_id: str, finished: str, **fields: object) -> dict[str, object]:
    base = {"run_id": run_id, "source_name": "hn", "source": "hackernews", "started_at": finished}
    return {**base, "finished_at": finished, **fields}


def test_runs_keep_health_and_history(store: Store):
    record_run(store, run("r1", "2026-11-24T00:00:00Z", posts_parsed=5, duration_seconds=1.23456))
    record_run(store, run("r2", "2026-11-25T00:00:00Z", health="blocked", health_reason="captcha", blocked=3))
    latest = source_runs(store, "hn")
    assert [r["run_id"] for r in latest] == ["r2", "r1"]
    assert latest[0]["health"] == "blocked" and latest[0]["blocked"] == 3 and latest[1]["duration_seconds"] == 1.235
    success = last_success(store, "hn")
    assert success is not None and success["run_id"] == "r1"
    assert ever_yielded(store, "hn", before_run="r2") and not ever_yielded(store, "hn", before_run="r1")
    with pytest.raises(ValueError, match="health must be one of"):
        record_run(store, run("r3", "2026-11-26T00:00:00Z", health="fine"))


def test_source_values_are_kept_and_expire(tmp_path) -> None:
    from store import Store
    from store.crawl_state import set_source_value, source_value

    store = Store(tmp_path / "l.db")
    set_source_value(store, "bili", "wbi_keys", '{"img_key": "a", "sub_key": "b"}')
    set_source_value(store, "bili", "wbi_keys", '{"img_key": "c", "sub_key": "d"}')
    assert (
        source_value(store, "bili", "wbi_keys", newer_than="2000-01-01T00:00:00Z") == '{"img_key": "c", "sub_key": "d"}'
    )
    assert source_value(store, "bili", "wbi_keys", newer_than="2999-01-01T00:00:00Z") is None
    assert source_value(store, "other", "wbi_keys", newer_than="2000-01-01T00:00:00Z") is None
