"""The item pipeline: every normalized post is analyzed and stored (deduplicated, clustered) inline."""

from __future__ import annotations

from typing import Any

from config import load_settings
from config.settings import Settings
from crawler.analysis import analyze_and_store, shared_analyzer, shared_store
from crawler.items import PostItem
from crawler.report import count
from sentiment import Analyzer
from store import Store


class StorePipeline:
    def __init__(self, settings: Settings, crawler: Any) -> None:
        self.settings = settings
        self.crawler = crawler
        self.store: Store | None = None
        self.analyzer: Analyzer | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(load_settings(crawler.settings["LINGTING_CONFIG"]), crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.store = shared_store(self.settings)
        self.analyzer = shared_analyzer(self.settings)

    def close_spider(self, spider: Any = None) -> None:
        # The store is shared by every spider of the process; it closes with the process.
        self.store = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, PostItem):
            return item
        assert self.store is not None and self.analyzer is not None
        new, complaint = analyze_and_store(
            item.to_dict(),
            store=self.store,
            analyzer=self.analyzer,
            settings=self.settings,
            source_name=item.source_name,
        )
        name = item.source_name or item.source
        count(self.crawler, name, "posts_parsed")
        if new:
            count(self.crawler, name, "new_posts")
            if complaint:
                count(self.crawler, name, "flagged")
        return item
