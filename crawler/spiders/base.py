"""The base of every lingting spider: configured sources in, counted requests and parsed posts out.

A spider crawls every enabled source of its `source_type` in lingting.toml (or those named with
`-a sources=a,b`). Responses go to the pure parsers; whatever goes wrong (an HTTP error, a dead
host, a truncated or HTML body, a parser bug) is counted against the source with a readable
reason and the crawl goes on with the next request.

The protocol a source's spider follows (the four shipped spiders are worked examples)
-----------------------------------------------------------------------------------------
Requests and parsing:

    requests_for(source)          the first request of each listing, made with
        self.request(url, source, query="search:<term>")   `query` names the listing: one
                                  search term, node, feed or "latest" (its incremental state)
    parse(response)               result = self.posts_from(response)   # None: error counted
                                  yield from result.posts

Incremental crawling (state per source and query in SQLite, store/crawl_state.py):

    yield from self.paginate(response, result.posts, next_page)
        `next_page` is the request for the next page, or None at the last one (or max_pages).
        Yields it while the listing is still newer than the mark of the last complete pass
        (posts ordered newest first by `order=`, default created_at; for a list in no time
        order, an `order` that returns None stops at a page whose posts are all stored), else a
        `ListingDone` checkpoint. Call it on every page of a listing, single-page ones too
        (feeds): the pass's pages travel in the request meta (`query`, `pass_newest`, `pass_covered`).
    self.thread_needs_visit(response, thread_id, replies)
        True for a thread never visited or whose reply count grew since (once per run).
    self.thread_cursor(response, thread_id)
        where the last visit stopped (e.g. the highest post number), to fetch only new replies.
    yield self.thread_visited(response, thread_id, result.posts, replies=..., cursor=...)
        after the last page of a visit; pass `thread=` and `replies=` in the visit's meta, and
        over several pages the posts so far as `thread_covered=`.
    self.known(post), self.seen_all(posts)
        the store already holds the post / every one of them.

Checkpoints are committed by the pipeline only once all the posts they cover are stored, so a
crawl killed half-way resumes from the old state and loses or doubles nothing. Conditional
requests (ETag / Last-Modified, 304 -> the stored body, parsed again) need nothing from a spider.
The target: a second crawl of an unchanged site sends at most one request per (source, query)
(bench/crawl and tests/test_incremental_e2e.py measure it). A stored post seen again is not
analyzed again (crawler/pipelines.py), so re-reading a page costs little.

Limits and blocks (crawler/middlewares.py) need nothing either: Retry-After, Stack Exchange's
`backoff` and X-RateLimit-Reset are waited out; a final 403/429, a captcha or a login wall blocks
the source for the rest of the run and backs it off for `[crawl] blocked_backoff_minutes`. A
spider that sends a cookie puts it in the `Cookie` header from the environment variable its
source settings name in `cookie_env`; a login wall is then reported as an expired cookie.
Nor do the guards on where requests go (crawler/targets.py: http(s) only, no redirect off the
source's site unless `allowed_hosts` names the host, no private address for a public site) and on
sizes (crawler/limits.py: answers over `[crawl] max_response_mb` dropped, posts over
`max_post_chars` cut to their head); each refusal or cut is counted in the run summary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from config.settings import Settings, SourceSettings
from crawler.context import SETTINGS_KEY, lingting_settings
from crawler.incremental import CrawlState, ListingDone, ThreadVisited
from crawler.items import PostItem
from crawler.limits import too_large
from crawler.middlewares import SourceBlocked
from crawler.parsers import ParseError, ParseResult, parse
from crawler.parsers.common import iso_utc
from crawler.report import count, note_backoff, note_error, note_skipped
from crawler.settings import crawl_settings
from crawler.targets import TargetRefused
from store import Store
from store.crawl_state import PostKey

OrderKey = Callable[[PostItem], str | None]


def created(post: PostItem) -> str | None:
    return post.created_at


class ListeningSpider(scrapy.Spider):
    source_type: ClassVar[str]
    platform: ClassVar[str]

    def __init__(self, *args: Any, sources: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requested_names = [s for s in (sources or "").split(",") if s]
        self.lingting: Settings | None = None
        self.selected_sources: list[Any] = []
        self.state = CrawlState(None)
        self._visiting: set[tuple[str, str]] = set()

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        try:
            config = lingting_settings(settings)
        except Exception:  # reported with its reason in from_crawler, where a spider can fail cleanly
            return
        # Loaded once here; the pipeline, middlewares and extensions take it from the settings.
        settings.set(SETTINGS_KEY, config, priority="spider")
        settings.setdict(crawl_settings(config.crawl), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ListeningSpider:
        spider: ListeningSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.lingting = lingting_settings(crawler.settings)
        spider.selected_sources = spider._select(spider.lingting)
        # The spider's own connection for what earlier crawls left; closed when the spider closes.
        spider.state = CrawlState(Store(spider.lingting.database_path), incremental=spider.lingting.crawl.incremental)
        return spider

    def closed(self, reason: str) -> None:
        if self.state.store is not None:
            self.state.store.close()

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

    def source_of(self, response: Any) -> Any:
        """The settings of the source a response belongs to."""
        return self.settings_model.source(response.meta["source_name"])

    async def start(self) -> AsyncIterator[Any]:
        for source in self.selected_sources:
            backoff = self.state.backoff(source.name)
            if backoff is not None:
                note_backoff(self.crawler, source.name, backoff.until, backoff.reason)
                continue
            for request in self.requests_for(source):
                yield request

    def requests_for(self, source: Any) -> Iterator[scrapy.Request]:
        raise NotImplementedError

    def request(
        self, url: str, source: SourceSettings, callback: Any = None, *, query: str | None = None, **meta: Any
    ) -> scrapy.Request:
        """A request of `source`; `query` names the listing it starts (its incremental state)."""
        extra = {"query": query} if query is not None else {}
        return scrapy.Request(
            url,
            callback=callback or self.parse,
            errback=self.on_error,
            meta={"source_name": source.name, **extra, **meta},
        )

    def posts_from(self, response: Any, *, platform: str | None = None) -> ParseResult | None:
        """Parse a response into posts; None (and an error counted) when the body is unusable."""
        name = response.meta["source_name"]
        try:
            result = parse(
                self.source_type, response.body, response.url, datetime.now(UTC), platform=platform or self.platform
            )
        except ParseError as exc:
            note_error(self.crawler, name, f"{response.url}: {exc}", parse=True)
            return None
        except Exception as exc:  # a parser bug must cost one response, never the crawl
            self.logger.exception("parser %s failed on %s", self.source_type, response.url)
            note_error(
                self.crawler,
                name,
                f"{response.url}: parser failed ({type(exc).__name__}: {str(exc)[:200]}) / 解析程序出错",
                parse=True,
            )
            return None
        for post in result.posts:
            post.source_name = name
        note_skipped(self.crawler, name, result.skipped)
        return result

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        name = request.meta.get("source_name", self.name)
        if failure.check(SourceBlocked):
            return  # counted as blocked, with its reason, where the block was seen
        count(self.crawler, name, "failed_requests")
        if too_large(failure):
            count(self.crawler, name, "too_large")
        note_error(self.crawler, name, f"{request.url}: {describe_failure(failure)}")

    def mentions_product(self, post: PostItem) -> bool:
        text = f"{post.title or ''}\n{post.text}".lower()
        return any(term.lower() in text for term in self.settings_model.product_terms)

    def queries(self, source: Any) -> list[str]:
        return list(source.queries) or self.settings_model.product_terms

    # -- incremental crawling -------------------------------------------------------------------

    def mark(self, source_name: str, query: str) -> str | None:
        """Where the last complete pass over a listing got to (ISO time), None if there was none."""
        return self.state.mark(source_name, query)

    def known(self, post: PostItem) -> bool:
        return bool(self.state.known([(post.source, post.source_post_id)]))

    def seen_all(self, posts: list[PostItem]) -> bool:
        keys = [(p.source, p.source_post_id) for p in posts]
        return bool(keys) and len(self.state.known(keys)) == len(set(keys))

    def paginate(
        self, response: Any, posts: list[PostItem], next_page: scrapy.Request | None, *, order: OrderKey = created
    ) -> Iterator[Any]:
        """After a listing page's posts: the next page while the listing is new to us, else the checkpoint."""
        name, query = response.meta["source_name"], response.meta.get("query")
        if query is None:
            raise ValueError(f"{response.url}: paginate() needs a request made with query= / 请求缺少 query")
        keys = [k for k in (_iso(order(p)) for p in posts) if k]
        newest = max([*keys, response.meta.get("pass_newest") or ""]) or None
        covered: list[PostKey] = [*response.meta.get("pass_covered", ())]
        covered += [(p.source, p.source_post_id) for p in posts]
        mark = self.mark(name, query)
        if mark is not None and keys:
            caught_up = any(k <= mark for k in keys)
        else:
            caught_up = mark is not None and self.seen_all(posts)
        if next_page is not None and not caught_up:
            next_page.meta.update(query=query, pass_newest=newest, pass_covered=covered)
            yield next_page
            return
        yield ListingDone(name, query, newest, covered)

    def thread_needs_visit(self, response: Any, thread_id: str | None, replies: int | None) -> bool:
        """Whether to fetch a thread's replies: never visited, or its reply count grew; once per run."""
        if not thread_id:
            return False
        name = response.meta["source_name"]
        if (name, thread_id) in self._visiting:
            return False
        state = self.state.thread(name, thread_id)
        grew = state is None or (replies is not None and (state.replies is None or replies > state.replies))
        if grew:
            self._visiting.add((name, thread_id))
            count(self.crawler, name, "thread_visits")
        return grew

    def thread_cursor(self, response: Any, thread_id: str) -> str | None:
        state = self.state.thread(response.meta["source_name"], thread_id)
        return state.cursor if state is not None else None

    def thread_visited(
        self,
        response: Any,
        thread_id: str,
        posts: list[PostItem],
        *,
        replies: int | None = None,
        cursor: str | None = None,
    ) -> ThreadVisited:
        """The checkpoint after the last page of a thread visit (covering earlier pages' `thread_covered`)."""
        covered: list[PostKey] = [
            *response.meta.get("thread_covered", ()),
            *((p.source, p.source_post_id) for p in posts),
        ]
        return ThreadVisited(response.meta["source_name"], thread_id, replies, cursor, covered)


def _iso(value: str | None) -> str | None:
    """Order keys compare as text, so every one is brought to the same ISO form."""
    return iso_utc(value) if value else None


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
    if failure.check(TargetRefused):
        return failure.getErrorMessage()
    if too_large(failure):
        return "answer larger than the size limit ([crawl] max_response_mb), dropped / 响应超过大小上限, 已丢弃"
    if failure.check(IgnoreRequest) and "max redirections" in failure.getErrorMessage():
        return "too many redirects, a redirect loop? / 重定向次数过多, 可能是重定向循环"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "host name not found (DNS) / 域名无法解析"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timed out / 请求超时"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection refused / 连接被拒绝"
    if failure.check(ResponseDataLossError):
        return "the answer was cut off before its end / 响应不完整"
    return f"{failure.type.__name__ if failure.type else 'error'}: {failure.getErrorMessage()} / 请求失败"
