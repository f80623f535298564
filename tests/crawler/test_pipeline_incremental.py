"""The pipeline: a stored post is not analyzed again, a cut copy never replaces the whole one, checkpoints wait."""

from __future__ import annotations

from pathlib import Path

from scrapy.utils.test import get_crawler

from crawler.incremental import ListingDone
from crawler.items import PostItem
from crawler.pipelines import StorePipeline
from store import Store, crawl_state

FULL = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！升级到 4.2.1 以后开始出现。"


def pipeline(tmp_path: Path) -> StorePipeline:
    config = tmp_path / "lingting.toml"
    config.write_text('database = "l.db"\nproducts = [{ name = "声链" }]\n', encoding="utf-8")
    stage = StorePipeline.from_crawler(get_crawler(settings_dict={"LINGTING_CONFIG": str(config)}))
    stage.open_spider()
    return stage


def post(text: str, **fields: object) -> PostItem:
    base = {"source": "discourse", "source_post_id": "forum:t:1", "url": "https://f/t/1", "title": "推送失败"}
    return PostItem(**{**base, "text": text, "source_name": "forum", **fields})  # type: ignore[arg-type]


def test_cut_copies_keep_the_whole_text_and_counts_still_update(tmp_path: Path) -> None:
    stage = pipeline(tmp_path)
    store = Store(tmp_path / "l.db")
    stage.process_item(post(FULL))
    stage.process_item(post("...所有用户都收不到消息，线上业务...", likes=7))  # a search blurb
    stage.process_item(post("", replies=3))  # a topic list without excerpts
    (row,) = store.posts()
    assert row["text"] == FULL and row["likes"] == 7 and row["replies"] == 3
    stats = stage.crawler.stats
    assert stats.get_value("lingting/forum/posts_parsed") == 3 and stats.get_value("lingting/forum/new_posts") == 1

    stage.process_item(post(FULL + "（已解决：换了 4.2.2）"))  # an edit that adds words is taken
    (row,) = store.posts()
    assert row["text"].endswith("换了 4.2.2）")


def test_a_checkpoint_is_committed_only_over_stored_posts(tmp_path: Path) -> None:
    stage = pipeline(tmp_path)
    store = Store(tmp_path / "l.db")
    covered = [("discourse", "forum:t:1")]
    stage.process_item(ListingDone("forum", "latest", "2026-11-25T01:00:00Z", covered))
    assert crawl_state.listing_mark(store, "forum", "latest") is None
    stage.process_item(post(FULL))
    stage.process_item(ListingDone("forum", "latest", "2026-11-25T01:00:00Z", covered))
    assert crawl_state.listing_mark(store, "forum", "latest") == "2026-11-25T01:00:00Z"
