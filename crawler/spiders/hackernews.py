"""Hacker News through Algolia's `search_by_date`: stories and comments newer than a window."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy

from config.settings import HackerNewsSource
from crawler.spiders.base import ListeningSpider

HITS_PER_PAGE = 50


class HackerNewsSpider(ListeningSpider):
    name = "hackernews"
    source_type = "hackernews"
    platform = "hackernews"

    def _url(self, source: HackerNewsSource, query: str, since: int, page: int) -> str:
        tags = source.tags[0] if len(source.tags) == 1 else "(" + ",".join(source.tags) + ")"
        params = {
            "query": query,
            "tags": tags,
            "numericFilters": f"created_at_i>{since}",
            "hitsPerPage": HITS_PER_PAGE,
            "page": page,
        }
        return f"{source.base_url.rstrip('/')}/api/v1/search_by_date?{urlencode(params)}"

    def requests_for(self, source: HackerNewsSource) -> Iterator[scrapy.Request]:
        since = int(time.time()) - source.since_days * 86400
        for q in self.queries(source):
            yield self.request(self._url(source, q, since, 0), source, query=q, since=since, page=0)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        yield from result.posts
        source = self.settings_model.source(response.meta["source_name"])
        assert isinstance(source, HackerNewsSource)
        page = response.meta["page"]
        if result.has_more and page + 1 < source.max_pages:
            meta = {"query": response.meta["query"], "since": response.meta["since"], "page": page + 1}
            yield self.request(self._url(source, meta["query"], meta["since"], page + 1), source, **meta)
