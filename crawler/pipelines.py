"""The item pipeline: normalized posts are analyzed and stored (deduplicated, clustered) in batches.

Posts wait in a batch of `LINGTING_INGEST_BATCH` (crawler/ingest.py stores a batch in one
transaction, the new posts analyzed together); a batch also goes when its first post has waited
`LINGTING_INGEST_WAIT_SECONDS`, before any checkpoint, and when the spider closes.
A post longer than `[crawl] max_post_chars` is cut to its head first (crawler/limits.py).
Checkpoints (crawler/incremental.py) come through here too, after the posts they cover, and
advance the incremental state only if all of those posts were stored.

The pipeline owns its database connection: opened in `open_spider`, closed in `close_spider`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from config.settings import Settings
from crawler.analysis import build_analyzer
from crawler.context import lingting_settings
from crawler.incremental import CrawlState, ListingDone, ThreadVisited
from crawler.ingest import Ingest
from crawler.items import PostItem
from crawler.limits import cut_post
from crawler.report import count, note_error
from store import Store

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, settings: Settings, crawler: Any) -> None:
        self.settings = settings
        self.crawler = crawler
        self.batch_size = max(int(crawler.settings.getint("LINGTING_INGEST_BATCH", 200)), 1)
        self.max_wait = crawler.settings.getfloat("LINGTING_INGEST_WAIT_SECONDS", 2.0)
        self.store: Store | None = None
        self.ingest: Ingest | None = None
        self.state = CrawlState(None)
        self.waiting: list[PostItem] = []
        self.waiting_since = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(lingting_settings(crawler.settings), crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.store = Store(self.settings.database_path)
        self.ingest = Ingest(self.store, build_analyzer(self.settings), self.settings)
        self.state = CrawlState(self.store, incremental=self.settings.crawl.incremental)

    def close_spider(self, spider: Any = None) -> None:
        if self.store is None:
            return
        try:
            self.flush()
            self.store.maintain()
        finally:
            self.store.close()
            self.store = self.ingest = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, ListingDone | ThreadVisited):
            self.flush()  # the posts it covers are stored first
            if not self.state.commit(item):
                # A post of the pass failed to store: keep the old state, so the next crawl redoes it.
                log.info("[%s] state kept: not every post of %s is stored", item.source_name, item)
            return item
        if not isinstance(item, PostItem):
            return item
        name = item.source_name or item.source
        count(self.crawler, name, "posts_parsed")
        if cut_post(item, self.settings.crawl.max_post_chars):
            count(self.crawler, name, "cut_posts")
        if not self.waiting:
            self.waiting_since = time.monotonic()
        self.waiting.append(item)
        if len(self.waiting) >= self.batch_size or time.monotonic() - self.waiting_since >= self.max_wait:
            self.flush()
        return item

    def flush(self) -> None:
        """Store the waiting posts (one transaction) and count what became of each."""
        if not self.waiting:
            return
        assert self.ingest is not None
        items, self.waiting = self.waiting, []
        outcomes = self.ingest.store_batch([i.to_dict() for i in items], [i.source_name for i in items])
        for item, outcome in zip(items, outcomes, strict=True):
            name = item.source_name or item.source
            if outcome.error is not None:
                note_error(self.crawler, name, outcome.error)
            elif outcome.new:
                count(self.crawler, name, "new_posts")
                if outcome.complaint:
                    count(self.crawler, name, "flagged")
