"""App Store customer reviews of one app, newest first, in each chosen storefront.

Every review is about the product (it is a review of the product's app), so all of them are kept;
whether one names the product in its words is for the analysis to see.

Incremental: each storefront's review list is a listing ("app:<id>:<country>"), newest first, so a
re-crawl stops at the first page that reaches the last complete pass. Reviews have no replies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from config.settings import AppStoreSource
from crawler.analysis import ABOUT
from crawler.spiders.base import ListeningSpider


class AppStoreSpider(ListeningSpider):
    name = "appstore"
    source_type = "appstore"
    platform = "appstore"

    def _page(self, source: AppStoreSource, country: str, page: int, *, query: str | None = None) -> scrapy.Request:
        base = source.base_url.rstrip("/")
        url = f"{base}/{country}/rss/customerreviews/page={page}/id={source.app_id}/sortby=mostrecent/{source.format}"
        return self.request(url, source, query=query, country=country, page=page)

    def requests_for(self, source: AppStoreSource) -> Iterator[scrapy.Request]:
        for country in source.countries:
            yield self._page(source, country, 1, query=f"app:{source.app_id}:{country}")

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        source = self.source_of(response)
        assert isinstance(source, AppStoreSource)
        if source.product:
            for post in result.posts:
                post.raw[ABOUT] = source.product
        yield from result.posts
        page = response.meta["page"]
        nxt = None
        if result.has_more and page < source.max_pages:
            nxt = self._page(source, response.meta["country"], page + 1)
        # Older feeds carry no review dates: then a page whose reviews are all stored ends the pass.
        yield from self.paginate(response, result.posts, nxt)
