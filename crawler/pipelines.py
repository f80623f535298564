"""The item pipeline: every normalized post is analyzed and stored (deduplicated, clustered) inline.

A post the store already holds with the same text is not analyzed again: only its likes and
reply count are brought up to date (`lingting reanalyze` is the way to re-judge stored posts).
Nor is one whose text is a fragment of the stored text: sites show a post whole in one place and
cut in others (Discourse's topic list excerpt, its search blurb "...words..."), and the cut copy
must not replace the whole one.
A post longer than `[crawl] max_post_chars` is cut to its head first (crawler/limits.py).
Checkpoints (crawler/incremental.py) come through here too, after the posts they cover, and
advance the incremental state only if all of those posts were stored.
"""

from __future__ import annotations

import logging
from typing import Any

from config import load_settings
from config.settings import Settings
from crawler.analysis import analyze_and_store, own_text, shared_analyzer, shared_store
from crawler.incremental import CrawlState, ListingDone, ThreadVisited
from crawler.items import PostItem
from crawler.limits import cut_post
from crawler.report import count, note_error
from crawler.trends import refresh as refresh_trends
from sentiment import Analyzer
from sentiment.fingerprint import content_key, normalize_text
from store import Store
from store.crawl_state import StoredPost, stored_post, update_post_counts

log = logging.getLogger(__name__)


def _fragment(item: PostItem, known: StoredPost) -> bool:
    """The new copy says nothing the stored one does not: same title (or none), text a part of it."""
    if item.title and normalize_text(item.title) != normalize_text(known.title or ""):
        return False
    return normalize_text(item.text or "") in normalize_text(known.text)


class StorePipeline:
    def __init__(self, settings: Settings, crawler: Any) -> None:
        self.settings = settings
        self.crawler = crawler
        self.store: Store | None = None
        self.analyzer: Analyzer | None = None
        self.state = CrawlState(None)

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(load_settings(crawler.settings["LINGTING_CONFIG"]), crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.store = shared_store(self.settings)
        self.analyzer = shared_analyzer(self.settings)
        self.state = CrawlState(self.store, incremental=self.settings.crawl.incremental)

    def close_spider(self, spider: Any = None) -> None:
        # The store is shared by every spider of the process; it closes with the process.
        if self.store is not None:
            refresh_trends(self.store, self.settings)  # the report's daily aggregates, incrementally
        self.store = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, ListingDone | ThreadVisited):
            if not self.state.commit(item):
                # A post of the pass failed to store: keep the old state, so the next crawl redoes it.
                log.info("[%s] state kept: not every post of %s is stored", item.source_name, item)
            return item
        if not isinstance(item, PostItem):
            return item
        assert self.store is not None and self.analyzer is not None
        name = item.source_name or item.source
        count(self.crawler, name, "posts_parsed")
        if cut_post(item, self.settings.crawl.max_post_chars):
            count(self.crawler, name, "cut_posts")
        post = item.to_dict()
        known = stored_post(self.store, item.source, item.source_post_id)
        if known is not None and (known.content_key == content_key(own_text(post)) or _fragment(item, known)):
            fresh = ((item.likes, known.likes), (item.replies, known.replies))
            if any(new is not None and new != old for new, old in fresh):
                update_post_counts(self.store, known.id, likes=item.likes, replies=item.replies)
            return item
        try:
            stored = analyze_and_store(
                post, store=self.store, analyzer=self.analyzer, settings=self.settings, source_name=item.source_name
            )
        except Exception as exc:  # one hostile post must not stop the crawl; it is counted with its reason
            log.exception("[%s] could not store post %s", name, item.source_post_id)
            note_error(self.crawler, name, f"post {item.source_post_id} not stored: {type(exc).__name__}: {exc}")
            return item
        if stored.evidence_capped:
            count(self.crawler, name, "capped_evidence")
        if stored.new:
            count(self.crawler, name, "new_posts")
            if stored.complaint:
                count(self.crawler, name, "flagged")
        return item
