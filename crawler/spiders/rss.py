"""Any RSS or Atom feed, including RSSHub routes for Weibo, Zhihu, Bilibili and Tieba.

A feed is one page; re-crawls ask with If-None-Match / If-Modified-Since (RSSHub and most feed
servers send ETag or Last-Modified) and the store keeps only what is new.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from config.settings import FeedSource
from crawler.spiders.base import ListeningSpider


class FeedSpider(ListeningSpider):
    name = "rss"
    source_type = "rss"
    platform = "rss"

    def requests_for(self, source: FeedSource) -> Iterator[scrapy.Request]:
        yield self.request(source.url, source, query="feed", platform=source.platform)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response, platform=response.meta.get("platform"))
        if result is None:
            return
        yield from result.posts
        yield from self.paginate(response, result.posts, None)
