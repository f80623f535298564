"""One spider per source type; each crawls every configured source of its type."""

from crawler.spiders.base import ListeningSpider
from crawler.spiders.discourse import DiscourseSpider
from crawler.spiders.hackernews import HackerNewsSpider
from crawler.spiders.rss import FeedSpider
from crawler.spiders.v2ex import V2exSpider

SPIDERS: dict[str, type[ListeningSpider]] = {
    cls.source_type: cls for cls in (V2exSpider, DiscourseSpider, HackerNewsSpider, FeedSpider)
}

__all__ = ["SPIDERS", "DiscourseSpider", "FeedSpider", "HackerNewsSpider", "ListeningSpider", "V2exSpider"]
