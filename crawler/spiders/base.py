"""The base of every lingting spider: configured sources in, counted requests and parsed posts out.

A spider crawls every enabled source of its `source_type` in lingting.toml (or those named with
`-a sources=a,b`). Responses go to the pure parsers; whatever goes wrong (an HTTP error, a dead
host, a truncated or HTML body) is counted against the source with a readable reason and the crawl
goes on with the next request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from config import load_settings
from config.settings import Settings, SourceSettings
from crawler.items import PostItem
from crawler.parsers import ParseError, ParseResult, parse
from crawler.report import note_error, note_skipped
from crawler.settings import crawl_settings


class ListeningSpider(scrapy.Spider):
    source_type: ClassVar[str]
    platform: ClassVar[str]

    def __init__(self, *args: Any, sources: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requested_names = [s for s in (sources or "").split(",") if s]
        self.lingting: Settings | None = None
        self.selected_sources: list[Any] = []

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        try:
            config = load_settings(settings["LINGTING_CONFIG"])
        except Exception:  # reported with its reason in from_crawler, where a spider can fail cleanly
            return
        settings.setdict(crawl_settings(config.crawl), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ListeningSpider:
        spider: ListeningSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.lingting = load_settings(crawler.settings["LINGTING_CONFIG"])
        spider.selected_sources = spider._select(spider.lingting)
        return spider

    def _select(self, settings: Settings) -> list[Any]:
        mine = [s for s in settings.sources if s.type == self.source_type]
        if self.requested_names:
            known = {s.name for s in mine}
            unknown = [n for n in self.requested_names if n not in known]
            if unknown:
                raise ValueError(
                    f"no {self.source_type} source named {', '.join(unknown)} in the config / 配置中没有该数据源"
                )
            return [s for s in mine if s.name in self.requested_names]
        return [s for s in mine if s.enabled]

    @property
    def settings_model(self) -> Settings:
        assert self.lingting is not None
        return self.lingting

    async def start(self) -> AsyncIterator[Any]:
        for source in self.selected_sources:
            for request in self.requests_for(source):
                yield request

    def requests_for(self, source: Any) -> Iterator[scrapy.Request]:
        raise NotImplementedError

    def request(self, url: str, source: SourceSettings, callback: Any = None, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback or self.parse,
            errback=self.on_error,
            meta={"source_name": source.name, **meta},
        )

    def posts_from(self, response: Any, *, platform: str | None = None) -> ParseResult | None:
        """Parse a response into posts; None (and an error counted) when the body is unusable."""
        name = response.meta["source_name"]
        try:
            result = parse(
                self.source_type, response.body, response.url, datetime.now(UTC), platform=platform or self.platform
            )
        except ParseError as exc:
            note_error(self.crawler, name, f"{response.url}: {exc}")
            return None
        for post in result.posts:
            post.source_name = name
        note_skipped(self.crawler, name, result.skipped)
        return result

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        name = request.meta.get("source_name", self.name)
        note_error(self.crawler, name, f"{request.url}: {describe_failure(failure)}")

    def mentions_product(self, post: PostItem) -> bool:
        text = f"{post.title or ''}\n{post.text}".lower()
        return any(term.lower() in text for term in self.settings_model.product_terms)

    def queries(self, source: Any) -> list[str]:
        return list(source.queries) or self.settings_model.product_terms


def describe_failure(failure: Failure) -> str:
    """What went wrong, in words a user understands."""
    if failure.check(HttpError) and isinstance(failure.value, HttpError):
        status = failure.value.response.status
        hint = {
            403: "forbidden, the site may be blocking the crawler / 被拒绝访问, 可能被封禁",
            404: "not found / 页面不存在",
            429: "too many requests, rate-limited / 请求过多, 被限流",
        }.get(status, "server error / 服务器错误" if status >= 500 else "request refused / 请求被拒绝")
        return f"HTTP {status}: {hint}"
    if failure.check(DNSLookupError):
        return "host name not found (DNS) / 域名无法解析"
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timed out / 请求超时"
    if failure.check(ConnectionRefusedError):
        return "connection refused / 连接被拒绝"
    return f"{failure.type.__name__ if failure.type else 'error'}: {failure.getErrorMessage()} / 请求失败"
