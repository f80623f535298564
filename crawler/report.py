"""Per-source crawl accounting: requests, status codes, posts, errors; saved as a crawl run.

Counters live in Scrapy's stats under `lingting/<source name>/<counter>`; when a spider closes,
one `crawl_runs` row per source it crawled is written, which the CLI prints as the run summary.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from twisted.internet import task

from config import load_settings
from crawler.analysis import shared_store
from store import record_run, utc_now

log = logging.getLogger(__name__)
COUNTERS = ("requests", "responses", "posts_parsed", "new_posts", "flagged", "errors", "skipped")
MAX_SAMPLES = 20


def count(crawler: Any, source_name: str, counter: str, n: int = 1) -> None:
    crawler.stats.inc_value(f"lingting/{source_name}/{counter}", n)


def note_error(crawler: Any, source_name: str, message: str) -> None:
    """Count an error of `source_name` and keep the first few messages for the run summary."""
    count(crawler, source_name, "errors")
    samples = crawler.stats.get_value(f"lingting/{source_name}/error_samples") or []
    if len(samples) < MAX_SAMPLES:
        crawler.stats.set_value(f"lingting/{source_name}/error_samples", [*samples, message])
    log.warning("[%s] %s", source_name, message)


def note_skipped(crawler: Any, source_name: str, reasons: list[str]) -> None:
    if reasons:
        count(crawler, source_name, "skipped", len(reasons))
        log.info("[%s] skipped %d broken record(s): %s", source_name, len(reasons), "; ".join(reasons[:3]))


class CrawlReport:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.run_id = crawler.settings.get("LINGTING_RUN_ID") or (
            datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
        )
        self.started_at = utc_now()
        self.status_codes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.progress: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlReport:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
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

    def request_scheduled(self, request: Any, spider: Any) -> None:
        if name := request.meta.get("source_name"):
            count(self.crawler, name, "requests")

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        if name := request.meta.get("source_name"):
            count(self.crawler, name, "responses")
            self.status_codes[name][str(response.status)] += 1

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.progress is not None and self.progress.running:
            self.progress.stop()
        settings = load_settings(self.crawler.settings["LINGTING_CONFIG"])
        store = shared_store(settings)
        stats = self.crawler.stats.get_stats()
        finished = utc_now()
        for source in spider.selected_sources:
            prefix = f"lingting/{source.name}/"
            run: dict[str, Any] = {c: int(stats.get(prefix + c, 0)) for c in COUNTERS}
            run |= {
                "run_id": self.run_id,
                "source_name": source.name,
                "source": source.type,
                "started_at": self.started_at,
                "finished_at": finished,
                "status_codes": dict(self.status_codes.get(source.name, {})),
                "error_samples": stats.get(prefix + "error_samples", []),
            }
            if reason != "finished":
                run["error_samples"] = [*run["error_samples"], f"crawl ended early: {reason} / 抓取提前结束"]
            record_run(store, run)
