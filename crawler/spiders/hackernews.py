"""Hacker News through Algolia's `search_by_date`: stories and comments newer than a window.

Incremental: the window starts at the newest item the last complete pass saw, less an overlap
for Algolia's indexing delay, so a re-crawl of a quiet query is one request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy

from config.settings import HackerNewsSource
from crawler.incremental import epoch_of
from crawler.spiders.base import ListeningSpider

HITS_PER_PAGE = 50
OVERLAP_SECONDS = 3600  # items show up in Algolia's index a little after they are posted


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
        window = int(time.time()) - source.since_days * 86400
        for q in self.queries(source):
            query = f"search:{q}"
            mark = epoch_of(self.mark(source.name, query))
            since = max(window, mark - OVERLAP_SECONDS) if mark is not None else window
            yield self.request(self._url(source, q, since, 0), source, query=query, term=q, since=since, page=0)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        yield from result.posts
        source = self.source_of(response)
        assert isinstance(source, HackerNewsSource)
        page, term, since = response.meta["page"], response.meta["term"], response.meta["since"]
        nxt = None
        if result.has_more and page + 1 < source.max_pages:
            nxt = self.request(self._url(source, term, since, page + 1), source, term=term, since=since, page=page + 1)
        yield from self.paginate(response, result.posts, nxt)
