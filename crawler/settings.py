"""Scrapy settings for lingting's spiders.

Polite by default: robots.txt obeyed, AutoThrottle on, one request at a time per domain, an honest
User-Agent. `lingting.toml` [crawl] overrides these (see `crawl_settings`), both when lingting runs
the crawl and when a user runs `scrapy crawl NAME` in the project folder.
"""

from __future__ import annotations

import os
from typing import Any

from config.settings import CrawlSettings

BOT_NAME = "lingting"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

LINGTING_CONFIG = os.environ.get("LINGTING_CONFIG", "lingting.toml")
LINGTING_RUN_ID = ""
LINGTING_PROGRESS = False

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
USER_AGENT = CrawlSettings().user_agent
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
# The spiders count and report HTTP errors themselves, per source, through their errback.
HTTPERROR_ALLOW_ALL = False

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
EXTENSIONS = {"crawler.report.CrawlReport": 500}
# Around Scrapy's RetryMiddleware (550) and HttpCompressionMiddleware (590); see crawler/middlewares.py.
DOWNLOADER_MIDDLEWARES = {
    "crawler.targets.TargetGuardMiddleware": 540,
    "crawler.middlewares.BlockDetectionMiddleware": 545,
    "crawler.middlewares.RateLimitMiddleware": 555,
    "crawler.middlewares.ConditionalRequestsMiddleware": 585,
}
# Sources fetch http(s) only: no file://, ftp://, s3:// or data: handler to reach through a redirect or a link.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
# Also bound decompression (HttpCompressionMiddleware), so a small gzip bomb cannot fill the memory.
DOWNLOAD_MAXSIZE = int(CrawlSettings().max_response_mb * 1024 * 1024)
DOWNLOAD_WARNSIZE = int(CrawlSettings().warn_response_mb * 1024 * 1024)
LINGTING_INCREMENTAL = True
LINGTING_RETRY_AFTER_MAX = 300.0
LINGTING_BLOCKED_BACKOFF_MINUTES = 60


def crawl_settings(crawl: CrawlSettings) -> dict[str, Any]:
    """The Scrapy settings that `lingting.toml` [crawl] controls."""
    return {
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_domain,
        "DOWNLOAD_TIMEOUT": crawl.timeout_seconds,
        "RETRY_TIMES": crawl.retries,
        "DOWNLOAD_MAXSIZE": int(crawl.max_response_mb * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": int(crawl.warn_response_mb * 1024 * 1024),
        "LINGTING_INCREMENTAL": crawl.incremental,
        "LINGTING_RETRY_AFTER_MAX": crawl.retry_after_max_seconds,
        "LINGTING_BLOCKED_BACKOFF_MINUTES": crawl.blocked_backoff_minutes,
    }
