"""The base of the spiders for Weibo, Tieba and Bilibili: sites that ban fast crawlers.

Each source of these types names a `min_delay_seconds`; the spider's Scrapy DOWNLOAD_DELAY (and so
AutoThrottle's floor) is raised to the largest of them, one request at a time. A source may name a
`cookie_env`: the Cookie header is read from that environment variable when the request is made
and only put on the request; it is never logged, stored or written anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, ClassVar

import scrapy

from config.settings import SourceSettings
from crawler.context import lingting_settings
from crawler.items import PostItem
from crawler.spiders.base import ListeningSpider


class GuardedSpider(ListeningSpider):
    headers: ClassVar[dict[str, str]] = {}
    """Headers the site's own web pages send with their API calls."""

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        try:
            config = lingting_settings(settings)
        except Exception:  # reported with its reason in from_crawler
            return
        # Every source of this type counts, enabled or not: a crawl of one named source is still polite.
        delays = [float(getattr(s, "min_delay_seconds", 0)) for s in config.sources if s.type == cls.source_type]
        floor = max(delays, default=0.0)
        if floor > settings.getfloat("DOWNLOAD_DELAY"):
            settings.set("DOWNLOAD_DELAY", floor, priority="spider")
            settings.set(
                "AUTOTHROTTLE_START_DELAY", max(floor, settings.getfloat("AUTOTHROTTLE_START_DELAY")), priority="spider"
            )
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 1, priority="spider")

    @staticmethod
    def cookie_of(source: Any) -> str | None:
        """The cookie from the environment variable the source names, if it names one and it is set."""
        name = getattr(source, "cookie_env", None)
        value = os.environ.get(name, "").strip() if name else ""
        return value or None

    def site_request(
        self, url: str, source: SourceSettings, callback: Any = None, *, errback: Any = None, **meta: Any
    ) -> scrapy.Request:
        """`request` with the site's headers and the source's cookie (if any)."""
        request = self.request(url, source, callback, **meta)
        for key, value in self.headers.items():
            request.headers[key] = value
        cookie = self.cookie_of(source)
        if cookie:
            request.headers["Cookie"] = cookie
        if errback is not None:
            request = request.replace(errback=errback)
        return request

    @staticmethod
    def next_visit_page(request: scrapy.Request, response: Any, posts: Iterable[PostItem]) -> scrapy.Request:
        """The next page of a thread visit, carrying the visit and the posts its checkpoint covers."""
        request.meta.update(
            thread=response.meta.get("thread"),
            replies=response.meta.get("replies"),
            thread_covered=[*response.meta.get("thread_covered", ()), *((p.source, p.source_post_id) for p in posts)],
        )
        return request
