"""One spider per source type; each crawls every configured source of its type."""

from crawler.spiders.appstore import AppStoreSpider
from crawler.spiders.base import ListeningSpider
from crawler.spiders.bilibili import BilibiliSpider
from crawler.spiders.discourse import DiscourseSpider
from crawler.spiders.github import GitHubSpider
from crawler.spiders.hackernews import HackerNewsSpider
from crawler.spiders.reddit import RedditSpider
from crawler.spiders.rss import FeedSpider
from crawler.spiders.stackexchange import StackExchangeSpider
from crawler.spiders.tieba import TiebaSpider
from crawler.spiders.v2ex import V2exSpider
from crawler.spiders.weibo import WeiboSpider

SPIDERS: dict[str, type[ListeningSpider]] = {
    cls.source_type: cls
    for cls in (
        V2exSpider,
        DiscourseSpider,
        HackerNewsSpider,
        FeedSpider,
        RedditSpider,
        StackExchangeSpider,
        GitHubSpider,
        AppStoreSpider,
        WeiboSpider,
        TiebaSpider,
        BilibiliSpider,
    )
}

__all__ = [
    "SPIDERS",
    "AppStoreSpider",
    "BilibiliSpider",
    "DiscourseSpider",
    "FeedSpider",
    "GitHubSpider",
    "HackerNewsSpider",
    "ListeningSpider",
    "RedditSpider",
    "StackExchangeSpider",
    "TiebaSpider",
    "V2exSpider",
    "WeiboSpider",
]
