from __future__ import annotations

from pathlib import Path

import pytest

from store import ReviewError, Store, add_review
from store.review_queue import (
    QueueFilter,
    count_matching,
    cursor_of,
    filter_options,
    matching_ids,
    queue_page,
    queue_sql,
    tab_counts,
)
from tests.store.review_support import post


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "l.db")


def test_loudest_first_priority_then_authors_then_recency(store: Store):
    p2 = post(store, "a", priority="P2")
    p0 = post(store, "b", priority="P0")
    crowd = post(store, "c", priority="P2")
    post(store, "c2", copy_of="c", priority="P2")
    p3 = post(store, "d", priority="P3")
    relabelled = post(store, "e", priority="P3")
    add_review(store, relabelled, "relabel", priority="P1", reviewer="li")
    ids = [i.cluster_id for i in queue_page(store, QueueFilter()).items]
    assert ids == [p0, relabelled, crowd, p2, p3]
    item = queue_page(store, QueueFilter()).items[1]
    assert (item.priority, item.state, item.sources, item.products) == ("P1", "pending", ["v2ex"], ["声链"])


def test_page_500_is_reached_by_keyset_cursors_without_offset(store: Store):
    ids = [post(store, str(i), author=f"u{i}") for i in range(1001)]
    expected = [i.cluster_id for i in queue_page(store, QueueFilter(), limit=500).items]
    expected += [i.cluster_id for i in queue_page(store, QueueFilter(), limit=500, after=_cursor(store, 500)).items]
    seen: list[int] = []
    after = None
    for _ in range(500):
        page = queue_page(store, QueueFilter(), after=after, limit=2)
        seen += [i.cluster_id for i in page.items]
        after = page.next_cursor
    assert seen == expected[:1000] and len(set(seen)) == 1000
    last = queue_page(store, QueueFilter(), after=after, limit=2)
    assert len(last.items) == 1 and last.next_cursor is None
    assert sorted(ids) == sorted([*seen, last.items[0].cluster_id])
    sql, params = queue_sql(QueueFilter(), after=after, limit=2)
    assert "OFFSET" not in sql.upper() and "queue_key > ?" in sql
    plan = " ".join(str(r) for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "clusters_queue" in plan and "TEMP B-TREE" not in plan


def _cursor(store: Store, n: int) -> str | None:
    return queue_page(store, QueueFilter(), limit=n).next_cursor


def test_tabs_and_counts_follow_the_log_and_the_exports(store: Store):
    a, b, c, d = (post(store, x) for x in "abcd")
    add_review(store, a, "confirm", reviewer="li")
    add_review(store, b, "dismiss", reason="spam", reviewer="li")
    store.conn.execute(
        "INSERT INTO exports (intake_id, revision, cluster_id, state, decided_at) VALUES (?, 1, ?, '{}', 'T')",
        (store.cluster(c)["intake_id"], c),  # type: ignore[index]
    )
    assert tab_counts(store, QueueFilter()) == {"pending": 1, "confirmed": 1, "dismissed": 1, "exported": 1, "all": 4}
    assert [i.cluster_id for i in queue_page(store, QueueFilter(tab="exported")).items] == [c]
    assert [i.cluster_id for i in queue_page(store, QueueFilter(tab="pending")).items] == [d]
    assert count_matching(store, QueueFilter(tab="all")) == 4
    # the counts the triggers keep agree with counting the rows
    assert tab_counts(store, QueueFilter()) == tab_counts(store, QueueFilter(since="1970-01-01"))
    with pytest.raises(ReviewError, match="unknown tab"):
        queue_page(store, QueueFilter(tab="later"))


def test_filters_combine(store: Store):
    zh = post(store, "1", priority="P1", category="bug")
    en = post(store, "2", source="hn", lang="en", text="VoxLink push keeps failing", relevance_terms=["VoxLink"])
    late = post(store, "3", priority="P1")
    add_review(store, late, "assign", assignee="wang", reviewer="li")
    assert matching_ids(store, QueueFilter(priorities=("P1",))) == [zh, late]
    assert matching_ids(store, QueueFilter(priorities=("P1", "P2"), categories=("bug",))) == [zh]
    assert matching_ids(store, QueueFilter(sources=("hn",))) == [en]
    assert matching_ids(store, QueueFilter(langs=("en",))) == [en]
    assert matching_ids(store, QueueFilter(products=("voxlink",))) == [en]
    assert matching_ids(store, QueueFilter(assignee="wang")) == [late]
    assert matching_ids(store, QueueFilter(since="2000-01-01", until="2999-01-01")) == [zh, late, en]
    assert matching_ids(store, QueueFilter(until="2000-01-01")) == []
    options = filter_options(store)
    assert options["sources"] == ["hn", "v2ex"] and options["assignees"] == ["wang"]
    assert options["products"] == ["VoxLink", "声链"] and options["langs"] == ["en", "zh"]


def test_search_finds_chinese_substrings_of_any_length_and_english_words(store: Store):
    crash = post(store, "1", text="声链 SDK 在安卓14上闪退，录制文件也丢了")
    push = post(store, "2", text="声链 推送延迟很高")
    english = post(store, "3", text="VoxLink recording crashes on Android 14", lang="en")
    assert matching_ids(store, QueueFilter(q="安卓14上闪退")) == [crash]
    assert matching_ids(store, QueueFilter(q="闪退")) == [crash]  # two characters: LIKE on the index text
    assert matching_ids(store, QueueFilter(q="录")) == [crash]
    assert matching_ids(store, QueueFilter(q="推送 延迟")) == [push]
    assert matching_ids(store, QueueFilter(q="recording crash")) == [english]
    assert matching_ids(store, QueueFilter(q="RECORDING")) == [english]
    for odd in ('"OR NEAR( 100%_', "col:abc", "a\x00b", "***", "(", "x" * 500):  # no query syntax from users
        assert matching_ids(store, QueueFilter(q=odd)) == []
    # kept current by the upsert: a copy with new words makes the cluster findable by them
    post(store, "4", copy_of="2", text="声链 推送延迟很高 华为手机收不到离线消息")
    assert matching_ids(store, QueueFilter(q="离线消息")) == [push]


def test_cursor_of_is_the_place_of_a_cluster(store: Store):
    a, b, c = post(store, "a", priority="P0"), post(store, "b", priority="P1"), post(store, "c", priority="P2")
    assert [i.cluster_id for i in queue_page(store, QueueFilter(), after=cursor_of(store, a), limit=1).items] == [b]
    add_review(store, b, "confirm", reviewer="li")  # b leaves the pending tab; "next" is still c
    assert [i.cluster_id for i in queue_page(store, QueueFilter(), after=cursor_of(store, b), limit=1).items] == [c]
    assert cursor_of(store, 999) is None
    with pytest.raises(ReviewError, match="cursor"):
        queue_page(store, QueueFilter(), after="%%%")


def test_short_terms_use_the_pair_index_and_odd_ones_fall_back_to_like(store: Store):
    ui = post(store, "1", text="声链 UI 组件 按钮错位")
    card = post(store, "2", text="声链 a卡 通话卡顿")
    assert matching_ids(store, QueueFilter(q="ui")) == [ui]
    assert matching_ids(store, QueueFilter(q="错位")) == [ui]
    assert matching_ids(store, QueueFilter(q="a卡")) == [card]  # mixed scripts: LIKE
    assert matching_ids(store, QueueFilter(q="卡")) == [card]
    sql, _ = queue_sql(QueueFilter(q="错位"))
    assert "cluster_grams MATCH" in sql and "LIKE" not in sql


def test_a_cluster_that_becomes_flagged_is_searchable_by_all_its_posts(store: Store):
    quiet = post(store, "1", text="声链 的录制功能怎么开启", complaint=False)
    assert matching_ids(store, QueueFilter(tab="all")) == []
    post(store, "2", copy_of="1", source="tieba", text="声链 录制文件丢失 太坑了")
    assert matching_ids(store, QueueFilter(q="录制功能怎么")) == [quiet]
    assert matching_ids(store, QueueFilter(q="文件丢失")) == [quiet]
    assert matching_ids(store, QueueFilter(sources=("v2ex",))) == matching_ids(store, QueueFilter(sources=("tieba",)))
