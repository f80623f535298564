"""Run the configured spiders in this process with Scrapy's CrawlerProcess."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from config.settings import Settings
from crawler.spiders import SPIDERS


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


def run_crawl(config_path: Path, settings: Settings, names: list[str] | None = None, *, verbose: bool = False) -> str:
    """Crawl and return the run id under which every source's figures were recorded."""
    grouped = select_sources(settings, names)
    run_id = new_run_id()
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule("crawler.settings", priority="project")
    scrapy_settings.setdict(
        {
            "LINGTING_CONFIG": str(config_path),
            "LINGTING_RUN_ID": run_id,
            "LINGTING_PROGRESS": True,
            "LOG_LEVEL": "INFO" if verbose else "WARNING",
            "LOG_FORMAT": "%(levelname)s %(name)s: %(message)s",
        },
        priority="cmdline",
    )
    process = CrawlerProcess(scrapy_settings)
    for source_type, source_names in grouped.items():
        process.crawl(SPIDERS[source_type], sources=",".join(source_names))
    process.start()
    return run_id
