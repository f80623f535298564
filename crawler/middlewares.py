"""Downloader middlewares: conditional requests, waits the sites ask for, and blocked sources.

Where they sit among Scrapy's own (process_request runs low to high, process_response high to low):

    545 BlockDetectionMiddleware        sees final responses (after Retry 550 gave up, after redirects)
    550   scrapy RetryMiddleware        retries 429/5xx and timeouts
    555 RateLimitMiddleware             Retry-After and `backoff` before Retry re-sends; holds back
                                        and drops the requests of a waiting or blocked source
    585 ConditionalRequestsMiddleware   sends If-None-Match / If-Modified-Since; a 304 becomes the
                                        stored body (decompressed: HttpCompression is at 590)

Only requests of a configured source (meta `source_name`) are touched; robots.txt is Scrapy's.
Waiting never sleeps: the request awaits a timer while the reactor serves other sources.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from crawler.blocking import backoff_seconds, detect_block, quota_reset, retry_after
from crawler.context import lingting_settings
from crawler.ingest_process import CachedPage, IngestLink
from crawler.report import count, note_blocked
from store import Store
from store.crawl_state import cached_response, save_response, set_backoff

log = logging.getLogger(__name__)


class SourceBlocked(IgnoreRequest):
    """A request dropped because its source is blocked or backing off for the rest of the run."""

    def __init__(self, source_name: str, reason: str) -> None:
        super().__init__(f"[{source_name}] {reason}")
        self.source_name = source_name
        self.reason = reason


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SourceLimits:
    """Per crawl: which sources must wait until when, and which are blocked for the rest of it."""

    def __init__(self, crawler: Any, store: Store, backoff_minutes: float) -> None:
        self.crawler = crawler
        self.store = store
        self.backoff_minutes = backoff_minutes
        self.not_before: dict[str, float] = {}
        self.blocked: dict[str, str] = {}

    def wait(self, source_name: str, seconds: float) -> None:
        """Hold the source's next requests back for `seconds` (from now)."""
        until = time.monotonic() + seconds
        self.not_before[source_name] = max(self.not_before.get(source_name, 0.0), until)
        log.info("[%s] waiting %.0f s before the next request, as the site asked", source_name, seconds)

    def block(self, source_name: str, reason: str, until: float | None = None) -> None:
        """Stop crawling the source for this run and persist a back-off for the next runs."""
        count(self.crawler, source_name, "blocked")
        if source_name in self.blocked:
            return
        self.blocked[source_name] = reason
        note_blocked(self.crawler, source_name, reason)
        resume = until if until is not None else time.time() + self.backoff_minutes * 60
        set_backoff(self.store, source_name, until=_iso(resume), reason=reason)


_limits: WeakKeyDictionary[Any, SourceLimits] = WeakKeyDictionary()


def source_limits(crawler: Any) -> SourceLimits:
    """The one SourceLimits of a crawler, shared by its middlewares."""
    if crawler not in _limits:
        minutes = crawler.settings.getfloat("LINGTING_BLOCKED_BACKOFF_MINUTES", 60.0)
        _limits[crawler] = SourceLimits(crawler, own_store(crawler), minutes)
    return _limits[crawler]


def own_store(crawler: Any) -> Store:
    """A connection for one middleware of the crawler, closed when its spider closes."""
    store = Store(lingting_settings(crawler.settings).database_path)
    crawler.signals.connect(lambda spider=None, reason=None: store.close(), signal=signals.spider_closed, weak=False)
    return store


def _cookie_env(crawler: Any, source_name: str) -> str | None:
    """The environment variable holding the source's cookie, if its settings name one."""
    spider = getattr(crawler, "spider", None)
    model = getattr(spider, "lingting", None)
    try:
        source = model.source(source_name) if model is not None else None
    except KeyError:
        return None
    value = getattr(source, "cookie_env", None)
    return value if isinstance(value, str) and value else None


class BlockDetectionMiddleware:
    """A final 403/429, captcha or login-wall page blocks its source; a blocked source's requests are dropped."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.limits = source_limits(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> BlockDetectionMiddleware:
        return cls(crawler)

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        name = request.meta.get("source_name")
        if not name:
            return response
        block = detect_block(
            status=response.status,
            url=response.url,
            headers=response.headers,
            body=response.body,
            redirected_from=request.meta.get("redirect_urls", ()),
            retries=int(request.meta.get("retry_times", 0)),
            sent_cookie=bool(request.headers.get(b"Cookie")),
            cookie_env=_cookie_env(self.crawler, name),
        )
        if block is None:
            return response
        self.limits.block(name, block.reason, block.until)
        raise SourceBlocked(name, block.reason)


class RateLimitMiddleware:
    """Retry-After, Stack Exchange `backoff` and used-up quotas: wait if short, else back the source off."""

    def __init__(self, crawler: Any, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self.limits = source_limits(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RateLimitMiddleware:
        return cls(crawler, crawler.settings.getfloat("LINGTING_RETRY_AFTER_MAX", 300.0))

    async def process_request(self, request: Any, spider: Any = None) -> None:
        name = request.meta.get("source_name")
        if not name:
            return
        self._drop_if_blocked(name)
        pause = self.limits.not_before.get(name, 0.0) - time.monotonic()
        if pause > 0:
            # Imported here: importing the reactor at module level would install the wrong one.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, pause, lambda: None))
            self._drop_if_blocked(name)

    def _drop_if_blocked(self, name: str) -> None:
        if name in self.limits.blocked:
            count(self.crawler, name, "dropped")
            raise SourceBlocked(name, self.limits.blocked[name])

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        name = request.meta.get("source_name")
        if not name:
            return response
        now = time.time()
        wait: float | None = None
        why = ""
        if response.status in (429, 503):
            wait, why = retry_after(response.headers, now), "Retry-After"
        if wait is None:
            wait, why = backoff_seconds(response.body), "backoff"
        if wait is None and (reset := quota_reset(response.headers, now)) is not None:
            wait, why = max(reset - now, 0.0), "X-RateLimit-Reset"
        if wait is None or wait <= 0:
            return response
        if wait > self.max_wait:
            minutes = wait / 60
            reason = (
                f"the site asks to wait {minutes:.0f} min ({why}), longer than the crawl waits"
                f" / 网站要求等待 {minutes:.0f} 分钟，超过允许的等待时间"
            )
            self.limits.block(name, reason, now + wait)
            raise SourceBlocked(name, reason)
        self.limits.wait(name, wait)
        return response


class ConditionalRequestsMiddleware:
    """Ask "changed since?" with the validators of the stored response; a 304 gives back the stored body."""

    def __init__(self, crawler: Any, store: Store, link: IngestLink | None = None) -> None:
        self.crawler = crawler
        self.store = store
        self.link = link
        """Where responses are kept when an ingest process writes the database (crawler/ingest_process.py)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalRequestsMiddleware:
        if not crawler.settings.getbool("LINGTING_INCREMENTAL", True):
            raise NotConfigured("incremental crawling is off")
        address = crawler.settings.get("LINGTING_INGEST_ADDRESS")
        link = IngestLink(address) if address else None
        if link is not None:
            crawler.signals.connect(lambda spider=None, reason=None: link.close(), signals.spider_closed, weak=False)
        return cls(crawler, own_store(crawler), link)

    @staticmethod
    def _applies(request: Any) -> bool:
        return request.method == "GET" and bool(request.meta.get("source_name"))

    def process_request(self, request: Any, spider: Any = None) -> None:
        if not self._applies(request):
            return
        cached = cached_response(self.store, request.url)
        if cached is None:
            return
        if cached.etag:
            request.headers["If-None-Match"] = cached.etag
        if cached.last_modified:
            request.headers["If-Modified-Since"] = cached.last_modified

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        if not self._applies(request):
            return response
        name = request.meta["source_name"]
        if response.status == 304:
            cached = cached_response(self.store, request.url)
            if cached is None:
                return response  # nothing to give back: the spider reports the 304 as an error
            count(self.crawler, name, "not_modified")
            headers = Headers({k: v for k, v in cached.headers.items()})
            cls = responsetypes.from_args(headers=headers, url=cached.url, body=cached.body)
            return cls(
                url=response.url,
                status=cached.status,
                headers=headers,
                body=cached.body,
                flags=["cached", "not_modified"],
                request=request,
            )
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if response.status == 200 and (etag or modified):
            page = CachedPage(
                url=request.url,
                source_name=name,
                status=response.status,
                headers={
                    k.decode("latin-1"): [v.decode("latin-1") for v in values] for k, values in response.headers.items()
                },
                body=response.body,
                etag=etag.decode("latin-1") if etag else None,
                last_modified=modified.decode("latin-1") if modified else None,
            )
            self._keep(page)
        return response

    def _keep(self, page: CachedPage) -> None:
        if self.link is None:
            save_response(self.store, **asdict(page))
            return
        try:
            self.link.send(page)
        except OSError:  # the ingest is gone (the run says so): from now on the page is kept from here
            self.link = None
