"""The downloader middlewares on real Scrapy requests and responses, with a real SQLite store."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from config import load_settings
from crawler.middlewares import (
    BlockDetectionMiddleware,
    ConditionalRequestsMiddleware,
    RateLimitMiddleware,
    SourceBlocked,
)
from store import Store, crawl_state

CONFIG = """\
database = "l.db"
products = [{ name = "声链" }]

[[sources]]
name = "weibo"
type = "rss"
url = "http://127.0.0.1:9/feed"
"""
FEED = "http://127.0.0.1:9/feed"


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    config = tmp_path / "lingting.toml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = {
        "LINGTING_CONFIG": str(config),
        "LINGTING_RETRY_AFTER_MAX": 60.0,
        "LINGTING_BLOCKED_BACKOFF_MINUTES": 30,
    }
    return get_crawler(settings_dict=settings)


def store_of(crawler: Crawler) -> Store:
    return Store(load_settings(crawler.settings["LINGTING_CONFIG"]).database_path)


def request(url: str = FEED, **meta: object) -> Request:
    return Request(url, meta={"source_name": "weibo", **meta})


def stat(crawler: Crawler, name: str) -> object:
    return crawler.stats.get_value(f"lingting/weibo/{name}")


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).timestamp()


def test_validators_are_sent_and_304_gives_back_the_stored_body(crawler: Crawler) -> None:
    mw = ConditionalRequestsMiddleware.from_crawler(crawler)
    first = request()
    mw.process_request(first)
    assert b"If-None-Match" not in first.headers
    body = "<rss><channel><item><title>声链</title></item></channel></rss>".encode()
    headers = {"ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 01:00:00 GMT", "Content-Type": "application/rss+xml"}
    fresh = TextResponse(FEED, status=200, headers=headers, body=body, request=first)
    assert mw.process_response(first, fresh) is fresh

    second = request()
    mw.process_request(second)
    assert second.headers[b"If-None-Match"] == b'"v1"'
    assert second.headers[b"If-Modified-Since"] == b"Wed, 25 Nov 2026 01:00:00 GMT"
    unchanged = mw.process_response(second, Response(FEED, status=304, request=second))
    assert unchanged.status == 200 and unchanged.body == body and "not_modified" in unchanged.flags
    assert stat(crawler, "not_modified") == 1


def test_answers_without_validators_or_source_are_not_kept(crawler: Crawler) -> None:
    mw = ConditionalRequestsMiddleware.from_crawler(crawler)
    plain = request()
    mw.process_response(plain, TextResponse(FEED, status=200, body=b"<rss/>", request=plain))
    robots = Request("http://127.0.0.1:9/robots.txt")
    tagged = TextResponse(robots.url, status=200, headers={"ETag": '"r"'}, body=b"User-agent: *", request=robots)
    mw.process_response(robots, tagged)
    store = store_of(crawler)
    assert crawl_state.cached_response(store, FEED) is None
    assert crawl_state.cached_response(store, robots.url) is None


def test_conditional_requests_can_be_switched_off(tmp_path: Path) -> None:
    config = tmp_path / "lingting.toml"
    config.write_text(CONFIG, encoding="utf-8")
    off = get_crawler(settings_dict={"LINGTING_CONFIG": str(config), "LINGTING_INCREMENTAL": False})
    with pytest.raises(NotConfigured):
        ConditionalRequestsMiddleware.from_crawler(off)


def test_short_retry_after_holds_the_source_back(crawler: Crawler) -> None:
    mw = RateLimitMiddleware.from_crawler(crawler)
    req = request()
    answer = Response(FEED, status=429, headers={"Retry-After": "5"}, request=req)
    assert mw.process_response(req, answer) is answer  # Scrapy's RetryMiddleware re-sends it
    assert mw.limits.not_before["weibo"] > time.monotonic() + 3
    assert "weibo" not in mw.limits.blocked


def test_stack_exchange_backoff_holds_the_source_back(crawler: Crawler) -> None:
    mw = RateLimitMiddleware.from_crawler(crawler)
    req = request()
    body = b'{"items": [], "has_more": true, "quota_remaining": 9000, "backoff": 10}'
    mw.process_response(req, TextResponse(FEED, status=200, body=body, request=req))
    assert mw.limits.not_before["weibo"] > time.monotonic() + 8


def test_long_retry_after_blocks_and_backs_off_the_source(crawler: Crawler) -> None:
    mw = RateLimitMiddleware.from_crawler(crawler)
    req = request()
    with pytest.raises(SourceBlocked, match="wait 60 min"):
        mw.process_response(req, Response(FEED, status=503, headers={"Retry-After": "3600"}, request=req))
    backoff = crawl_state.backoff_of(store_of(crawler), "weibo")
    assert backoff is not None and "Retry-After" in backoff.reason
    assert abs(epoch(backoff.until) - (time.time() + 3600)) < 120
    assert stat(crawler, "blocked") == 1 and "60 min" in str(stat(crawler, "blocked_reason"))
    with pytest.raises(SourceBlocked):  # the source's pending requests are dropped
        asyncio.run(mw.process_request(request("http://127.0.0.1:9/feed?page=2")))
    assert stat(crawler, "dropped") == 1
    other = Request("http://127.0.0.1:9/robots.txt")
    assert asyncio.run(mw.process_request(other)) is None


def test_captcha_page_blocks_the_source_for_the_configured_time(crawler: Crawler) -> None:
    mw = BlockDetectionMiddleware.from_crawler(crawler)
    req = request()
    page = b"<html><head><title>Just a moment...</title></head><body>cf-chl-widget</body></html>"
    with pytest.raises(SourceBlocked, match="captcha"):
        mw.process_response(req, HtmlResponse(FEED, status=200, body=page, request=req))
    backoff = crawl_state.backoff_of(store_of(crawler), "weibo")
    assert backoff is not None and abs(epoch(backoff.until) - (time.time() + 30 * 60)) < 120
    assert stat(crawler, "blocked") == 1


def test_login_wall_with_a_cookie_is_an_expired_cookie(crawler: Crawler) -> None:
    mw = BlockDetectionMiddleware.from_crawler(crawler)
    req = Request(FEED, headers={"Cookie": "SUB=expired"}, meta={"source_name": "weibo"})
    answer = TextResponse(FEED, status=200, body=b'{"ok": -100, "url": "https://passport.weibo.com/"}', request=req)
    with pytest.raises(SourceBlocked, match="cookie expired"):
        mw.process_response(req, answer)
    assert "Cookie 已过期" in str(stat(crawler, "blocked_reason"))


def test_ordinary_answers_pass(crawler: Crawler) -> None:
    detect, limits = BlockDetectionMiddleware.from_crawler(crawler), RateLimitMiddleware.from_crawler(crawler)
    req = request()
    for answer in (
        TextResponse(FEED, status=200, body=b"<rss><channel/></rss>", request=req),
        Response(FEED, status=404, request=req),
        Response(FEED, status=503, request=req),  # no Retry-After: Scrapy's retries as usual
    ):
        assert detect.process_response(req, answer) is answer
        assert limits.process_response(req, answer) is answer
    assert not limits.limits.blocked and not limits.limits.not_before
