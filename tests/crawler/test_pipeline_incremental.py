"""The pipeline: a stored post is not analyzed again, a cut copy never replaces the whole one, checkpoints wait
for the posts they cover; posts are stored in batches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scrapy.utils.test import get_crawler

from crawler.analysis import fingerprint, own_text, post_key
from crawler.incremental import ListingDone
from crawler.items import PostItem
from crawler.pipelines import StorePipeline
from sentiment import Analysis, Analyzer
from sentiment.fingerprint import content_key
from store import Store, crawl_state

FULL = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！升级到 4.2.1 以后开始出现。"


class WatchedAnalyzer(Analyzer):
    """The real analyzer, counting the posts it is asked to analyze."""

    analyzed = 0

    def analyze(self, text: str, **kwargs: Any) -> Analysis:
        self.analyzed += 1
        return super().analyze(text, **kwargs)

    def analyze_many(self, items: Iterable[Mapping[str, Any]]) -> list[Analysis]:
        posts = list(items)
        self.analyzed += len(posts)
        return super().analyze_many(posts)


def pipeline(tmp_path: Path, batch: int = 200) -> StorePipeline:
    config = tmp_path / "lingting.toml"
    config.write_text('database = "l.db"\nproducts = [{ name = "声链" }]\n', encoding="utf-8")
    crawler = get_crawler(settings_dict={"LINGTING_CONFIG": str(config), "LINGTING_INGEST_BATCH": batch})
    stage = StorePipeline.from_crawler(crawler)
    stage.open_spider()
    assert stage.ingest is not None
    WATCHED[id(stage)] = stage.ingest.analyzer = WatchedAnalyzer(stage.settings.products, stage.settings.analysis)
    return stage


WATCHED: dict[int, WatchedAnalyzer] = {}


def analyzed(stage: StorePipeline) -> int:
    return WATCHED[id(stage)].analyzed


def post(text: str, **fields: object) -> PostItem:
    base = {"source": "discourse", "source_post_id": "forum:t:1", "url": "https://f/t/1", "title": "推送失败"}
    return PostItem(**{**base, "text": text, "source_name": "forum", **fields})  # type: ignore[arg-type]


def test_cut_copies_keep_the_whole_text_and_counts_still_update(tmp_path: Path) -> None:
    stage = pipeline(tmp_path)
    store = Store(tmp_path / "l.db")
    stage.process_item(post(FULL))
    stage.process_item(post("...所有用户都收不到消息，线上业务...", likes=7))  # a search blurb
    stage.process_item(post("", replies=3))  # a topic list without excerpts
    assert store.posts() == []  # the three wait in one batch ...
    stage.flush()  # ... stored together: the later copies are checked against the first inside it
    (row,) = store.posts()
    assert row["text"] == FULL and row["likes"] == 7 and row["replies"] == 3
    stats = stage.crawler.stats
    assert stats.get_value("lingting/forum/posts_parsed") == 3 and stats.get_value("lingting/forum/new_posts") == 1

    stage.process_item(post(FULL + "（已解决：换了 4.2.2）"))  # an edit that adds words is taken
    stage.close_spider()
    (row,) = store.posts()
    assert row["text"].endswith("换了 4.2.2）")


def test_a_recrawled_unchanged_post_naming_the_product_is_not_analyzed_again(tmp_path: Path) -> None:
    first = pipeline(tmp_path)
    first.process_item(post(FULL, likes=1))
    first.close_spider()
    assert analyzed(first) == 1
    again = pipeline(tmp_path)  # the next crawl finds the same post, with a new like
    again.process_item(post(FULL, likes=2))
    again.close_spider()
    assert analyzed(again) == 0
    (row,) = Store(tmp_path / "l.db").posts()
    assert row["likes"] == 2 and row["text"] == FULL


def test_the_skip_compares_the_key_the_store_keeps() -> None:
    # The store keys a post on its words without the product's names; a key with them never matches.
    item = post(FULL).to_dict()
    assert post_key(item, ignore=["声链"]) == fingerprint(item, ignore=["声链"]).content_key
    assert post_key(item, ignore=["声链"]) != content_key(own_text(item))


def test_a_checkpoint_is_committed_only_over_stored_posts(tmp_path: Path) -> None:
    stage = pipeline(tmp_path)
    store = Store(tmp_path / "l.db")
    covered = [("discourse", "forum:t:1")]
    stage.process_item(ListingDone("forum", "latest", "2026-11-25T01:00:00Z", covered))
    assert crawl_state.listing_mark(store, "forum", "latest") is None
    stage.process_item(post(FULL))
    stage.process_item(ListingDone("forum", "latest", "2026-11-25T01:00:00Z", covered))
    assert crawl_state.listing_mark(store, "forum", "latest") == "2026-11-25T01:00:00Z"


def test_a_checkpoint_stores_the_waiting_posts_first_and_a_bad_post_costs_only_itself(tmp_path: Path) -> None:
    stage = pipeline(tmp_path)
    store = Store(tmp_path / "l.db")
    posts = [post(f"{FULL} 第{i}次", source_post_id=f"forum:t:{i}") for i in range(5)]
    for item in posts:
        stage.process_item(item)
    assert store.count("posts") == 0 and analyzed(stage) == 0
    covered = [(p.source, p.source_post_id) for p in posts]
    stage.process_item(ListingDone("forum", "latest", "2026-11-25T01:00:00Z", covered))
    assert store.count("posts") == 5 and analyzed(stage) == 5
    assert crawl_state.listing_mark(store, "forum", "latest") == "2026-11-25T01:00:00Z"

    bad = post("坏帖子", source_post_id="forum:t:bad", url=None)  # url is required by the schema
    good = post("声链 录制文件缺失，回放时一直报错 1002", source_post_id="forum:t:good")
    stage.process_item(bad)
    stage.process_item(good)
    stage.process_item(ListingDone("forum", "search:x", "2026-11-26T01:00:00Z", [("discourse", "forum:t:bad")]))
    assert {r["source_post_id"] for r in store.posts()} == {*(k for _, k in covered), "forum:t:good"}
    assert crawl_state.listing_mark(store, "forum", "search:x") is None  # its post was not stored
    assert stage.crawler.stats.get_value("lingting/forum/errors") == 1
    stage.close_spider()
