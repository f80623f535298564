"""The spider protocol every source uses: pagination against marks, thread visits, counted failures."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.incremental import ListingDone, ThreadVisited
from crawler.spiders import HackerNewsSpider, V2exSpider
from crawler.spiders.base import ListeningSpider
from store import Store, crawl_state
from tests.store.test_store import add

CONFIG = """\
database = "l.db"
products = [{ name = "VoxLink" }]

[[sources]]
name = "hn"
type = "hackernews"
base_url = "http://127.0.0.1:9/hn"
queries = ["VoxLink"]

[[sources]]
name = "v2"
type = "v2ex"
base_url = "http://127.0.0.1:9"
"""


def spider_of(cls: type[ListeningSpider], folder: Path) -> ListeningSpider:
    config = folder / "lingting.toml"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    crawler = get_crawler(cls, {"LINGTING_CONFIG": str(config)})
    spider: ListeningSpider = cls.from_crawler(crawler)
    return spider


NOW = int(time.time()) - 7200  # inside Hacker News' default window, a little in the past


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hits(*times: int, page: int = 0, pages: int = 3) -> bytes:
    records = [
        {"objectID": str(t), "title": f"VoxLink story {t}", "created_at_i": t, "_tags": ["story"], "author": "a"}
        for t in times
    ]
    return json.dumps({"hits": records, "page": page, "nbPages": pages}).encode()


def answer(body: bytes, url: str = "http://127.0.0.1:9/hn/api/v1/search_by_date?page=0", **meta: Any) -> TextResponse:
    request = Request(url, meta={"source_name": "hn", "query": "search:VoxLink", "term": "VoxLink", **meta})
    return TextResponse(url, body=body, request=request, encoding="utf-8")


def walk(spider: ListeningSpider, response: TextResponse) -> list[Any]:
    return list(spider.parse(response))


def test_pages_follow_until_the_last_then_the_pass_is_checkpointed(tmp_path: Path) -> None:
    spider = spider_of(HackerNewsSpider, tmp_path)
    first = walk(spider, answer(hits(NOW + 300, NOW + 200), since=0, page=0))
    nxt = [o for o in first if isinstance(o, Request)]
    assert len(nxt) == 1 and nxt[0].meta["query"] == "search:VoxLink" and len(nxt[0].meta["pass_covered"]) == 2
    last = walk(spider, answer(hits(NOW + 100, page=2), **nxt[0].meta))  # "page 2 of 3" is the last
    done = [o for o in last if isinstance(o, ListingDone)]
    assert len(done) == 1 and not [o for o in last if isinstance(o, Request)]
    assert done[0].mark == iso(NOW + 300)  # the newest of the pass, from its first page
    assert {key for _, key in done[0].covered} == {str(NOW + 300), str(NOW + 200), str(NOW + 100)}


def test_a_listing_stops_at_the_mark_of_the_last_complete_pass(tmp_path: Path) -> None:
    spider = spider_of(HackerNewsSpider, tmp_path)
    store = Store(tmp_path / "l.db")
    crawl_state.commit_listing(store, "hn", "search:VoxLink", iso(NOW + 200), [])
    out = walk(spider, answer(hits(NOW + 400, NOW + 200), since=0, page=0))
    assert not [o for o in out if isinstance(o, Request)]
    (done,) = [o for o in out if isinstance(o, ListingDone)]
    assert done.mark == iso(NOW + 400)
    assert [p.source_post_id for p in out if hasattr(p, "source_post_id")] == [str(NOW + 400), str(NOW + 200)]


def test_first_request_of_a_listing_starts_from_its_mark(tmp_path: Path) -> None:
    store = Store(tmp_path / "l.db")
    spider = spider_of(HackerNewsSpider, tmp_path)
    crawl_state.commit_listing(store, "hn", "search:VoxLink", iso(NOW + 200), [])
    (source,) = [s for s in spider.selected_sources if s.name == "hn"]
    (request,) = spider.requests_for(source)
    assert request.meta["since"] == NOW + 200 - 3600  # less the overlap for Algolia's indexing delay


def v2ex_topics(replies: int) -> bytes:
    topic = {"id": 7, "title": "VoxLink 推送延迟", "content": "VoxLink 推送延迟十几秒", "replies": replies}
    return json.dumps([{**topic, "created": 1_790_000_000, "member": {"username": "a", "id": 1}}]).encode()


def v2ex_answer(body: bytes, url: str, **meta: Any) -> TextResponse:
    request = Request(url, meta={"source_name": "v2", **meta})
    return TextResponse(url, body=body, request=request, encoding="utf-8")


def test_a_thread_is_visited_when_new_or_grown_and_once_a_run(tmp_path: Path) -> None:
    latest = "http://127.0.0.1:9/api/topics/latest.json"
    spider = spider_of(V2exSpider, tmp_path)
    out = walk(spider, v2ex_answer(v2ex_topics(2), latest, query="latest"))
    visits = [o for o in out if isinstance(o, Request)]
    assert [v.meta["thread"] for v in visits] == ["7"] and visits[0].meta["replies"] == 2
    assert not [o for o in walk(spider, v2ex_answer(v2ex_topics(2), latest, query="latest")) if isinstance(o, Request)]

    replies = json.dumps(
        [{"id": 91, "content": "同样 VoxLink 推送慢", "created": 1_790_000_100, "topic_id": 7}]
    ).encode()
    out = walk(spider, v2ex_answer(replies, visits[0].url, **visits[0].meta))
    (visited,) = [o for o in out if isinstance(o, ThreadVisited)]
    assert (visited.thread_id, visited.replies, visited.covered) == ("7", 2, [("v2ex", "r91")])

    store = Store(tmp_path / "l.db")
    add(store, "r91", "同样 VoxLink 推送慢", "b")
    assert crawl_state.commit_thread(store, "v2", "7", replies=2, cursor="2", covered=visited.covered)
    next_run = spider_of(V2exSpider, tmp_path)
    unchanged = walk(next_run, v2ex_answer(v2ex_topics(2), latest, query="latest"))
    assert not [o for o in unchanged if isinstance(o, Request)]
    grown = walk(next_run, v2ex_answer(v2ex_topics(5), latest, query="latest"))
    assert [o.meta["replies"] for o in grown if isinstance(o, Request)] == [5]


def test_unreadable_bodies_and_parser_failures_are_counted_not_raised(tmp_path: Path) -> None:
    spider = spider_of(HackerNewsSpider, tmp_path)
    assert walk(spider, answer(b'{"hits": [', since=0, page=0)) == []

    class Broken(HackerNewsSpider):
        name = "broken"
        source_type = "no-such-parser"  # parse() raises ValueError: a parser bug, as far as the crawl knows

    broken = spider_of(Broken, tmp_path)
    assert broken.posts_from(answer(hits(1), since=0, page=0)) is None
    stats = broken.crawler.stats
    assert stats.get_value("lingting/hn/parse_errors") == 1
    assert "parser failed (ValueError" in stats.get_value("lingting/hn/error_samples")[0]
    assert spider.crawler.stats.get_value("lingting/hn/parse_errors") == 1


def test_a_source_backing_off_is_skipped(tmp_path: Path) -> None:
    spider = spider_of(HackerNewsSpider, tmp_path)
    crawl_state.set_backoff(Store(tmp_path / "l.db"), "hn", until="2999-01-01T00:00:00Z", reason="captcha")

    async def first_requests() -> list[Any]:
        return [r async for r in spider.start()]

    assert asyncio.run(first_requests()) == []
    assert spider.crawler.stats.get_value("lingting/hn/backoff_reason") == "captcha"


@pytest.mark.parametrize("cls", [HackerNewsSpider, V2exSpider])
def test_paginate_needs_a_named_listing(tmp_path: Path, cls: type[ListeningSpider]) -> None:
    spider = spider_of(cls, tmp_path)
    response = TextResponse("http://x/", body=b"[]", request=Request("http://x/", meta={"source_name": "hn"}))
    with pytest.raises(ValueError, match="query="):
        list(spider.paginate(response, [], None))
