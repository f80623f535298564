"""The crawl's settings are read once, by the spider's update_settings, and handed down through
Scrapy's settings: every component built afterwards works with the config file gone."""

from __future__ import annotations

from pathlib import Path

from scrapy.utils.test import get_crawler

from config.settings import Settings
from crawler.context import SETTINGS_KEY
from crawler.middlewares import ConditionalRequestsMiddleware, RateLimitMiddleware
from crawler.pipelines import StorePipeline
from crawler.report import CrawlReport
from crawler.spiders import SPIDERS
from crawler.spiders.base import ListeningSpider

CONFIG = """database = "l.db"
products = [{ name = "VoxLink" }]
[[sources]]
name = "forum"
type = "discourse"
base_url = "http://127.0.0.1:9"
"""


def test_components_take_the_settings_the_spider_loaded_once(tmp_path: Path) -> None:
    config = tmp_path / "lingting.toml"
    config.write_text(CONFIG, encoding="utf-8")
    crawler = get_crawler(SPIDERS["discourse"], {"LINGTING_CONFIG": str(config)})
    model = crawler.settings[SETTINGS_KEY]
    assert isinstance(model, Settings) and model.database_path == tmp_path / "l.db"
    config.unlink()  # nothing below may read it again
    spider = crawler._create_spider()
    assert isinstance(spider, ListeningSpider)
    pipeline = StorePipeline.from_crawler(crawler)
    ConditionalRequestsMiddleware.from_crawler(crawler)
    RateLimitMiddleware.from_crawler(crawler)
    CrawlReport.from_crawler(crawler)
    assert spider.lingting is model and pipeline.settings is model
    pipeline.open_spider()
    pipeline.close_spider()
    spider.closed("finished")
