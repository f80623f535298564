"""The Weibo, Tieba and Bilibili spiders: politeness, cookies, signing, and what they hold back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import scrapy
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.bilibili_wbi import WbiKeys, verify
from crawler.items import PostItem
from crawler.spiders import SPIDERS
from crawler.spiders.bilibili import BilibiliSpider
from crawler.spiders.tieba import TiebaSpider
from crawler.spiders.weibo import WeiboSpider
from lingting.demo_site.content import load_content
from lingting.demo_site.routes import Router
from lingting.demo_site.weibo_api import DEMO_SUB

ANCHOR = datetime(2026, 3, 2, 9, tzinfo=UTC)
BASE = "http://127.0.0.1:9"
COOKIE = f"SUB={DEMO_SUB}; SUBP=secret-looking-part"
SOURCES = """
[[sources]]
name = "wb"
type = "weibo"
base_url = "http://127.0.0.1:9/weibo"
cookie_env = "LINGTING_TEST_WEIBO_COOKIE"
queries = ["声链"]

[[sources]]
name = "tb"
type = "tieba"
base_url = "http://127.0.0.1:9/tieba"
queries = ["声链"]
max_threads = 3

[[sources]]
name = "bl"
type = "bilibili"
base_url = "http://127.0.0.1:9/bilibili"
queries = ["声链"]
min_delay_seconds = 0.5
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "lingting.toml"
    text = f'database = "{tmp_path / "x.db"}"\n[[products]]\nname = "VoxLink"\naliases = ["声链"]\n{SOURCES}'
    path.write_text(text, encoding="utf-8")
    return path


def spider_for(cls: type[Any], config: Path, **settings: Any) -> Any:
    crawler = get_crawler(cls, {"LINGTING_CONFIG": str(config), **settings})
    return cls.from_crawler(crawler)


def serve(request: scrapy.Request) -> TextResponse:
    """The demo site's answer to a request, headers included, as Scrapy hands it to the spider."""
    target = request.url.removeprefix(BASE)
    headers = {k.decode(): v[0].decode() for k, v in request.headers.items()}
    answer = Router(load_content(ANCHOR)).handle(BASE, target, headers)
    return TextResponse(request.url, status=answer.status, body=answer.body, request=request)


def test_registered() -> None:
    assert SPIDERS["weibo"] is WeiboSpider and SPIDERS["tieba"] is TiebaSpider and SPIDERS["bilibili"] is BilibiliSpider


def test_minimum_delay_per_source_type(config: Path) -> None:
    weibo = spider_for(WeiboSpider, config)
    assert weibo.crawler.settings.getfloat("DOWNLOAD_DELAY") == 5.0  # WeiboSource's default
    assert weibo.crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert spider_for(TiebaSpider, config).crawler.settings.getfloat("DOWNLOAD_DELAY") == 3.0
    assert spider_for(BilibiliSpider, config).crawler.settings.getfloat("DOWNLOAD_DELAY") == 1.0  # [crawl] is larger


def test_weibo_without_its_cookie_is_skipped_with_a_reason(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINGTING_TEST_WEIBO_COOKIE", raising=False)
    spider = spider_for(WeiboSpider, config)
    assert list(spider.requests_for(spider.selected_sources[0])) == []
    stats = spider.crawler.stats.get_stats()
    assert stats["lingting/wb/errors"] == 1
    assert "LINGTING_TEST_WEIBO_COOKIE is not set" in stats["lingting/wb/error_samples"][0]


def test_weibo_cookie_goes_only_into_the_header(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTING_TEST_WEIBO_COOKIE", COOKIE)
    spider = spider_for(WeiboSpider, config)
    (request,) = spider.requests_for(spider.selected_sources[0])
    assert request.headers["Cookie"].decode() == COOKIE
    query = dict(parse_qsl(urlsplit(request.url).query))
    assert query == {"containerid": "100103type=61&q=声链", "page_type": "searchall", "page": "1"}
    assert "secret-looking-part" not in repr(request) + json.dumps(request.meta, default=str)


def _run(spider: Any, requests: list[scrapy.Request], limit: int = 40) -> Iterator[Any]:
    """Answer every request from the demo site until none is left (a crawl without the network)."""
    queue = list(requests)
    while queue and limit:
        limit -= 1
        request = queue.pop(0)
        callback = request.callback or spider.parse
        for output in callback(serve(request)) or ():
            if isinstance(output, scrapy.Request):
                queue.append(output)
            else:
                yield output


def test_weibo_long_post_is_stored_once_with_its_whole_text(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTING_TEST_WEIBO_COOKIE", COOKIE)
    spider = spider_for(WeiboSpider, config)
    posts = [p for p in _run(spider, list(spider.requests_for(spider.selected_sources[0]))) if isinstance(p, PostItem)]
    ids = [p.source_post_id for p in posts]
    assert len(ids) == len(set(ids)) == 11  # both search pages, every status once
    (long,) = [p for p in posts if p.raw.get("isLongText")]
    assert "已读回执" in long.text and long.created_at and long.author == "IM踩坑日记"
    assert all(p.source_name == "wb" for p in posts)


def test_weibo_long_post_survives_a_failed_extend(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTING_TEST_WEIBO_COOKIE", COOKIE)
    spider = spider_for(WeiboSpider, config)
    pending = PostItem(source="weibo", source_post_id="1", url="u", text="cut ...", raw={"isLongText": True})
    request = scrapy.Request(f"{BASE}/weibo/statuses/extend?id=1", meta={"source_name": "wb", "pending": pending})
    failure = Failure(ConnectionError("refused"))
    failure.request = request  # type: ignore[attr-defined]
    assert list(spider._extend_failed(failure)) == [pending]
    assert spider.crawler.stats.get_value("lingting/wb/errors") == 1


def test_tieba_stores_hits_at_once_and_the_thread_floor_replaces_them(config: Path) -> None:
    spider = spider_for(TiebaSpider, config)
    out = list(_run(spider, list(spider.requests_for(spider.selected_sources[0]))))
    posts = [p for p in out if isinstance(p, PostItem)]
    hits = [p for p in posts if "forum" in p.raw]  # search hits, stored as they were found
    floors = [p for p in posts if "page" in p.raw]  # floors of an opened thread page
    from_pages = {p.thread_id for p in floors}
    # max_threads = 3: three threads were opened; the fourth thread's hits stay as they are.
    assert len(from_pages) == 3 and from_pages < {p.thread_id for p in hits}
    # An opened thread's opening post comes first as a hit, then as the full floor under the same key.
    position = {id(p): n for n, p in enumerate(posts)}
    for hit in (h for h in hits if h.thread_id in from_pages and h.kind == "post"):
        floor = next(f for f in floors if f.source_post_id == hit.source_post_id)
        assert position[id(hit)] < position[id(floor)] and len(floor.text) >= len(hit.text)
    lzl = [p for p in posts if p.parent_id and p.parent_id.startswith("p")]
    assert lzl and all(p.kind == "comment" and p.thread_id in from_pages for p in lzl)


def test_bilibili_search_is_signed_with_the_days_keys(config: Path) -> None:
    spider = spider_for(BilibiliSpider, config)
    (nav,) = spider.requests_for(spider.selected_sources[0])
    assert "source_name" not in nav.meta and nav.meta["wbi_source"] == "bl"
    (search,) = spider.parse_nav(serve(nav))
    params = dict(parse_qsl(urlsplit(search.url).query))
    keys = search.meta["keys"]
    assert isinstance(keys, WbiKeys) and verify(params, keys)
    assert {k: params[k] for k in ("search_type", "keyword", "order", "page")} == {
        "search_type": "video",
        "keyword": "声链",
        "order": "pubdate",
        "page": "1",
    }
    posts = [p for p in _run(spider, [search]) if isinstance(p, PostItem)]
    comments = [p for p in posts if p.kind == "comment"]
    assert comments and all(p.title for p in comments)  # a comment carries its video's title
    assert {p.parent_id for p in comments} & {p.source_post_id for p in comments}  # sub-replies came too
