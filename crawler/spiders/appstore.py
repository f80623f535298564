"""App Store customer reviews of one app, newest first, in each chosen storefront.

Every review is about the product (it is a review of the product's app), so all of them are kept;
whether one names the product in its words is for the analysis to see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from config.settings import AppStoreSource
from crawler.spiders.base import ListeningSpider


class AppStoreSpider(ListeningSpider):
    name = "appstore"
    source_type = "appstore"
    platform = "appstore"

    def _page(self, source: AppStoreSource, country: str, page: int) -> scrapy.Request:
        base = source.base_url.rstrip("/")
        url = f"{base}/{country}/rss/customerreviews/page={page}/id={source.app_id}/sortby=mostrecent/{source.format}"
        return self.request(url, source, country=country, page=page)

    def requests_for(self, source: AppStoreSource) -> Iterator[scrapy.Request]:
        for country in source.countries:
            yield self._page(source, country, 1)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        yield from result.posts
        source = self.settings_model.source(response.meta["source_name"])
        assert isinstance(source, AppStoreSource)
        page = response.meta["page"]
        if result.has_more and page < source.max_pages:
            yield self._page(source, response.meta["country"], page + 1)
