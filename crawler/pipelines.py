"""The item pipeline: normalized posts are analyzed and stored (deduplicated, clustered) in batches.

Posts wait in a batch of `LINGTING_INGEST_BATCH` (crawler/ingest.py stores a batch in one
transaction, the new posts analyzed together); a batch also goes when its first post has waited
`LINGTING_INGEST_WAIT_SECONDS`, before any checkpoint, and when the spider closes.
A post longer than `[crawl] max_post_chars` is cut to its head first (crawler/limits.py).
Checkpoints (crawler/incremental.py) come through here too, after the posts they cover, and
advance the incremental state only if all of those posts were stored.

Where the batches go: with `LINGTING_INGEST_ADDRESS` (set by `lingting crawl`), to the ingest
process (crawler/ingest_process.py), which stores them while the crawl goes on; without it (a bare
`scrapy crawl NAME`), to an ingest in this process. Either way the pipeline owns its connection:
opened in `open_spider`, closed in `close_spider`, after every batch sent was answered.
"""

from __future__ import annotations

import logging
import time
from contextlib import suppress
from typing import Any

from scrapy.utils.defer import deferred_from_coro

from config.settings import Settings
from crawler.analysis import build_analyzer
from crawler.context import lingting_settings
from crawler.incremental import CrawlState, ListingDone, ThreadVisited
from crawler.ingest import Ingest, Stored
from crawler.ingest_process import Batch, IngestLink
from crawler.items import PostItem
from crawler.limits import cut_post
from crawler.report import count, note_error
from crawler.trends import refresh as refresh_trends
from store import Store

log = logging.getLogger(__name__)
GONE = "the ingest process stopped before storing it / 入库进程已停止, 未入库"


class StorePipeline:
    def __init__(self, settings: Settings, crawler: Any) -> None:
        self.settings = settings
        self.crawler = crawler
        self.batch_size = max(int(crawler.settings.getint("LINGTING_INGEST_BATCH", 200)), 1)
        self.max_wait = crawler.settings.getfloat("LINGTING_INGEST_WAIT_SECONDS", 2.0)
        self.address: str | None = crawler.settings.get("LINGTING_INGEST_ADDRESS") or None
        self.store: Store | None = None
        self.ingest: Ingest | None = None
        self.link: IngestLink | None = None
        self.state = CrawlState(None)
        self.waiting: list[PostItem] = []
        self.waiting_since = 0.0
        self.sent: dict[int, list[PostItem]] = {}
        self.batches = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(lingting_settings(crawler.settings), crawler)

    def open_spider(self, spider: Any = None) -> None:
        if self.address is not None:
            self.link = IngestLink(self.address)
            return
        self.store = Store(self.settings.database_path)
        self.ingest = Ingest(self.store, build_analyzer(self.settings), self.settings)
        self.state = CrawlState(self.store, incremental=self.settings.crawl.incremental)

    def close_spider(self, spider: Any = None) -> None:
        try:
            self.flush()
            if self.link is not None:
                self._answered(wait=True)
            elif self.store is not None:
                refresh_trends(self.store, self.settings)  # the report's daily aggregates, incrementally
                self.store.maintain()
        finally:
            if self.link is not None:
                self.link.close()
            if self.store is not None:
                self.store.close()
            self.link = self.store = self.ingest = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, ListingDone | ThreadVisited):
            self.flush()  # the posts it covers go first
            if self.link is not None:
                self._send(item)
            elif not self.state.commit(item):
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
        """Send the waiting posts to be stored (one transaction) and count what became of those stored."""
        if not self.waiting:
            return
        items, self.waiting = self.waiting, []
        if self.link is None:
            assert self.ingest is not None
            self._count(items, self.ingest.store_batch([i.to_dict() for i in items], [i.source_name for i in items]))
            return
        self.batches += 1
        self.sent[self.batches] = items
        self._send(Batch(self.batches, [i.to_dict() for i in items], [i.source_name for i in items]))
        self._answered(wait=False)

    def _send(self, message: Any) -> None:
        assert self.link is not None
        with suppress(OSError):  # the ingest is gone: its batches are counted as not stored at close
            self.link.send(message)

    def _answered(self, *, wait: bool) -> None:
        """Count the batches the ingest answered; waiting, count the rest as lost if it is gone."""
        assert self.link is not None
        try:
            replies = self.link.replies(wait=wait)
        except (EOFError, OSError):
            replies = []
            if not wait:  # nothing more can be stored: crawling on would only fetch pages to drop
                log.error("the ingest process stopped; closing the spider")
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="ingest_lost"))
            wait = True
            self.link.conn.close()
        for number, outcomes in replies:
            self._count(self.sent.pop(number), outcomes)
        if wait:
            for items in self.sent.values():
                self._count(items, [Stored(error=f"post {i.source_post_id}: {GONE}", lost=True) for i in items])
            self.sent.clear()

    def _count(self, items: list[PostItem], outcomes: list[Stored]) -> None:
        for item, outcome in zip(items, outcomes, strict=True):
            name = item.source_name or item.source
            if outcome.error is not None:
                note_error(self.crawler, name, outcome.error)
                if outcome.lost:
                    count(self.crawler, name, "not_stored")
            else:
                if outcome.evidence_capped:
                    count(self.crawler, name, "capped_evidence")
                if outcome.new:
                    count(self.crawler, name, "new_posts")
                if outcome.complaint:
                    count(self.crawler, name, "flagged")
