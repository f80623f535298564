"""Run the configured spiders in this process with Scrapy's CrawlerProcess, and the ingest beside it.

The spiders crawl here; posts are analyzed and stored by one ingest process started for the crawl
(crawler/ingest_process.py; `[crawl] ingest_process = false` keeps them in this process).

Without `verbose`, nothing of Scrapy's or Twisted's log reaches the terminal: what went wrong is
counted per source and told by the run summary, in one line per source. A source whose spider
could not start or did not finish gets an unhealthy run with the reason, never no run at all.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections import defaultdict
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from twisted.python.failure import Failure

from config.settings import Settings
from crawler.context import SETTINGS_KEY
from crawler.ingest_process import start_ingest, stop_ingest
from crawler.spiders import SPIDERS
from store import Store, record_run, runs_of, utc_now
from store.retention import prune


class CrawlSetupError(Exception):
    """Nothing to crawl, or a source name that the config does not have."""


def select_sources(settings: Settings, names: list[str] | None) -> dict[str, list[str]]:
    """Source names grouped by type: the ones asked for, or every enabled one."""
    # settings.source() raises a KeyError that names the unknown source
    chosen = [settings.source(n) for n in names] if names else [s for s in settings.sources if s.enabled]
    if not chosen:
        raise CrawlSetupError(
            "no sources to crawl: add [[sources]] to the config or enable one"
            " / 没有可抓取的数据源, 请在配置中添加 [[sources]]"
        )
    grouped: dict[str, list[str]] = defaultdict(list)
    for source in chosen:
        grouped[source.type].append(source.name)
    return dict(grouped)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]


class _OneLine(logging.Formatter):
    """A log record's first line, without its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage().splitlines()[0] if record.getMessage() else ""


def _quiet_log() -> None:
    # Scrapy installs no handler (LOG_INSTALL_ROOT_HANDLER off); this one keeps Python's last-resort
    # handler from printing warnings and tracebacks, and shows only what stops the whole crawl.
    root = logging.getLogger()
    if any(isinstance(h.formatter, _OneLine) for h in root.handlers):
        return  # a second crawl in the same process
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.CRITICAL)
    handler.setFormatter(_OneLine())
    root.addHandler(handler)


def run_crawl(config_path: Path, settings: Settings, names: list[str] | None = None, *, verbose: bool = False) -> str:
    """Crawl and return the run id under which every source's figures were recorded."""
    grouped = select_sources(settings, names)
    run_id = new_run_id()
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule("crawler.settings", priority="project")
    scrapy_settings.setdict(
        {
            "LINGTING_CONFIG": str(config_path),
            SETTINGS_KEY: settings,  # loaded once: every spider, pipeline and middleware takes it from here
            "LINGTING_RUN_ID": run_id,
            "LINGTING_PROGRESS": True,
            "LOG_LEVEL": "INFO" if verbose else "CRITICAL",
            "LOG_INSTALL_ROOT_HANDLER": verbose,
            "LOG_FORMAT": "%(levelname)s %(name)s: %(message)s",
        },
        priority="cmdline",
    )
    if not verbose:
        _quiet_log()
    failures: dict[str, str] = {}
    started_at = utc_now()
    if settings.crawl.ingest_process:
        ingest, address, folder = start_ingest(settings, verbose=verbose)
        scrapy_settings.set("LINGTING_INGEST_ADDRESS", address, priority="cmdline")
    try:
        process = CrawlerProcess(scrapy_settings)
        for source_type, source_names in grouped.items():
            done = process.crawl(SPIDERS[source_type], sources=",".join(source_names))
            done.addErrback(_note_failure, failures, source_names)
        process.start()
    finally:
        if settings.crawl.ingest_process:
            _stop(ingest, address)
            folder.cleanup()
    record_missing(settings, run_id, grouped, failures, started_at)
    store = Store(settings.database_path)
    try:
        prune(store, settings.store.retention_days)
    finally:
        store.close()
    return run_id


def _stop(ingest: Any, address: str) -> None:
    """The pipelines have had every batch answered; the ingest process only has to exit."""
    if ingest.is_alive():
        with suppress(OSError):
            stop_ingest(address)
    ingest.join(timeout=60)
    if ingest.is_alive():
        ingest.kill()


def _note_failure(failure: Failure, failures: dict[str, str], names: list[str]) -> None:
    error = failure.value
    for name in names:
        failures[name] = f"{type(error).__name__}: {str(error)[:300]}"


def record_missing(
    settings: Settings, run_id: str, grouped: dict[str, list[str]], failures: dict[str, str], started_at: str
) -> None:
    """An unhealthy run for every source the crawl did not record (its spider failed to start or crashed)."""
    store = Store(settings.database_path)
    try:
        _record_missing(store, run_id, grouped, failures, started_at)
    finally:
        store.close()


def _record_missing(
    store: Store, run_id: str, grouped: dict[str, list[str]], failures: dict[str, str], started_at: str
) -> None:
    recorded = {row["source_name"] for row in runs_of(store, run_id)}
    for source_type, names in grouped.items():
        for name in names:
            if name in recorded:
                continue
            why = failures.get(name, "the crawl stopped before this source finished")
            run: dict[str, Any] = {
                "run_id": run_id,
                "source_name": name,
                "source": source_type,
                "started_at": started_at,
                "finished_at": utc_now(),
                "errors": 1,
                "error_samples": [f"not crawled: {why} / 未能抓取"],
                "health": "unhealthy",
                "health_reason": f"the crawl of this source failed: {why} / 该数据源抓取失败",
            }
            record_run(store, run)
