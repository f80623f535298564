"""The bundled demo site, endpoint by endpoint: real HTTP on 127.0.0.1 and the real sites' shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import feedparser
import pytest

from lingting.demo_site import FAULTY_TOPIC_ID, DemoSite
from lingting.demo_site.content import load_content
from tests.lingting.demo_site_support import ANCHOR, JSON_TYPE, feed_time, fetch, in_window, parse_iso


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(anchor=ANCHOR) as running:
        yield running


# --- robots and 404 -------------------------------------------------------------------------------


def test_robots_txt(site: DemoSite) -> None:
    got = fetch(site, "/robots.txt")
    assert got.status == 200 and got.content_type.startswith("text/plain")
    assert got.body.decode().splitlines() == ["User-agent: *", "Disallow: /private/"]


def test_unknown_paths_are_404_html_for_pages_and_json_for_apis(site: DemoSite) -> None:
    page = fetch(site, "/private/secret")
    assert page.status == 404 and page.content_type.startswith("text/html") and b"<html>" in page.body
    for path in ("/api/nope.json", "/hn/api/v1/items/1", "/discourse/nope.json"):
        got = fetch(site, path)
        assert got.status == 404 and got.content_type == JSON_TYPE, path
        got.json()


def test_head_sends_headers_only(site: DemoSite) -> None:
    got = fetch(site, "/api/topics/latest.json", method="HEAD")
    assert got.status == 200 and got.content_type == JSON_TYPE and got.body == b""


# --- V2EX -----------------------------------------------------------------------------------------


def test_v2ex_latest_has_the_api_v1_topic_shape(site: DemoSite) -> None:
    got = fetch(site, "/api/topics/latest.json")
    assert got.status == 200 and got.content_type == JSON_TYPE
    topics = got.json()
    assert isinstance(topics, list) and len(topics) >= 10
    for topic in topics:
        assert isinstance(topic["id"], int) and topic["title"] and topic["member"]["username"]
        assert isinstance(topic["created"], int) and in_window(datetime.fromtimestamp(topic["created"], UTC))
        assert topic["url"] == f"{site.base_url}/t/{topic['id']}"
        assert topic["node"]["name"] and topic["content"] and topic["content_rendered"].startswith("<p>")
        assert {"replies", "last_modified", "last_touched", "last_reply_by", "deleted"} <= topic.keys()
    assert [t["created"] for t in topics] == sorted((t["created"] for t in topics), reverse=True)
    assert len({t["id"] for t in topics}) == len(topics)


def test_v2ex_show_by_node(site: DemoSite) -> None:
    for node in ("rtc", "im"):
        topics = fetch(site, f"/api/topics/show.json?node_name={node}").json()
        assert topics and all(topic["node"]["name"] == node for topic in topics)
    assert fetch(site, "/api/topics/show.json?node_name=no-such-node").json() == []


def test_v2ex_replies(site: DemoSite) -> None:
    topic = next(t for t in fetch(site, "/api/topics/latest.json").json() if t["replies"] >= 2)
    replies = fetch(site, f"/api/replies/show.json?topic_id={topic['id']}").json()
    assert len(replies) == topic["replies"]
    for reply in replies:
        assert {"id", "content", "content_rendered", "created", "last_modified"} <= reply.keys()
        assert reply["member"]["username"] and reply["member"]["id"] and reply["topic_id"] == topic["id"]
        assert topic["created"] < reply["created"] <= topic["last_touched"]
    assert replies[-1]["member"]["username"] == topic["last_reply_by"]
    assert fetch(site, "/api/replies/show.json?topic_id=1").json() == []


# --- Discourse ------------------------------------------------------------------------------------


def test_discourse_latest_pages_until_more_topics_url_is_gone(site: DemoSite) -> None:
    page, seen, pages = 0, [], []
    while True:
        got = fetch(site, f"/discourse/latest.json?page={page}")
        assert got.status == 200 and got.content_type == JSON_TYPE
        body = got.json()
        pages.append(body)
        assert body["users"] and all({"id", "username", "avatar_template"} <= u.keys() for u in body["users"])
        seen += [topic["id"] for topic in body["topic_list"]["topics"]]
        if "more_topics_url" not in body["topic_list"]:
            break
        assert body["topic_list"]["more_topics_url"] == f"/discourse/latest.json?page={page + 1}"
        page += 1
    assert len(pages) >= 2 and len(pages[0]["topic_list"]["topics"]) == 10
    assert len(seen) == len(set(seen)) == len(load_content(ANCHOR).by_source("discourse"))
    assert FAULTY_TOPIC_ID in [topic["id"] for topic in pages[0]["topic_list"]["topics"]]
    for topic in pages[0]["topic_list"]["topics"]:
        assert {"title", "fancy_title", "slug", "posts_count", "created_at", "bumped_at", "posters"} <= topic.keys()
        assert in_window(parse_iso(topic["created_at"]))
    past_the_end = fetch(site, f"/discourse/latest.json?page={page + 1}").json()
    assert past_the_end["topic_list"]["topics"] == []


def test_discourse_topic_by_id_and_by_slug(site: DemoSite) -> None:
    body = fetch(site, "/discourse/t/442.json").json()
    assert body["id"] == 442 and body["title"] and body["posts_count"] == len(body["post_stream"]["posts"])
    assert fetch(site, f"/discourse/t/{body['slug']}/442.json").body == fetch(site, "/discourse/t/442.json").body
    posts = body["post_stream"]["posts"]
    assert [post["post_number"] for post in posts] == list(range(1, len(posts) + 1))
    assert body["post_stream"]["stream"] == [post["id"] for post in posts]
    for post in posts:
        assert {"id", "username", "name", "user_id", "created_at", "reply_count", "actions_summary"} <= post.keys()
        assert post["cooked"].startswith("<p>") and post["topic_id"] == 442
    missing = fetch(site, "/discourse/t/999999.json")
    assert missing.status == 404 and missing.content_type == JSON_TYPE
    assert missing.json() == {
        "errors": ["The requested URL or resource could not be found."],
        "error_type": "not_found",
    }


def test_discourse_search_filters_and_pages(site: DemoSite) -> None:
    body = fetch(site, "/discourse/search.json?q=Flutter").json()
    assert body["posts"] and body["topics"]
    titles = {topic["id"]: topic["title"] for topic in body["topics"]}
    for post in body["posts"]:
        assert {"id", "name", "username", "avatar_template", "created_at", "like_count", "blurb"} <= post.keys()
        assert "flutter" in (post["blurb"] + titles[post["topic_id"]]).lower()
    assert body["grouped_search_result"]["post_ids"] == [post["id"] for post in body["posts"]]
    assert fetch(site, "/discourse/search.json?q=zzz-nothing-matches").json()["posts"] == []

    first = fetch(site, "/discourse/search.json?q=voxlink&page=1").json()
    second = fetch(site, "/discourse/search.json?q=VOXLINK&page=2").json()
    assert first["grouped_search_result"]["more_full_page_results"] is True
    assert second["posts"] and not {p["id"] for p in first["posts"]} & {p["id"] for p in second["posts"]}
    chinese = fetch(site, "/discourse/search.json?q=" + quote("声链 order:latest")).json()
    assert chinese["posts"] and all(p["created_at"] for p in chinese["posts"])


def test_discourse_latest_posts(site: DemoSite) -> None:
    posts = fetch(site, "/discourse/posts.json").json()["latest_posts"]
    ids = [post["id"] for post in posts]
    assert posts and ids == sorted(ids, reverse=True)
    for post in posts:
        keys = {"username", "created_at", "cooked", "post_number", "topic_id", "topic_title", "topic_slug"}
        assert keys <= post.keys()
    older = fetch(site, f"/discourse/posts.json?before={ids[-1]}").json()["latest_posts"]
    assert older and all(post["id"] < ids[-1] for post in older)


def test_script_text_is_escaped_in_html_fields(site: DemoSite) -> None:
    topic = fetch(site, "/discourse/t/439.json").json()
    cooked = topic["post_stream"]["posts"][0]["cooked"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cooked and "<script>" not in cooked
    raw = next(p for p in fetch(site, "/discourse/posts.json").json()["latest_posts"] if p["topic_id"] == 439)
    assert "<script>" not in raw["excerpt"]


# --- Hacker News (Algolia) ------------------------------------------------------------------------


def hn(site: DemoSite, query: str) -> dict[str, Any]:
    got = fetch(site, "/hn/api/v1/search_by_date?" + query)
    assert got.status == 200 and got.content_type == JSON_TYPE
    body: dict[str, Any] = got.json()
    return body


def test_hn_hits_have_algolia_shape_and_match_the_query(site: DemoSite) -> None:
    body = hn(site, "query=VoxLink&tags=story")
    assert {"nbHits", "nbPages", "page", "hitsPerPage", "query", "params", "processingTimeMS"} <= body.keys()
    assert body["hitsPerPage"] == 20 and body["page"] == 0 and body["query"] == "VoxLink"
    assert body["hits"] and body["nbHits"] == len(body["hits"])
    for hit in body["hits"]:
        assert {"objectID", "created_at", "created_at_i", "author", "title", "points", "num_comments"} <= hit.keys()
        assert "story" in hit["_tags"] and "comment_text" not in hit
        text = (hit["title"] + hit.get("story_text", "") + (hit.get("url") or "")).lower()
        assert "voxlink" in text
    stamps = [hit["created_at_i"] for hit in body["hits"]]
    assert stamps == sorted(stamps, reverse=True)


def test_hn_comments_and_tag_alternatives(site: DemoSite) -> None:
    comments = hn(site, "tags=comment")["hits"]
    assert comments
    for hit in comments:
        assert {"comment_text", "story_id", "parent_id", "story_title", "objectID"} <= hit.keys()
        assert "title" not in hit and "comment" in hit["_tags"]
    both = hn(site, "tags=" + quote("(story,comment)") + "&hitsPerPage=1000")
    stories = hn(site, "tags=story&hitsPerPage=1000")
    assert both["nbHits"] == stories["nbHits"] + hn(site, "tags=comment")["nbHits"]


def test_hn_numeric_filter_and_paging(site: DemoSite) -> None:
    since = int((ANCHOR - timedelta(days=1)).timestamp())
    recent = hn(site, "tags=" + quote("(story,comment)") + "&numericFilters=" + quote(f"created_at_i>{since}"))
    everything = hn(site, "tags=" + quote("(story,comment)"))
    assert 0 < recent["nbHits"] < everything["nbHits"]
    assert all(hit["created_at_i"] > since for hit in recent["hits"])

    ids: list[str] = []
    first = hn(site, "hitsPerPage=4&page=0")
    for page in range(first["nbPages"]):
        body = hn(site, f"hitsPerPage=4&page={page}")
        assert body["page"] == page and len(body["hits"]) <= 4
        ids += [hit["objectID"] for hit in body["hits"]]
    assert first["nbPages"] == -(-first["nbHits"] // 4) and len(ids) == len(set(ids)) == first["nbHits"]
    assert hn(site, f"hitsPerPage=4&page={first['nbPages']}")["hits"] == []
    assert fetch(site, "/hn/api/v1/search_by_date?numericFilters=nonsense").status == 400


# --- feeds ----------------------------------------------------------------------------------------


def test_weibo_rss_is_rsshub_keyword_output(site: DemoSite) -> None:
    got = fetch(site, "/feeds/weibo.rss")
    assert got.status == 200 and got.content_type.startswith("application/rss+xml")
    feed = feedparser.parse(got.body)
    assert not feed.bozo and feed.version == "rss20" and feed.feed.title == "微博关键词 - 声链"
    assert len(feed.entries) >= 8
    for entry in feed.entries:
        assert re.fullmatch(re.escape(site.base_url) + r"/weibo/\d{10}/\w{9}", entry.link)
        assert entry.id == entry.link and entry.author and entry.title.startswith(entry.author + ": ")
        assert in_window(feed_time(entry.published_parsed))
    reposts = [entry for entry in feed.entries if " - 转发 @" in entry.title]
    assert reposts and "<blockquote> - 转发 " in reposts[0].description


def test_reddit_atom_matches_the_recorded_feed_shape(site: DemoSite) -> None:
    got = fetch(site, "/feeds/reddit.atom")
    assert got.status == 200 and got.content_type.startswith("application/atom+xml")
    feed = feedparser.parse(got.body)
    assert not feed.bozo and feed.version == "atom10" and feed.entries
    for entry in feed.entries:
        assert re.fullmatch(r"t3_[0-9a-z]+", entry.id) and entry.link.startswith(site.base_url + "/r/")
        assert entry.author.startswith("/u/") and entry.title
        assert in_window(feed_time(entry.published_parsed)) and entry.updated
        assert '<div class="md">' in entry.content[0].value
    assert any("VoxLink Records" in entry.title for entry in feed.entries)  # the unrelated sense
