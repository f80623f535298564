"""Per-source crawl accounting: requests, status codes, posts, errors, blocks; saved as a crawl run.

Counters live in Scrapy's stats under `lingting/<source name>/<counter>`; when a spider closes,
one `crawl_runs` row per source it crawled is written, with the source's health verdict
(crawler/health.py), which the CLI prints as the run summary and `lingting sources` lists.

    requests       requests that reached the downloader (dropped and robots.txt ones do not count)
    responses      answers received, retried ones included; status_codes counts them by status
    not_modified   304 Not Modified answers, served from the stored body
    posts_parsed   posts the parsers returned (stored before or not)
    new_posts      posts the store did not have; flagged: new complaints among them
    errors         anything that went wrong, each with a sample message
    parse_errors   bodies that could not be read at all (also counted in errors)
    skipped        broken records left out of readable bodies
    blocked        responses that showed a block (403/429, captcha, login wall)
    refused        requests not sent: off-site redirects, private addresses (crawler/targets.py)
    too_large      answers dropped for their size; cut_posts: posts cut to their head (crawler/limits.py)
    capped_evidence  posts whose analysis lists only the first of its evidence terms (EVIDENCE_ITEMS)
    failed_requests  requests that ended in an error (HTTP error, no answer, refused, too large)
    not_stored     posts lost to a stopped ingest process or a failing database (the source is unhealthy)
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from twisted.internet import task

from config.settings import Settings
from crawler.context import lingting_settings
from crawler.health import verdict
from store import Store, ever_yielded, record_run, utc_now
from store.crawl_state import prune_responses

log = logging.getLogger(__name__)
COUNTERS = (
    "requests",
    "responses",
    "not_modified",
    "posts_parsed",
    "new_posts",
    "flagged",
    "errors",
    "parse_errors",
    "skipped",
    "blocked",
    "refused",
    "too_large",
    "cut_posts",
    "capped_evidence",
    "failed_requests",
    "not_stored",
)
MAX_SAMPLES = 20
MAX_SKIPPED_SAMPLES = 3
CACHE_DAYS = 30  # stored responses unused for this long are dropped


def count(crawler: Any, source_name: str, counter: str, n: int = 1) -> None:
    crawler.stats.inc_value(f"lingting/{source_name}/{counter}", n)


def note_error(crawler: Any, source_name: str, message: str, *, parse: bool = False) -> None:
    """Count an error of `source_name` and keep the first few messages for the run summary."""
    count(crawler, source_name, "errors")
    if parse:
        count(crawler, source_name, "parse_errors")
    samples = crawler.stats.get_value(f"lingting/{source_name}/error_samples") or []
    if len(samples) < MAX_SAMPLES:
        crawler.stats.set_value(f"lingting/{source_name}/error_samples", [*samples, message])
    log.warning("[%s] %s", source_name, message)


def note_skipped(crawler: Any, source_name: str, reasons: list[str]) -> None:
    """Count broken records left out of a readable body; the first few reasons go into the run summary."""
    if reasons:
        count(crawler, source_name, "skipped", len(reasons))
        key = f"lingting/{source_name}/skipped_samples"
        samples = crawler.stats.get_value(key) or []
        if len(samples) < MAX_SKIPPED_SAMPLES:
            crawler.stats.set_value(key, [*samples, *reasons[: MAX_SKIPPED_SAMPLES - len(samples)]])
        log.info("[%s] skipped %d broken record(s): %s", source_name, len(reasons), "; ".join(reasons[:3]))


def note_response(crawler: Any, source_name: str, status: str) -> None:
    """A response of the source, by status ("304" for one answered from the stored body)."""
    count(crawler, source_name, "responses")
    count(crawler, source_name, f"status/{status}")


def note_blocked(crawler: Any, source_name: str, reason: str) -> None:
    """The first block of a source in this run: its reason goes into the run summary."""
    crawler.stats.set_value(f"lingting/{source_name}/blocked_reason", reason)
    log.warning("[%s] blocked, backing off: %s", source_name, reason)


def note_backoff(crawler: Any, source_name: str, until: str, reason: str) -> None:
    """The source was not crawled: an earlier block asked to wait until `until`."""
    crawler.stats.set_value(f"lingting/{source_name}/backoff_until", until)
    crawler.stats.set_value(f"lingting/{source_name}/backoff_reason", reason)
    log.warning("[%s] skipped, backing off until %s: %s", source_name, until, reason)


class CrawlReport:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.run_id = crawler.settings.get("LINGTING_RUN_ID") or (
            datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
        )
        self.started_at = utc_now()
        self.first_request: dict[str, float] = {}
        self.last_answer: dict[str, float] = {}
        self.progress: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlReport:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.request_left_downloader, signal=signals.request_left_downloader)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.request_dropped, signal=signals.request_dropped)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.started_at = utc_now()
        if self.crawler.settings.getbool("LINGTING_PROGRESS"):
            self.progress = task.LoopingCall(self._print_progress, spider)
            self.progress.start(5.0, now=False)

    def _print_progress(self, spider: Any) -> None:
        stats = self.crawler.stats.get_stats()
        done = sum(v for k, v in stats.items() if k.startswith("lingting/") and k.endswith("/responses"))
        posts = sum(v for k, v in stats.items() if k.startswith("lingting/") and k.endswith("/posts_parsed"))
        print(f"  … {spider.name}: {done} responses, {posts} posts / 已抓取 {done} 页, {posts} 条", file=sys.stderr)

    def request_reached_downloader(self, request: Any, spider: Any = None) -> None:
        if name := request.meta.get("source_name"):
            count(self.crawler, name, "requests")
            self.first_request.setdefault(name, time.monotonic())

    def request_left_downloader(self, request: Any, spider: Any = None) -> None:
        if name := request.meta.get("source_name"):
            self.last_answer[name] = time.monotonic()

    def response_downloaded(self, response: Any, request: Any, spider: Any = None) -> None:
        # Every answer as the site sent it: a 429 retried later, a 304, a block page the crawl drops.
        if name := request.meta.get("source_name"):
            note_response(self.crawler, name, str(response.status))

    def request_dropped(self, request: Any, spider: Any = None) -> None:
        # The scheduler drops a request it has seen; a redirected one would otherwise vanish unsaid.
        name = request.meta.get("source_name")
        redirects = request.meta.get("redirect_urls")
        if not name or not redirects:
            return
        count(self.crawler, name, "failed_requests")
        if request.url in redirects:
            why = f"redirect loop back to {request.url} / 重定向循环"
        else:
            why = f"redirected to {request.url}, which this crawl already fetched / 重定向到本次已抓取过的地址"
        note_error(self.crawler, name, f"{redirects[0]}: {why}")

    def spider_error(self, failure: Any, response: Any, spider: Any = None) -> None:
        # A bug in a spider's callback: Scrapy logs it (shown with -v); the run counts it, so the
        # source is not called healthy without it.
        if name := response.meta.get("source_name"):
            error = failure.value
            note_error(
                self.crawler,
                name,
                f"{response.url}: crawler failed ({type(error).__name__}: {str(error)[:200]}) / 抓取程序出错",
            )

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.progress is not None and self.progress.running:
            self.progress.stop()
        settings = lingting_settings(self.crawler.settings)
        store = Store(settings.database_path)  # the pipeline closed its own before this signal
        try:
            self._record(spider, reason, settings, store)
        finally:
            store.close()

    def _record(self, spider: Any, reason: str, settings: Settings, store: Store) -> None:
        finished = utc_now()
        for source in spider.selected_sources:
            run = self._run(source, reason, finished)
            run["health"], run["health_reason"] = verdict(
                run,
                ever_yielded=ever_yielded(store, source.name, before_run=self.run_id),
                max_error_rate=settings.crawl.unhealthy_parse_error_rate,
            )
            if run["health"] != "ok":
                log.warning("[%s] %s: %s", source.name, run["health"], run["health_reason"])
            record_run(store, run)
        prune_responses(store, _days_ago(CACHE_DAYS))

    def _run(self, source: Any, reason: str, finished: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats()
        prefix = f"lingting/{source.name}/"
        run: dict[str, Any] = {c: int(stats.get(prefix + c, 0)) for c in COUNTERS}
        start = self.first_request.get(source.name)
        end = self.last_answer.get(source.name, start)
        run |= {
            "run_id": self.run_id,
            "source_name": source.name,
            "source": source.type,
            "started_at": self.started_at,
            "finished_at": finished,
            "duration_seconds": (end - start) if start is not None and end is not None else 0.0,
            "status_codes": {
                key.removeprefix(prefix + "status/"): int(value)
                for key, value in stats.items()
                if key.startswith(prefix + "status/")
            },
            "error_samples": [
                *stats.get(prefix + "error_samples", []),
                *(f"record skipped / 跳过的记录: {reason}" for reason in stats.get(prefix + "skipped_samples", [])),
            ],
            "blocked_reason": stats.get(prefix + "blocked_reason"),
            "backoff_until": stats.get(prefix + "backoff_until"),
            "backoff_reason": stats.get(prefix + "backoff_reason"),
        }
        run["finish_reason"] = reason
        if reason != "finished":
            run["error_samples"] = [*run["error_samples"], f"crawl ended early: {reason} / 抓取提前结束"]
        return run


def _days_ago(days: int) -> str:
    return datetime.fromtimestamp(time.time() - days * 86400, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
