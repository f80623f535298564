"""Response shapes with no recording: our own data, in the shape the public APIs document."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from crawler.parsers import parse

FETCHED = datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)


def _body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def _member(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "username": name, "url": f"https://www.v2ex.com/u/{name}", "avatar_mini": ""}


V2EX_REPLIES = [
    {
        "id": 15901234,
        "thanks": 3,
        "content": "推送到了但是\r\n\r\n安卓 14 上收不到",
        "content_rendered": "推送到了但是<br /><br />安卓 14 上收不到",
        "member": _member(1001, "alice"),
        "created": 1787381400,
        "last_modified": 1787381400,
    },
    {
        "id": 15901240,
        "thanks": 0,
        "content": "",
        "content_rendered": "<p>同样的问题 &amp; 错误码 110</p><script>alert(1)</script>",
        "member": _member(1002, "bob"),
        "created": 1787381500,
        "last_modified": 1787381500,
    },
]


def test_v2ex_replies_take_the_topic_from_the_url() -> None:
    url = "https://www.v2ex.com/api/replies/show.json?topic_id=1236394&page=1"
    result = parse("v2ex", _body(V2EX_REPLIES), url=url, fetched_at=FETCHED)
    assert result.kind == "v2ex/replies"
    assert result.skipped == []
    first, second = result.posts
    assert first.kind == "comment"
    assert first.source_post_id == "r15901234"
    assert first.thread_id == first.parent_id == "1236394"
    assert first.url == "https://www.v2ex.com/t/1236394#r_15901234"
    assert first.text == "推送到了但是\n安卓 14 上收不到"
    assert (first.author, first.author_id, first.likes) == ("alice", "1001", 3)
    assert first.created_at == "2026-08-22T06:50:00Z"
    assert first.fetched_at == "2026-11-25T08:00:00Z"
    assert second.text == "同样的问题 & 错误码 110"  # from content_rendered, script gone


def test_v2ex_replies_without_any_topic_id_are_skipped() -> None:
    records = [dict(V2EX_REPLIES[0]), dict(V2EX_REPLIES[1], topic_id=77)]
    result = parse("v2ex", _body(records), fetched_at=FETCHED)
    assert result.kind == "v2ex/replies"
    assert [p.url for p in result.posts] == ["https://www.v2ex.com/t/77#r_15901240"]
    assert result.skipped == ["record 0: reply 15901234 has no topic id (neither in the record nor in the URL)"]


def test_v2ex_empty_list_kind_follows_the_url() -> None:
    replies = parse("v2ex", b"[]", url="https://www.v2ex.com/api/replies/show.json?topic_id=1")
    topics = parse("v2ex", b"[]", url="https://www.v2ex.com/api/topics/latest.json")
    assert (replies.kind, replies.posts) == ("v2ex/replies", [])
    assert (topics.kind, topics.posts) == ("v2ex/topics", [])


def test_v2ex_single_topic_and_v2_wrapper() -> None:
    topic = {"id": 42, "title": "标题", "content": "", "content_rendered": "<p>正文</p>", "created": 0}
    single = parse("v2ex", _body(topic))
    assert single.kind == "v2ex/topics"
    assert single.posts[0].url == "https://www.v2ex.com/t/42"
    assert single.posts[0].text == "正文"
    assert single.posts[0].created_at == "1970-01-01T00:00:00Z"

    wrapped = {"success": True, "message": "Current page", "result": [dict(topic, id=43)]}
    result = parse("v2ex", _body(wrapped), url="https://www.v2ex.com/api/v2/nodes/python/topics")
    assert [p.source_post_id for p in result.posts] == ["43"]

    replies = {"success": True, "message": "", "result": [V2EX_REPLIES[0]]}
    result = parse("v2ex", _body(replies), url="https://www.v2ex.com/api/v2/topics/99/replies?p=1")
    assert result.posts[0].thread_id == "99"


DISCOURSE_SEARCH = {
    "posts": [
        {
            "id": 9001,
            "name": "Carol",
            "username": "carol",
            "avatar_template": "/user_avatar/forum.example.com/carol/{size}/1_2.png",
            "created_at": "2026-11-20T10:00:00.123Z",
            "like_count": 4,
            "blurb": 'After upgrading the SDK to 4.2 the <span class="search-highlight">push</span> &hellip;',
            "post_number": 1,
            "topic_id": 500,
        },
        {
            "id": 9002,
            "name": "",
            "username": "dave",
            "avatar_template": "/user_avatar/forum.example.com/dave/{size}/2_2.png",
            "created_at": "2026-11-21T18:30:00+08:00",
            "like_count": 0,
            "blurb": "Same here, push stopped",
            "post_number": 3,
            "topic_id": 500,
        },
        {"id": 9003, "username": "eve", "blurb": "orphan", "post_number": 2},
    ],
    "topics": [
        {
            "id": 500,
            "title": "Push notifications stopped after 4.2",
            "fancy_title": "Push notifications stopped after 4.2",
            "slug": "push-notifications-stopped-after-4-2",
            "posts_count": 6,
            "reply_count": 5,
            "highest_post_number": 6,
            "created_at": "2026-11-20T10:00:00.123Z",
            "category_id": 4,
        }
    ],
    "users": [],
    "categories": [],
    "tags": [],
    "groups": [],
    "grouped_search_result": {
        "more_posts": None,
        "more_users": None,
        "more_categories": None,
        "term": "push",
        "search_log_id": 12,
        "more_full_page_results": True,
        "can_create_topic": False,
        "error": None,
        "post_ids": [9001, 9002, 9003],
    },
}


def test_discourse_search_joins_topic_titles() -> None:
    url = "https://forum.example.com/search.json?q=push"
    result = parse("discourse", _body(DISCOURSE_SEARCH), url=url, fetched_at=FETCHED)
    assert result.kind == "discourse/search"
    assert result.has_more is True
    assert result.skipped == ["record 2: post 9003 has no topic_id"]
    opening, reply = result.posts
    assert opening.source_post_id == "forum.example.com:t:500"
    assert opening.kind == "post"
    assert opening.url == "https://forum.example.com/t/push-notifications-stopped-after-4-2/500"
    assert opening.title == "Push notifications stopped after 4.2"
    assert opening.text == "After upgrading the SDK to 4.2 the push …"
    assert (opening.likes, opening.replies) == (4, 5)
    assert opening.created_at == "2026-11-20T10:00:00Z"
    assert reply.source_post_id == "forum.example.com:p:9002"
    assert reply.kind == "comment"
    assert reply.parent_id == reply.thread_id == "forum.example.com:t:500"
    assert reply.url == "https://forum.example.com/t/push-notifications-stopped-after-4-2/500/3"
    assert reply.title == "Push notifications stopped after 4.2"
    assert reply.created_at == "2026-11-21T10:30:00Z"
    assert reply.author == "dave"


def test_discourse_search_with_no_results() -> None:
    data = {"posts": [], "users": [], "grouped_search_result": {"more_full_page_results": None}}
    result = parse("discourse", _body(data), url="https://forum.example.com/search.json?q=zzz")
    assert (result.kind, result.posts, result.has_more) == ("discourse/search", [], False)


def test_discourse_without_url_uses_placeholder_host() -> None:
    data = {"topic_list": {"topics": [{"id": 7, "title": "T", "slug": "t", "posts_count": 3}]}}
    post = parse("discourse", _body(data)).posts[0]
    assert post.source_post_id == "discourse:t:7"
    assert post.url == "https://discourse/t/t/7"
    assert post.replies == 2


def test_hackernews_comment_hits() -> None:
    data = {
        "hits": [
            {
                "_tags": ["comment", "author_frank", "story_48000000"],
                "author": "frank",
                "comment_text": 'The <i>SDK</i> crashes on Android 14:<p>error 110<p><a href="x">link</a>',
                "created_at": "2026-11-24T12:00:00Z",
                "created_at_i": 1795521600,
                "objectID": "48000123",
                "parent_id": 48000100,
                "story_id": 48000000,
                "story_title": "Ask HN: Which RTC SDK do you use?",
                "story_url": None,
                "points": None,
            }
        ],
        "page": 0,
        "nbPages": 3,
        "hitsPerPage": 1,
    }
    result = parse("hackernews", _body(data), fetched_at=FETCHED)
    assert result.has_more is True
    comment = result.posts[0]
    assert comment.kind == "comment"
    assert comment.source_post_id == "48000123"
    assert comment.url == "https://news.ycombinator.com/item?id=48000123"
    assert (comment.thread_id, comment.parent_id) == ("48000000", "48000100")
    assert comment.title == "Ask HN: Which RTC SDK do you use?"
    assert comment.text == "The SDK crashes on Android 14:\nerror 110\nlink"
    assert comment.created_at == "2026-11-24T12:00:00Z"


FEED_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'


def test_feed_with_zero_entries_is_empty_not_an_error() -> None:
    body = FEED_HEAD + b"<link>https://blog.example.com/</link></channel></rss>"
    result = parse("rss", body)
    assert (result.kind, result.posts, result.skipped) == ("rss/feed", [], [])


def test_generic_feed_prefixes_site_local_ids_with_the_host() -> None:
    body = (
        FEED_HEAD
        + b"""<link>https://blog.example.com/</link>
      <item><title>A &amp;amp; B</title><link>https://blog.example.com/a</link>
        <guid isPermaLink="false">1234</guid><pubDate>Mon, 23 Nov 2026 09:00:00 +0800</pubDate>
        <description><![CDATA[<p>hi</p><script>steal()</script><style>p{}</style><p>there</p>]]></description>
        <author>someone@example.com (Some One)</author></item>
      <item><title>Permalink</title><guid>https://blog.example.com/b</guid></item>
    </channel></rss>"""
    )
    result = parse("rss", body, fetched_at=FETCHED)
    first, second = result.posts
    assert first.source_post_id == "blog.example.com:1234"
    assert first.title == "A & B"
    assert first.text == "hi\nthere"
    assert first.created_at == "2026-11-23T01:00:00Z"
    assert second.source_post_id == "https://blog.example.com/b" == second.url


def test_appstore_feed_entries_are_reviews() -> None:
    body = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <id>https://itunes.apple.com/jp/rss/customerreviews/id=1/sortby=mostrecent/xml</id>
      <title>reviews</title><updated>2026-11-24T00:00:00-07:00</updated>
      <entry><updated>2026-11-23T20:15:00-07:00</updated><id>10987654321</id>
        <title>通知が来ない</title><content type="text">アップデート後、通知が届きません。</content>
        <link rel="related" href="https://itunes.apple.com/jp/review?id=1&amp;type=Purple%20Software"/>
        <author><name>user1</name><uri>https://itunes.apple.com/jp/reviews/id2</uri></author></entry>
    </feed>""".encode()
    review = parse("rss", body, platform="appstore").posts[0]
    assert review.kind == "review"
    assert review.source == "appstore"
    assert review.source_post_id == "10987654321"
    assert review.text == "アップデート後、通知が届きません。"
    assert review.created_at == "2026-11-24T03:15:00Z"


def test_discourse_latest_rss_items_are_topics() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8" ?>
    <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
      <title>Forum - Latest topics</title><link>https://forum.example.com/latest</link>
      <item><title>Push broken</title><dc:creator><![CDATA[@carol]]></dc:creator>
        <description><![CDATA[<p>Since 4.2 no push.</p>]]></description>
        <link>https://forum.example.com/t/push-broken/500</link>
        <pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate>
        <guid isPermaLink="false">forum.example.com-topic-500</guid></item>
      <item><title>Odd guid</title><link>https://forum.example.com/t/odd/501</link>
        <pubDate>Fri, 20 Nov 2026 11:00:00 +0000</pubDate><guid isPermaLink="false">x1</guid></item>
    </channel></rss>"""
    result = parse("discourse", body, url="https://forum.example.com/latest.rss")
    topic, odd = result.posts
    assert result.kind == "discourse/feed"
    assert (topic.source_post_id, topic.thread_id, topic.kind) == (
        "forum.example.com:t:500",
        "forum.example.com:t:500",
        "post",
    )
    assert (topic.author, topic.text) == ("carol", "Since 4.2 no push.")
    assert odd.source_post_id == "forum.example.com:x1"


def test_discourse_links_keep_the_folder_the_forum_is_served_under() -> None:
    from crawler.parsers import parse

    body = b'{"post_stream": {"posts": [{"id": 7, "post_number": 1, "topic_id": 3, "username": "a",'
    body += b' "created_at": "2026-01-01T00:00:00Z", "cooked": "<p>hi</p>"}]}, "id": 3, "title": "T", "slug": "t"}'
    result = parse("discourse", body, "https://example.com/community/t/3.json")
    assert result.posts[0].url == "https://example.com/community/t/t/3"
    root = parse("discourse", body, "https://forum.example.com/t/3.json")
    assert root.posts[0].url == "https://forum.example.com/t/t/3"


def test_feed_drops_the_authors_byline_before_the_words() -> None:
    from crawler.parsers import parse

    body = """<?xml version="1.0"?><rss version="2.0"><channel><title>微博关键词</title>
    <item><title>小刘: 声链推送失败</title>
    <description>&lt;a href="x"&gt;小刘&lt;/a&gt;:&amp;ensp;声链推送失败，急</description>
    <link>https://weibo.com/1/A</link><author>小刘</author><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>
    </channel></rss>""".encode()
    (post,) = parse("rss", body, "https://rsshub.example/weibo/keyword/x", platform="weibo").posts
    assert post.author == "小刘"
    assert post.title == "声链推送失败" and post.text == "声链推送失败，急"


def test_feed_ids_stay_as_served_and_relative_links_are_joined() -> None:
    from crawler.parsers import parse

    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>r</title>
    <entry><id>t3_abc</id><link href="/r/x/comments/abc/"/><title>t</title>
    <updated>2026-11-24T10:00:00+00:00</updated></entry></feed>"""
    (post,) = parse("rss", body, "https://www.reddit.com/r/x/new.rss", platform="reddit").posts
    assert post.source_post_id == "t3_abc"
    assert post.url == "https://www.reddit.com/r/x/comments/abc/"
