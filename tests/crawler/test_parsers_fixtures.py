"""Every recorded real response parses into well-formed posts of the right kind."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers import ParseResult, parse

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FIXTURES = SHARED / "fixtures"
FETCHED = datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC)

# folder -> (source, platform) for the parser; reddit's JSON is another parser's job.
FOLDERS = {
    "v2ex": ("v2ex", None, "*"),
    "discourse": ("discourse", None, "*"),
    "hackernews": ("hackernews", None, "*"),
    "rss_atom": ("rss", None, "*"),
    "reddit": ("rss", "reddit", "*.xml"),
}
EXPECTED_KIND = {
    "v2ex/hot_topics_v1_2026-08-23.json": "v2ex/topics",
    "discourse/criticalfallibilism_posts.json": "discourse/posts",
    "discourse/criticalfallibilism_posts.rss": "discourse/feed",
    "discourse/discourse_api_spec_latest.json": "discourse/latest",
    "discourse/discourse_api_spec_topic.json": "discourse/topic",
    "hackernews/algolia_search_tags_show_hn.json": "hackernews/search",
    "rss_atom/producthunt_feed.atom.xml": "rss/feed",
    "reddit/r_LocalLLaMA_top_week.atom.xml": "rss/feed",
}


def _cases() -> list[object]:
    cases: list[object] = []
    for folder, (source, platform, pattern) in FOLDERS.items():
        for path in sorted((FIXTURES / folder).glob(pattern)):
            if path.is_file():
                rel = f"{folder}/{path.name}"
                cases.append(pytest.param(rel, source, platform, id=rel))
    # With no shared folder the list would be empty and pytest would quietly skip: fail instead.
    return cases or [pytest.param(None, None, None, id="shared-fixtures-missing")]


def _parse(rel: str, url: str = "") -> ParseResult:
    folder = rel.split("/")[0]
    source, platform, _ = FOLDERS[folder]
    return parse(source, (FIXTURES / rel).read_bytes(), url=url, fetched_at=FETCHED, platform=platform)


def test_shared_fixtures_present(shared: Path) -> None:
    for folder in FOLDERS:
        assert any((shared / "fixtures" / folder).iterdir()), f"no fixtures in {folder}"


@pytest.mark.parametrize(("rel", "source", "platform"), _cases())
def test_every_fixture_parses(rel: str | None, source: str | None, platform: str | None) -> None:
    if rel is None or source is None:
        pytest.fail(f"shared fixtures missing at {FIXTURES}")
    assert rel in EXPECTED_KIND, f"new fixture {rel}: add its expected kind to EXPECTED_KIND"
    result = parse(source, (FIXTURES / rel).read_bytes(), fetched_at=FETCHED, platform=platform)

    assert result.kind == EXPECTED_KIND[rel]
    assert result.posts
    ids = [p.source_post_id for p in result.posts]
    assert len(ids) == len(set(ids))
    for post in result.posts:
        assert post.source_post_id
        assert post.url.startswith(("http://", "https://"))
        assert post.created_at and post.created_at.endswith("Z") and len(post.created_at) == 20
        assert post.fetched_at == "2026-11-25T01:02:03Z"
        assert post.kind in ("post", "comment", "review")
        assert post.raw
        assert "<p>" not in post.text and "<script" not in post.text
        json.dumps(post.raw)  # raw is stored as JSON, so it must be plain data


def test_v2ex_hot_topics() -> None:
    result = _parse("v2ex/hot_topics_v1_2026-08-23.json")
    first = result.posts[0]
    assert len(result.posts) == 9
    assert first.source == "v2ex"
    assert first.source_post_id == "1236394" == first.thread_id
    assert first.title == "你们开梯子会有反诈中心的电话打来吗"
    assert first.text == "国产手机，开梯子会有反诈中心 96110 电话打来吗，如何预防呢？"
    assert first.url == "https://www.v2ex.com/t/1236394"
    assert (first.author, first.author_id) == ("asmallcake", "831428")
    assert first.created_at == "2026-08-22T06:49:52Z"
    assert first.replies == 92
    assert all(p.kind == "post" and "\r" not in p.text for p in result.posts)


def test_discourse_latest_dedups_the_sanitized_ids() -> None:
    # The 2013 capture was sanitized: all three topics carry id 1.
    result = _parse("discourse/discourse_api_spec_latest.json", url="https://try.discourse.org/latest.json")
    assert [p.title for p in result.posts] == ["Test topic #1"]
    assert result.skipped == [
        "record 1: duplicate id try.discourse.org:t:1",
        "record 2: duplicate id try.discourse.org:t:1",
    ]
    assert result.has_more is True
    topic = result.posts[0]
    assert topic.url == "https://try.discourse.org/t/test-topic-1/1"
    assert (topic.author, topic.author_id) == ("test_users", "1")
    assert topic.likes == 14
    assert topic.created_at == "2013-02-04T20:26:25Z"
    assert topic.text.startswith("Welcome!\nTry is a sandbox")


def test_discourse_topic() -> None:
    result = _parse("discourse/discourse_api_spec_topic.json", url="https://try.discourse.org/t/57.json")
    opening, *replies = result.posts
    assert opening.source_post_id == "try.discourse.org:t:57"
    assert opening.kind == "post"
    assert opening.title == "THIS SITE IS A SANDBOX -- it is reset every day"
    assert opening.url == "https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57"
    assert (opening.author, opening.author_id) == ("samsaffron", "15")
    assert [r.source_post_id for r in replies] == [
        "try.discourse.org:p:84",
        "try.discourse.org:p:86",
        "try.discourse.org:p:226",
    ]
    assert all(r.kind == "comment" and r.parent_id == "try.discourse.org:t:57" for r in replies)
    assert replies[-1].url.endswith("/57/14")
    assert replies[1].likes == 5  # from actions_summary, the 2013 API has no like_count


def test_discourse_posts_and_rss_agree_on_ids() -> None:
    url = "https://discuss.criticalfallibilism.com/posts.json"
    from_json = _parse("discourse/criticalfallibilism_posts.json", url=url)
    from_rss = _parse("discourse/criticalfallibilism_posts.rss", url=url.replace(".json", ".rss"))
    assert [p.source_post_id for p in from_json.posts] == [p.source_post_id for p in from_rss.posts]
    first = from_json.posts[0]
    assert first.source_post_id == "discuss.criticalfallibilism.com:t:2148"
    assert first.title == "People Being Bad at Logic"
    assert from_json.posts[1].source_post_id == "discuss.criticalfallibilism.com:p:20217"
    assert from_json.posts[1].thread_id == "discuss.criticalfallibilism.com:t:2144"
    rss_first = from_rss.posts[0]
    assert rss_first.author == "Elliot"
    assert rss_first.url == "https://discuss.criticalfallibilism.com/t/people-being-bad-at-logic/2148#post_1"
    assert rss_first.created_at == "2026-01-21T23:29:42Z"
    assert from_rss.posts[2].author == "anonymous105"  # dc:creator "@anonymous105 anonymous105"


def test_discourse_rss_without_url_takes_host_from_guid() -> None:
    result = _parse("discourse/criticalfallibilism_posts.rss")
    assert result.posts[0].source_post_id == "discuss.criticalfallibilism.com:t:2148"


def test_hackernews_show_hn() -> None:
    result = _parse("hackernews/algolia_search_tags_show_hn.json")
    assert len(result.posts) == 30
    assert result.has_more is False  # page 0 of nbPages 1
    story = result.posts[0]
    assert story.source_post_id == "48845049" == story.thread_id
    assert story.url == "https://news.ycombinator.com/item?id=48845049"
    assert story.raw["url"] == "https://18words.com/"
    assert story.title == "Show HN: 18 Words"
    assert (story.likes, story.replies) == (1150, 360)
    assert story.created_at == "2026-07-09T12:48:52Z"
    assert story.author == "pompomsheep"
    with_text = next(p for p in result.posts if p.source_post_id == "48842459")
    assert with_text.text.startswith("A few days ago I found myself trying out GLM 5.2")


def test_reddit_atom() -> None:
    result = _parse("reddit/r_LocalLLaMA_top_week.atom.xml")
    first = result.posts[0]
    assert len(result.posts) == 25
    assert first.source == "reddit"
    assert first.source_post_id == "t3_1up9x38"
    assert first.url == "https://www.reddit.com/r/LocalLLaMA/comments/1up9x38/so_anyone_copped_one_of_these/"
    assert first.author == "entsnack"
    assert first.created_at == "2026-07-06T20:55:08Z"
    assert first.text.startswith("Been almost a year since mass hysteria")


def test_producthunt_atom() -> None:
    result = _parse("rss_atom/producthunt_feed.atom.xml")
    first = result.posts[0]
    assert first.source == "rss"
    assert first.source_post_id == "tag:www.producthunt.com,2005:Post/1191340"
    assert first.url == "https://www.producthunt.com/products/speechify"
    assert first.title == "Simba Voice Agents"
    assert first.author == "Luke Oliff"
    assert first.created_at == "2026-07-08T17:33:04Z"  # -07:00 in the feed
