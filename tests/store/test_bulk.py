from __future__ import annotations

from pathlib import Path

from store import Store
from store.bulk import BulkCluster, bulk_load
from store.review_queue import QueueFilter, filter_options, matching_ids, tab_counts
from tests.store.review_support import ANALYSIS


def _cluster(i: int, text: str, source: str, lang: str, priority: str) -> BulkCluster:
    analysis = {**ANALYSIS, "lang": lang, "relevance_terms": ["声链"]}
    posts = [
        {"source": source if j == 0 else "v2ex", "source_post_id": f"{i}-{j}", "url": f"https://x.test/{i}/{j}",
         "kind": "post", "title": None, "text": text, "author": f"a{i}-{j % 2}", "created_at": None, "lang": lang,
         "analysis": analysis}
        for j in range(3)
    ]  # fmt: skip
    return BulkCluster(priority, "bug", posts, seen_at=f"2026-11-2{i}T10:00:00Z")


def test_bulk_loaded_clusters_are_in_the_queue_like_ingested_ones(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    written = bulk_load(
        store,
        [
            _cluster(1, "声链 安卓闪退", "weibo", "zh", "P1"),
            _cluster(2, "VoxLink crashes on start", "hn", "en", "P0"),
            _cluster(3, "声链 推送延迟", "tieba", "zh", "P2"),
        ],
        batch=2,
    )
    assert written == 3 and store.count("posts") == 9
    assert matching_ids(store, QueueFilter()) == [2, 1, 3]
    assert matching_ids(store, QueueFilter(q="闪退")) == [1]
    assert matching_ids(store, QueueFilter(q="crashes")) == [2]
    assert matching_ids(store, QueueFilter(sources=("tieba",))) == [3]
    assert tab_counts(store, QueueFilter())["pending"] == 3
    assert filter_options(store)["sources"] == ["hn", "tieba", "v2ex", "weibo"]
    row = store.cluster(1)
    # authors are (source, author) pairs, as ingest counts them
    assert row is not None and (row["size"], row["distinct_authors"], row["seed_post_id"]) == (3, 3, 1)
