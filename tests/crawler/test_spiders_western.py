"""The Reddit, Stack Exchange, GitHub and App Store spiders: which requests they make, and which
follow-ups a response leads to (comments only of posts about the product, pages bounded by max_pages)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import scrapy
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.analysis import analyze_post
from crawler.items import PostItem
from crawler.spiders.appstore import AppStoreSpider
from crawler.spiders.base import ListeningSpider
from crawler.spiders.github import GitHubSpider
from crawler.spiders.reddit import RedditSpider
from crawler.spiders.stackexchange import StackExchangeSpider
from sentiment import Analyzer

CONFIG = """\
database = "spiders.db"

[[products]]
name = "VoxLink"
aliases = ["声链"]

[[sources]]
name = "rd"
type = "reddit"
base_url = "https://reddit.test"
subreddits = ["androiddev"]
subreddit_new = true
max_pages = 2
max_threads = 1

[[sources]]
name = "so"
type = "stackexchange"
base_url = "https://se.test"
queries = ["VoxLink", "声链"]
max_pages = 2

[[sources]]
name = "gh"
type = "github"
base_url = "https://gh.test"
queries = ["VoxLink"]
token_env = "LINGTING_TEST_GITHUB_TOKEN"
max_pages = 2

[[sources]]
name = "as"
type = "appstore"
base_url = "https://apple.test"
app_id = "6450123456"
countries = ["us", "cn"]
format = "xml"
max_pages = 2
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "lingting.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def make(cls: type[ListeningSpider], config: Path) -> Any:
    crawler = get_crawler(cls, settings_dict={"LINGTING_CONFIG": str(config)})
    return crawler._create_spider()


def first_requests(spider: Any) -> list[scrapy.Request]:
    return [request for source in spider.selected_sources for request in spider.requests_for(source)]


def respond(request: scrapy.Request, data: Any) -> TextResponse:
    body = data.encode() if isinstance(data, str) else json.dumps(data).encode()
    return TextResponse(request.url, body=body, encoding="utf-8", request=request)


def split(output: Iterator[Any]) -> tuple[list[PostItem], list[scrapy.Request]]:
    items = list(output)
    return [i for i in items if isinstance(i, PostItem)], [i for i in items if isinstance(i, scrapy.Request)]


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


# --- Reddit -----------------------------------------------------------------------------------------


def t3(post_id: str, title: str, comments: int) -> dict[str, Any]:
    return {"kind": "t3", "data": {"id": post_id, "title": title, "num_comments": comments, "created_utc": 1}}


def test_reddit_searches_then_opens_threads_about_the_product(config: Path) -> None:
    spider = make(RedditSpider, config)
    start = first_requests(spider)
    assert [urlsplit(r.url).path for r in start] == [
        "/search.json", "/r/androiddev/search.json",  # product name
        "/search.json", "/r/androiddev/search.json",  # alias
        "/r/androiddev/new.json",
    ]  # fmt: skip
    assert query(start[1].url) == {"q": "VoxLink", "restrict_sr": "1", "sort": "new", "limit": "100", "raw_json": "1"}

    listing = {"kind": "Listing", "data": {"after": "t3_p3", "children": [
        t3("p1", "VoxLink push is down", 4), t3("p2", "Unrelated gardening", 9),
        t3("p3", "VoxLink pricing", 0), t3("p4", "声链 也挂了", 2),
    ]}}  # fmt: skip
    posts, follow = split(spider.parse(respond(start[0], listing)))
    assert [p.source_post_id for p in posts] == ["t3_p1", "t3_p2", "t3_p3", "t3_p4"]
    assert all(p.source_name == "rd" for p in posts)
    # One thread at most (max_threads = 1): the first post about the product that has comments.
    assert [r.url for r in follow] == [
        "https://reddit.test/comments/p1.json?sort=new&raw_json=1",
        "https://reddit.test/search.json?q=VoxLink&sort=new&after=t3_p3&limit=100&raw_json=1",
    ]
    # The second page is the last one (max_pages = 2), whatever `after` says.
    _, more = split(spider.parse(respond(follow[1], listing)))
    assert more == []


# --- Stack Exchange -----------------------------------------------------------------------------------


def question(number: int, title: str, answers: int) -> dict[str, Any]:
    return {
        "question_id": number,
        "title": title,
        "answer_count": answers,
        "creation_date": 1,
        "link": "https://x.test/q",
    }


def search_page(has_more: bool, quota: int = 250) -> dict[str, Any]:
    items = [question(1, "VoxLink crash", 2), question(2, "VoxLink docs?", 0), question(3, "Unrelated", 5)]
    return {"items": items, "has_more": has_more, "quota_max": 300, "quota_remaining": quota}


def test_stackexchange_runs_its_searches_one_after_another(config: Path) -> None:
    spider = make(StackExchangeSpider, config)
    (start,) = first_requests(spider)  # the second query waits for the first
    assert urlsplit(start.url).path == "/2.3/search/advanced"
    assert query(start.url) == {"q": "VoxLink", "sort": "creation", "order": "desc", "pagesize": "50", "page": "1",
                                "site": "stackoverflow", "filter": "withbody"}  # fmt: skip
    assert start.meta["handle_httpstatus_list"] == [400]  # the API's error bodies reach the parser

    posts, follow = split(spider.parse(respond(start, search_page(has_more=True))))
    assert len(posts) == 3
    assert [urlsplit(r.url).path for r in follow] == [
        "/2.3/questions/1/answers",  # only the question about the product that has answers
        "/2.3/questions/1;2/comments",
        "/2.3/search/advanced",
    ]
    assert query(follow[2].url)["page"] == "2"
    # Page 2 is the last (max_pages = 2): the next query starts; questions seen are not opened twice.
    _, follow = split(spider.parse(respond(follow[2], search_page(has_more=True))))
    assert [(urlsplit(r.url).path, query(r.url)["q"]) for r in follow] == [("/2.3/search/advanced", "声链")]
    _, follow = split(spider.parse(respond(follow[0], {"items": [], "has_more": False})))
    assert follow == []  # after the last query: done


def test_stackexchange_stops_when_the_quota_is_used_up(config: Path) -> None:
    spider = make(StackExchangeSpider, config)
    (start,) = first_requests(spider)
    posts, follow = split(spider.parse(respond(start, search_page(has_more=True, quota=0))))
    assert len(posts) == 3 and follow == []
    assert spider.crawler.stats.get_value("lingting/so/errors") == 1


def test_stackexchange_failed_search_hands_over_to_the_next_query(config: Path) -> None:
    spider = make(StackExchangeSpider, config)
    (start,) = first_requests(spider)
    failure = Failure(HttpError(TextResponse(start.url, status=503, request=start)))
    failure.request = start  # type: ignore[attr-defined]
    follow = list(spider.on_search_error(failure))
    assert [query(r.url)["q"] for r in follow] == ["声链"]
    assert spider.crawler.stats.get_value("lingting/so/errors") == 1


# --- GitHub -------------------------------------------------------------------------------------------


def issue(number: int, title: str, comments: int) -> dict[str, Any]:
    return {"number": number, "title": title, "comments": comments, "repository_url": "https://gh.test/repos/o/r"}


def test_github_sends_the_token_from_the_environment(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTING_TEST_GITHUB_TOKEN", "ghp_secret123\n")
    (request,) = first_requests(make(GitHubSpider, config))
    assert request.headers["Authorization"] == b"Bearer ghp_secret123"
    assert request.headers["Accept"] == b"application/vnd.github.full+json"
    assert query(request.url) == {"q": '"VoxLink" in:title,body', "sort": "created", "order": "desc",
                                  "per_page": "50", "page": "1"}  # fmt: skip
    monkeypatch.delenv("LINGTING_TEST_GITHUB_TOKEN")
    (anonymous,) = first_requests(make(GitHubSpider, config))
    assert "Authorization" not in anonymous.headers


def test_github_opens_comments_of_issues_about_the_product(config: Path) -> None:
    spider = make(GitHubSpider, config)
    (start,) = first_requests(spider)
    page = {
        "total_count": 120,
        "items": [issue(1, "VoxLink crash", 3), issue(2, "Other thing", 3), issue(3, "VoxLink", 0)],
    }
    _, follow = split(spider.parse(respond(start, page)))
    assert [r.url for r in follow] == [
        "https://gh.test/repos/o/r/issues/1/comments?per_page=100",
        "https://gh.test/search/issues?q=%22VoxLink%22+in%3Atitle%2Cbody&sort=created&order=desc&per_page=50&page=2",
    ]
    assert follow[0].headers["Accept"] == b"application/vnd.github.full+json"
    _, follow = split(spider.parse(respond(follow[1], page)))
    assert follow == []  # page 2 is max_pages, and issue 1 was opened already


# --- App Store ----------------------------------------------------------------------------------------

FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns:im="http://itunes.apple.com/rss" xmlns="http://www.w3.org/2005/Atom">
<id>x</id><title>iTunes Store: Customer Reviews</title>
<link rel="last" href="https://apple.test/us/rss/customerreviews/page=10/id=6450123456/sortby=mostrecent/xml"/>
<entry><updated>2026-07-24T01:46:25-07:00</updated><id>1434</id><title>ok</title>
<content type="text">fine</content><im:rating>4</im:rating></entry></feed>"""


def test_appstore_reads_each_storefront_up_to_max_pages(config: Path) -> None:
    spider = make(AppStoreSpider, config)
    start = first_requests(spider)
    assert [r.url for r in start] == [
        "https://apple.test/us/rss/customerreviews/page=1/id=6450123456/sortby=mostrecent/xml",
        "https://apple.test/cn/rss/customerreviews/page=1/id=6450123456/sortby=mostrecent/xml",
    ]
    posts, follow = split(spider.parse(respond(start[0], FEED)))
    assert [(p.source_post_id, p.kind, p.raw["rating"]) for p in posts] == [("1434", "review", 4)]
    assert [r.url for r in follow] == [
        "https://apple.test/us/rss/customerreviews/page=2/id=6450123456/sortby=mostrecent/xml"
    ]
    _, follow = split(spider.parse(respond(follow[0], FEED)))
    assert follow == []  # max_pages = 2, although the feed has 10


def test_reviews_of_the_products_own_app_are_about_it(config: Path) -> None:
    config.write_text(CONFIG.replace('format = "xml"', 'format = "xml"\nproduct = "VoxLink"'), encoding="utf-8")
    spider = make(AppStoreSpider, config)
    posts, _ = split(spider.parse(respond(first_requests(spider)[0], FEED)))
    assert posts and all(p.raw["about"] == "VoxLink" for p in posts)
    analyzer = Analyzer(spider.settings_model.products)
    post = {**posts[0].to_dict(), "text": "更新之后一直闪退，垃圾", "title": "差评"}  # names no product
    analysis = analyze_post(analyzer, post)
    assert analysis.relevant and analysis.complaint and analysis.relevance_terms == ["VoxLink"]
    assert any("own channel" in r for r in analysis.flag_reasons)
    assert not analyze_post(analyzer, {**post, "raw": {}}).relevant  # another app's review: by its words
