"""The demo site's Reddit JSON, Stack Exchange, GitHub and App Store endpoints: real HTTP on 127.0.0.1,
the real APIs' shapes, and the parsers reading every kind they serve."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import feedparser
import pytest

from crawler.parsers import ParseError, parse
from lingting.demo_site import DemoSite
from lingting.demo_site.content import load_content
from lingting.demo_site.routes import Router
from tests.lingting.demo_site_support import ANCHOR, JSON_TYPE, fetch, in_window

APP = "6450123456"
WESTERN_ENDPOINTS = (
    "/reddit/search.json?q=VoxLink&sort=new&limit=100&raw_json=1",
    "/reddit/r/androiddev/new.json",
    "/reddit/comments/1vxh2m3.json?sort=new",
    "/se/2.3/search/advanced?q=VoxLink&site=stackoverflow&sort=creation&order=desc&filter=withbody",
    "/github/search/issues?q=%22VoxLink%22+in%3Atitle%2Cbody&sort=created&order=desc",
    "/github/repos/voxlink-io/voxlink-android-sdk/issues/412/comments",
    f"/appstore/us/rss/customerreviews/page=1/id={APP}/sortby=mostrecent/json",
    f"/appstore/cn/rss/customerreviews/page=1/id={APP}/sortby=mostrecent/xml",
)


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(anchor=ANCHOR) as running:
        yield running


def get(site: DemoSite, path: str) -> Any:
    got = fetch(site, path)
    assert got.status == 200 and got.content_type == JSON_TYPE, (path, got.status)
    return got.json()


def stamp(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def test_responses_are_deterministic_and_parse(site: DemoSite) -> None:
    base = "http://127.0.0.1:1"
    one, two = Router(load_content(ANCHOR)), Router(load_content(ANCHOR))
    sources = {"/reddit": "reddit", "/se/": "stackexchange", "/github": "github", "/appstore": "appstore"}
    for path in WESTERN_ENDPOINTS:
        assert one.handle(base, path) == two.handle(base, path), path
        source = next(name for prefix, name in sources.items() if path.startswith(prefix))
        result = parse(source, fetch(site, path).body, site.base_url + path)
        assert result.posts and result.skipped == [], path
        assert all(p.created_at and p.url.startswith(site.base_url) for p in result.posts), path


# --- Reddit -----------------------------------------------------------------------------------------


def test_reddit_search_is_a_listing_of_self_posts(site: DemoSite) -> None:
    body = get(site, "/reddit/search.json?q=voxlink&sort=new&limit=100")
    assert body["kind"] == "Listing" and body["data"]["after"] is None
    children = body["data"]["children"]
    assert children and all(child["kind"] == "t3" for child in children)
    created = [child["data"]["created_utc"] for child in children]
    assert created == sorted(created, reverse=True)
    for child in children:
        post = child["data"]
        assert post["name"] == f"t3_{post['id']}" and post["permalink"].startswith(f"/r/{post['subreddit']}/comments/")
        assert post["url"] == site.base_url + post["permalink"] and in_window(stamp(post["created_utc"]))
        assert post["selftext_html"].startswith('<!-- SC_OFF --><div class="md"><p>')
        assert "voxlink" in (post["title"] + post["selftext"]).lower()
    assert get(site, "/reddit/search.json?q=zzz-nothing")["data"]["children"] == []


def test_reddit_paging_restrict_sr_and_new(site: DemoSite) -> None:
    first = get(site, "/reddit/search.json?q=voxlink&sort=new&limit=2")
    after = first["data"]["after"]
    assert after == first["data"]["children"][-1]["data"]["name"]
    second = get(site, f"/reddit/search.json?q=voxlink&sort=new&limit=2&after={after}")
    assert {c["data"]["id"] for c in first["data"]["children"]}.isdisjoint(
        c["data"]["id"] for c in second["data"]["children"]
    )
    inside = get(site, "/reddit/r/androiddev/search.json?q=voxlink&restrict_sr=1")["data"]["children"]
    assert inside and {c["data"]["subreddit"] for c in inside} == {"androiddev"}
    everywhere = get(site, "/reddit/r/androiddev/search.json?q=voxlink")["data"]["children"]
    assert len(everywhere) > len(inside)  # without restrict_sr Reddit searches everything
    assert {c["data"]["subreddit"] for c in get(site, "/reddit/r/FlutterDev/new.json")["data"]["children"]} == {
        "FlutterDev"
    }
    missing = fetch(site, "/reddit/r/nosuchsub/new.json")
    assert missing.status == 404 and missing.json() == {"message": "Not Found", "error": 404}


def test_reddit_comments_tree_nests_replies(site: DemoSite) -> None:
    post_listing, tree = get(site, "/reddit/comments/1vxh2m3.json")
    (post,) = post_listing["data"]["children"]
    assert post["data"]["num_comments"] == 3
    top = tree["data"]["children"]
    assert [c["kind"] for c in top] == ["t1", "t1"]
    devrel = next(c["data"] for c in top if c["data"]["author"] == "voxlink_devrel")
    (reply,) = devrel["replies"]["data"]["children"]
    assert reply["data"]["parent_id"] == devrel["name"] and reply["data"]["depth"] == 1
    assert all(c["data"]["replies"] == "" for c in top if c["data"]["author"] != "voxlink_devrel")
    assert reply["data"]["link_id"] == "t3_1vxh2m3" and reply["data"]["body_html"].startswith('<div class="md">')
    assert fetch(site, "/reddit/comments/zzzzzz.json").status == 404


# --- Stack Exchange -----------------------------------------------------------------------------------

SE = "/se/2.3/search/advanced?site=stackoverflow&sort=creation&order=desc&filter=withbody"


def test_stackexchange_search_wrapper_and_items(site: DemoSite) -> None:
    body = get(site, SE + "&q=VoxLink")
    assert list(body) == ["items", "has_more", "quota_max", "quota_remaining"] and body["has_more"] is False
    items = body["items"]
    assert len(items) == 4 and [i["creation_date"] for i in items] == sorted(
        (i["creation_date"] for i in items), reverse=True
    )
    for item in items:
        assert {"question_id", "title", "owner", "answer_count", "score", "link", "tags", "body"} <= item.keys()
        assert in_window(stamp(item["creation_date"])) and item["body"].startswith("<p>")
    assert any("&quot;" in i["body"] for i in items)  # HTML, as the API sends it
    without_body = get(site, SE.replace("&filter=withbody", "") + "&q=VoxLink")["items"]
    assert all("body" not in i for i in without_body)
    paged = get(site, SE + "&q=VoxLink&pagesize=3&page=1")
    assert paged["has_more"] is True and len(paged["items"]) == 3
    assert get(site, SE + "&q=VoxLink&pagesize=3&page=2")["has_more"] is False


def test_stackexchange_answers_comments_and_errors(site: DemoSite) -> None:
    ids = ";".join(str(i["question_id"]) for i in get(site, SE + "&q=VoxLink")["items"])
    answers = get(site, f"/se/2.3/questions/{ids}/answers?site=stackoverflow&filter=withbody")["items"]
    assert len(answers) == 3 and sum(a["is_accepted"] for a in answers) == 1
    assert all(str(a["question_id"]) in ids.split(";") and a["answer_id"] > a["question_id"] for a in answers)
    comments = get(site, f"/se/2.3/questions/{ids}/comments?site=stackoverflow&filter=withbody")["items"]
    assert len(comments) == 3 and all("post_id" in c and "comment_id" in c for c in comments)
    for path in (SE.replace("site=stackoverflow", "site=nosuchsite"), SE.replace("sort=creation", "sort=sideways")):
        bad = fetch(site, path)
        assert bad.status == 400 and bad.json()["error_name"] == "bad_parameter"
        with pytest.raises(ParseError, match="bad_parameter"):
            parse("stackexchange", bad.body)


# --- GitHub -------------------------------------------------------------------------------------------

GH = "/github/search/issues?sort=created&order=desc&q="


def test_github_search_issues(site: DemoSite) -> None:
    body = get(site, GH + quote('"VoxLink" in:title,body'))
    assert list(body) == ["total_count", "incomplete_results", "items"] and body["total_count"] == 5
    created = [i["created_at"] for i in body["items"]]
    assert created == sorted(created, reverse=True)
    for item in body["items"]:
        assert (
            item["html_url"] == f"{site.base_url}/{item['repository_url'].split('/repos/')[1]}/issues/{item['number']}"
        )
        assert {"body", "body_text", "body_html", "user", "comments", "reactions", "score"} <= item.keys()
    only_repo = get(site, GH + quote("VoxLink repo:voxlink-io/voxlink-android-sdk"))["items"]
    assert [i["number"] for i in only_repo] == [412]
    assert get(site, GH + quote("VoxLink is:pr"))["total_count"] == 0
    assert get(site, GH + quote("VoxLink is:closed"))["total_count"] == 1
    assert len(get(site, GH + quote("VoxLink") + "&per_page=2&page=3")["items"]) == 1
    missing_q = fetch(site, "/github/search/issues")
    assert missing_q.status == 422 and missing_q.json()["message"] == "Validation Failed"


def test_github_issue_comments(site: DemoSite) -> None:
    comments = get(site, "/github/repos/voxlink-io/voxlink-android-sdk/issues/412/comments")
    assert len(comments) == 3 and [c["created_at"] for c in comments] == sorted(c["created_at"] for c in comments)
    assert comments[0]["author_association"] == "MEMBER"
    assert comments[0]["issue_url"].endswith("/github/repos/voxlink-io/voxlink-android-sdk/issues/412")
    since = quote(comments[1]["created_at"])
    assert len(get(site, f"/github/repos/voxlink-io/voxlink-android-sdk/issues/412/comments?since={since}")) == 2
    assert len(get(site, "/github/repos/voxlink-io/voxlink-android-sdk/issues/412/comments?per_page=2&page=2")) == 1
    assert fetch(site, "/github/repos/voxlink-io/voxlink-android-sdk/issues/999/comments").status == 404


# --- App Store ----------------------------------------------------------------------------------------


def feed_path(country: str, form: str, page: int = 1, app: str = APP) -> str:
    return f"/appstore/{country}/rss/customerreviews/page={page}/id={app}/sortby=mostrecent/{form}"


def test_appstore_json_feed(site: DemoSite) -> None:
    feed = get(site, feed_path("us", "json"))["feed"]
    entries = feed["entry"]
    assert len(entries) == 4 and {e["im:rating"]["label"] for e in entries} >= {"1", "5"}
    for entry in entries:
        assert {"author", "updated", "im:rating", "im:version", "id", "title", "content", "link"} <= entry.keys()
        assert entry["updated"]["label"].endswith("-07:00")
    rels = [link["attributes"]["rel"] for link in feed["link"]]
    assert rels == ["alternate", "self", "first", "last", "previous", "next"]
    # One review: Apple serves the entry as an object, not a list of one.
    assert isinstance(get(site, feed_path("gb", "json"))["feed"]["entry"], dict)
    assert "entry" not in get(site, feed_path("us", "json", app="1"))["feed"]
    assert "entry" not in get(site, feed_path("us", "json", page=2))["feed"]
    # Apple's own links spell the options their own way.
    mixed = f"/appstore/us/rss/customerreviews/id={APP}/sortBy=mostRecent/page=1/json"
    assert get(site, mixed) == get(site, feed_path("us", "json"))


def test_appstore_xml_feed_lists_the_app_first(site: DemoSite) -> None:
    got = fetch(site, feed_path("cn", "xml"))
    assert got.status == 200 and got.content_type.startswith("application/atom+xml")
    feed = feedparser.parse(got.body)
    assert not feed.bozo and feed.version == "atom10"
    app, *reviews = feed.entries
    assert app.im_name == "VoxLink Meet" and "im_rating" not in app
    assert len(reviews) == 3 and all(r.im_rating and r.updated_parsed for r in reviews)
    assert any(r.im_rating == "1" and "闪退" in r.title for r in reviews)
    result = parse("appstore", got.body, site.base_url + feed_path("cn", "xml"))
    assert len(result.posts) == 3 and result.skipped == []
