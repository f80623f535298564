"""Response shapes with no recording: our own data, in the shapes Reddit, Stack Exchange, GitHub,
the App Store, Hacker News (Algolia items) and Discourse (/t/{id}/posts.json) document."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from crawler.parsers import parse
from crawler.parsers.reddit import RedditResult
from crawler.parsers.stackexchange import StackExchangeResult, site_host

FETCHED = datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)


def _body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


# --- Reddit -----------------------------------------------------------------------------------------


def _t1(cid: str, parent: str, body_html: str, replies: Any = "", author: str = "ann") -> dict[str, Any]:
    return {
        "kind": "t1",
        "data": {
            "id": cid,
            "name": f"t1_{cid}",
            "author": author,
            "parent_id": parent,
            "link_id": "t3_abc12",
            "body": "markdown source",
            "body_html": body_html,
            "created_utc": 1787381400.0,
            "score": 3,
            "replies": replies,
        },
    }


def _listing(children: list[Any], after: str | None = None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "children": children, "before": None}}


def test_reddit_tree_with_more_stub_deleted_author_and_escaped_html() -> None:
    post = {
        "kind": "t3",
        "data": {"id": "abc12", "title": "VoxLink push broken", "selftext": "", "created_utc": 1787381000},
    }
    # Without raw_json=1 Reddit escapes its HTML once more.
    escaped = "&lt;div class=&quot;md&quot;&gt;&lt;p&gt;push &amp;amp; chat down&lt;/p&gt;&lt;/div&gt;"
    nested = _listing([_t1("c2", "t1_c1", "<div class='md'><p>same</p></div>", author="[deleted]")])
    more = {"kind": "more", "data": {"count": 4, "children": ["c3", "c4"], "parent_id": "t3_abc12"}}
    tree = _listing([_t1("c1", "t3_abc12", escaped, replies=nested), more])
    result = parse("reddit", _body([_listing([post]), tree]), url="https://www.reddit.com/comments/abc12.json")
    assert result.kind == "reddit/thread" and result.skipped == []
    assert result.has_more is True  # the `more` stub: comments left out, not a broken record
    opening, first, second = result.posts
    assert opening.url == "https://www.reddit.com/comments/abc12/"
    assert first.text == "push & chat down"
    assert (second.parent_id, second.author, second.author_id) == ("t1_c1", None, None)
    assert second.title == "VoxLink push broken"


def test_reddit_listing_cursor_and_broken_children() -> None:
    children = [
        {"kind": "t3", "data": {"id": "p1", "title": "a", "permalink": "/r/x/comments/p1/a/", "created_utc": 1}},
        {"kind": "t3", "data": {"id": "NOT VALID", "title": "b"}},
        {"kind": "t5", "data": {"id": "sub"}},
        {"kind": "t3"},
    ]
    result = parse("reddit", _body(_listing(children, after="t3_p1")), url="http://127.0.0.1:8/reddit/search.json")
    assert isinstance(result, RedditResult) and result.after == "t3_p1" and result.has_more
    assert [p.url for p in result.posts] == ["http://127.0.0.1:8/r/x/comments/p1/a/"]
    assert result.skipped == [
        "record 1: id is not a Reddit id ('NOT VALID')",
        "record 2: neither a post nor a comment (kind 't5')",
        "record 3: thing has no data object",
    ]


def test_reddit_deep_reply_chain_is_flattened_in_order() -> None:
    node: Any = ""
    for depth in range(150, 0, -1):  # as deep as Python's JSON decoder goes (5 levels a reply)
        node = _listing([_t1(f"c{depth}", "t3_abc12", "<p>x</p>", replies=node)])
    result = parse("reddit", _body(node))
    assert [p.source_post_id for p in result.posts] == [f"t1_c{n}" for n in range(1, 151)]
    assert result.kind == "reddit/comments"


# --- Stack Exchange -----------------------------------------------------------------------------------


def _owner(name: str = "J&#246;rg O&#39;Neil") -> dict[str, Any]:
    return {"user_id": 42, "display_name": name, "reputation": 10}


def test_stackexchange_answers_and_comments_with_wrapper() -> None:
    answers = {
        "items": [
            {"owner": _owner(), "is_accepted": True, "score": 4, "creation_date": 1787381400, "answer_id": 900,
             "question_id": 800, "body": "<p>Use <code>setCloudProxy(.tcp)</code> &amp; retry.</p>"},
        ],
        "has_more": True, "quota_max": 300, "quota_remaining": 120, "backoff": 10,
    }  # fmt: skip
    url = "https://api.stackexchange.com/2.3/questions/800/answers?site=android&filter=withbody"
    result = parse("stackexchange", _body(answers), url=url, fetched_at=FETCHED)
    assert isinstance(result, StackExchangeResult)
    assert (result.kind, result.has_more, result.backoff, result.quota_remaining) == (
        "stackexchange/answers", True, 10, 120,
    )  # fmt: skip
    (answer,) = result.posts
    assert answer.source_post_id == "android:a:900" and answer.kind == "comment"
    assert answer.thread_id == answer.parent_id == "android:q:800"
    assert answer.url == "https://android.stackexchange.com/a/900"
    assert answer.text == "Use setCloudProxy(.tcp) & retry."
    assert answer.author == "Jörg O'Neil"

    comments = [
        {"owner": _owner("li"), "score": 1, "creation_date": 1787381500, "post_id": 800, "comment_id": 7,
         "post_type": "question", "body": "same here"},
        {"owner": _owner("li"), "score": 0, "creation_date": 1787381600, "post_id": 900, "comment_id": 8,
         "post_type": "answer", "body": "thanks"},
        {"owner": _owner("li"), "comment_id": 9, "body": "no post id"},
    ]  # fmt: skip
    result = parse("stackexchange", _body(comments), url="https://api.stackexchange.com/2.3/questions/800/comments")
    assert result.kind == "stackexchange/comments"
    on_question, on_answer = result.posts
    assert (on_question.parent_id, on_question.thread_id) == ("stackoverflow:q:800", "stackoverflow:q:800")
    assert (on_answer.parent_id, on_answer.thread_id) == ("stackoverflow:a:900", None)
    assert on_question.url == "https://stackoverflow.com/posts/comments/7"
    assert result.skipped == ["record 2: comment 9 has no post_id"]


def test_stackexchange_empty_items_take_their_kind_from_the_method() -> None:
    empty = {"items": [], "has_more": False, "quota_max": 300, "quota_remaining": 299}
    base = "https://api.stackexchange.com/2.3"
    assert parse("stackexchange", _body(empty), url=f"{base}/questions/1;2/comments").kind == "stackexchange/comments"
    assert parse("stackexchange", _body(empty), url=f"{base}/questions/1/answers").kind == "stackexchange/answers"
    assert parse("stackexchange", _body(empty), url=f"{base}/search/advanced?q=x").kind == "stackexchange/questions"


def test_stackexchange_site_hosts() -> None:
    assert site_host("stackoverflow") == "stackoverflow.com"
    assert site_host("dba") == "dba.stackexchange.com"
    assert site_host("mathoverflow.net") == "mathoverflow.net"


# --- GitHub -------------------------------------------------------------------------------------------


def _issue(number: int, **extra: Any) -> dict[str, Any]:
    return {"number": number, "title": f"VoxLink issue {number}", "user": {"login": "kat", "id": 5},
            "created_at": "2026-08-22T06:50:00Z", "comments": 2, "body": "**bold** text", **extra}  # fmt: skip


def test_github_repository_issue_list_takes_the_repo_from_the_url() -> None:
    url = "https://api.github.com/repos/voxlink-io/voxlink-android-sdk/issues?state=all"
    reactions = {"total_count": 7, "+1": 7}
    result = parse("github", _body([_issue(1, reactions=reactions), _issue(2)]), url=url, fetched_at=FETCHED)
    assert result.kind == "github/issues"
    first = result.posts[0]
    assert first.source_post_id == "voxlink-io/voxlink-android-sdk#1"
    assert first.url == "https://github.com/voxlink-io/voxlink-android-sdk/issues/1"
    assert (first.likes, first.replies, first.text) == (7, 2, "**bold** text")


def test_github_single_issue_comments_without_issue_url_and_html_body() -> None:
    single = _issue(5, html_url="https://github.com/o/r/issues/5", body_html="<p>rendered <b>bold</b></p>")
    result = parse("github", _body(single), url="https://api.github.com/repos/o/r/issues/5")
    assert result.kind == "github/issues" and result.posts[0].text == "rendered bold"

    comment = {"id": 77, "user": {"login": "li", "id": 9}, "created_at": "2026-08-22T07:00:00Z", "body": "same"}
    result = parse("github", _body([comment]), url="https://api.github.com/repos/o/r/issues/5/comments?per_page=100")
    (post,) = result.posts
    assert (post.source_post_id, post.thread_id) == ("o/r#5/c77", "o/r#5")
    assert post.url == "https://github.com/o/r/issues/5#issuecomment-77"
    assert parse("github", _body([comment])).skipped == [
        "record 0: comment 77 names no issue (no issue_url, not a comments URL)"
    ]


def test_github_empty_lists_and_the_search_cap() -> None:
    assert parse("github", b"[]", url="https://api.github.com/repos/o/r/issues/5/comments").kind == "github/comments"
    assert parse("github", b"[]", url="https://api.github.com/repos/o/r/issues").kind == "github/issues"
    page = {
        "total_count": 5000,
        "incomplete_results": False,
        "items": [_issue(n, html_url=f"https://github.com/o/r/issues/{n}") for n in range(1, 51)],
    }
    url = "https://api.github.com/search/issues?q=x&per_page=50&page={}"
    assert parse("github", _body(page), url=url.format(19)).has_more is True
    # GitHub serves at most 1000 results for a search, whatever total_count says.
    assert parse("github", _body(page), url=url.format(20)).has_more is False


# --- App Store ----------------------------------------------------------------------------------------

APPSTORE_XML = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns:im="http://itunes.apple.com/rss" xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>https://itunes.apple.com/us/rss/customerreviews/page=1/id=6450123456/sortby=mostrecent/xml</id>
<title>iTunes Store: Customer Reviews</title><updated>2026-08-10T04:19:16-07:00</updated>
<link rel="self" href="https://itunes.apple.com/us/rss/customerreviews/page=1/id=6450123456/sortby=mostrecent/xml"/>
<link rel="last" href="https://itunes.apple.com/us/rss/customerreviews/page=3/id=6450123456/sortby=mostrecent/xml?urlDesc=x"/>
<entry><updated>2026-08-12T00:00:00-07:00</updated>
<id im:id="6450123456">https://apps.apple.com/us/app/id6450123456</id><title>VoxLink Meet - VoxLink</title>
<im:name>VoxLink Meet</im:name><im:price amount="0" currency="USD">Get</im:price></entry>
<entry><updated>2026-07-24T01:46:25-07:00</updated><id>14341672833</id><title>Calls drop</title>
<content type="text">VoxLink Meet drops calls &amp; freezes</content>
<im:voteSum>4</im:voteSum><im:voteCount>6</im:voteCount>
<im:rating>1</im:rating><im:version>3.8.1</im:version>
<author><name>jo</name><uri>https://itunes.apple.com/us/reviews/id740</uri></author>
<link rel="related" href="https://itunes.apple.com/us/review?id=6450123456&amp;type=Purple"/>
<content type="html">&lt;table&gt;&lt;tr&gt;&lt;td&gt;ignored&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</content></entry>
<entry><updated>2026-07-20T01:00:00-07:00</updated><id>14341670000</id><title>odd</title>
<content type="text">six stars</content><im:rating>6</im:rating></entry>
</feed>"""


def test_appstore_xml_skips_the_app_entry_and_keeps_stars() -> None:
    url = "https://itunes.apple.com/us/rss/customerreviews/page=1/id=6450123456/sortby=mostrecent/xml"
    result = parse("appstore", APPSTORE_XML.encode(), url=url, fetched_at=FETCHED)
    assert result.kind == "appstore/reviews" and result.has_more is True  # page 1 of 3
    (review,) = result.posts
    assert review.source_post_id == "14341672833" and review.kind == "review"
    assert review.created_at == "2026-07-24T08:46:25Z"
    assert (review.title, review.text, review.author, review.author_id) == (
        "Calls drop", "VoxLink Meet drops calls & freezes", "jo", "740",
    )  # fmt: skip
    assert review.likes == 4 and review.raw["rating"] == 1 and review.raw["im:version"] == "3.8.1"
    assert review.url == "https://apps.apple.com/us/app/id6450123456?see-all=reviews"
    assert result.skipped == ["record 1: rating is not 1-5 stars ('6')"]  # the app entry is not "broken"


def _json_entry(review_id: str, stars: str, **extra: Any) -> dict[str, Any]:
    return {"author": {"uri": {"label": "https://itunes.apple.com/cn/reviews/id1"}, "name": {"label": "鹿"}},
            "updated": {"label": "2026-08-01T10:00:00-07:00"}, "im:rating": {"label": stars},
            "id": {"label": review_id}, "title": {"label": "闪退"},
            "content": {"label": "声链会议更新后闪退", "attributes": {"type": "text"}}, **extra}  # fmt: skip


def test_appstore_json_single_entry_is_an_object_and_empty_feed_has_none() -> None:
    self_link = "https://itunes.apple.com/cn/rss/customerreviews/page=2/id=6450123456/sortby=mostrecent/json"
    feed = {"feed": {"entry": _json_entry("901", "1"), "link": [{"attributes": {"rel": "self", "href": self_link}}]}}
    result = parse("appstore", _body(feed), fetched_at=FETCHED)
    (review,) = result.posts
    assert (review.source_post_id, review.created_at, review.raw["rating"]) == ("901", "2026-08-01T17:00:00Z", 1)
    assert review.url == "https://apps.apple.com/cn/app/id6450123456?see-all=reviews"
    assert result.has_more is False  # no `last` link beyond this page
    empty = parse("appstore", _body({"feed": {"author": {"name": {"label": "iTunes Store"}}}}))
    assert empty.posts == [] and empty.has_more is False


def test_appstore_json_app_entry_is_left_out_quietly() -> None:
    app = {"im:name": {"label": "VoxLink Meet"}, "im:price": {"label": "Get"}, "id": {"label": "https://x/id1"}}
    url = "https://itunes.apple.com/us/rss/customerreviews/id=6450123456/sortBy=mostRecent/json"
    result = parse("appstore", _body({"feed": {"entry": [app, _json_entry("902", "5")]}}), url=url)
    assert [p.source_post_id for p in result.posts] == ["902"] and result.skipped == []


# --- Hacker News: /api/v1/items/{id} ----------------------------------------------------------------


def test_hackernews_item_tree() -> None:
    tree = {"id": 1, "created_at_i": 1787381000, "type": "story", "author": "pg", "title": "VoxLink is down",
            "url": "https://example.com", "text": None, "points": 57, "parent_id": None, "story_id": 1, "children": [
                {"id": 15, "created_at_i": 1787381100, "type": "comment", "author": "sama",
                 "text": "<p>&quot;same&quot; here", "parent_id": 1, "story_id": 1, "children": [
                     {"id": 17, "created_at_i": 1787381200, "type": "comment", "author": "pg", "text": "fixed?",
                      "parent_id": 15, "story_id": 1, "children": []}]},
                {"id": 16, "created_at_i": 1787381150, "type": "comment", "author": None, "text": None,
                 "parent_id": 1, "story_id": 1, "children": []}]}  # fmt: skip
    result = parse("hackernews", _body(tree), fetched_at=FETCHED)
    assert result.kind == "hackernews/item" and result.skipped == []
    story, comment, reply = result.posts  # the deleted comment (16) is an empty shell: left out
    assert (story.source_post_id, story.kind, story.replies, story.likes) == ("1", "post", 2, 57)
    assert (comment.source_post_id, comment.parent_id, comment.thread_id) == ("15", "1", "1")
    assert comment.text == '"same" here' and comment.title == "VoxLink is down"
    assert (reply.parent_id, reply.created_at) == ("15", "2026-08-22T06:46:40Z")
    assert "children" not in story.raw


# --- Discourse: /t/{id}/posts.json --------------------------------------------------------------------


def test_discourse_topic_posts_by_id() -> None:
    posts = [
        {"id": 86, "post_number": 3, "topic_id": 57, "topic_slug": "sandbox", "username": "li", "user_id": 3,
         "created_at": "2026-08-22T06:50:00.000Z", "cooked": "<p>still broken</p>", "reply_count": 0},
    ]  # fmt: skip
    url = "https://try.discourse.org/t/57/posts.json?post_ids[]=86"
    result = parse("discourse", _body({"post_stream": {"posts": posts}, "id": 57}), url=url)
    assert result.kind == "discourse/topic_posts" and result.has_more is False
    (post,) = result.posts
    assert (post.source_post_id, post.parent_id) == ("try.discourse.org:p:86", "try.discourse.org:t:57")
    assert post.url == "https://try.discourse.org/t/sandbox/57/3" and post.text == "still broken"
