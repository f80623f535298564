"""Discourse responses: topic lists, a topic's posts (/t/{id}.json, /t/{id}/posts.json), latest posts,
search, and the .rss feeds.

Discourse is multi-site, so ids carry the forum's host: "{host}:t:{topic_id}" for a topic and
"{host}:p:{post_id}" for any other post. A topic's opening post (post_number 1) takes the topic
id, so the same topic seen in /latest.json and in /t/{id}.json becomes one row. thread_id is
the topic id in that same form, and parent_id of a reply is the topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.items import PostItem
from crawler.parsers import feed
from crawler.parsers.common import (
    ParseResult,
    PostCollector,
    RecordError,
    html_to_text,
    iso_now,
    iso_utc,
    load_json,
    looks_like_xml,
    opt_int,
    opt_str,
    require_id,
    shape_error,
)

SOURCE = "discourse"
DEFAULT_HOST = "discourse"


@dataclass
class _Site:
    host: str
    base: str
    fetched_at: str

    def topic_id(self, topic_id: str) -> str:
        return f"{self.host}:t:{topic_id}"

    def post_id(self, post_id: str) -> str:
        return f"{self.host}:p:{post_id}"


_API_PATH = re.compile(r"/(?:latest|search|posts|top|new|t|c)(?:[/.?]|$)")


def _mount_path(url: str) -> str:
    """The folder a forum is served under ("/community" in example.com/community/latest.json)."""
    path = urlsplit(url).path
    match = _API_PATH.search(path)
    return path[: match.start()].rstrip("/") if match else ""


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    netloc = urlsplit(url).netloc
    fetched = iso_now(fetched_at)
    if looks_like_xml(body):
        return _parse_feed(body, url, netloc, fetched)
    data = load_json(body)
    scheme = urlsplit(url).scheme or "https"
    host = netloc or DEFAULT_HOST
    site = _Site(host=host, base=f"{scheme}://{host}{_mount_path(url)}", fetched_at=fetched)
    if not isinstance(data, dict):
        raise shape_error("Discourse", data)

    collector = PostCollector()
    topic_list = data.get("topic_list")
    if isinstance(topic_list, dict) and isinstance(topic_list.get("topics"), list):
        users = _users_by_id(data.get("users"))
        collector.collect(topic_list["topics"], lambda t: _listed_topic(t, users, site))
        return collector.result("discourse/latest", has_more=bool(topic_list.get("more_topics_url")))

    post_stream = data.get("post_stream")
    if isinstance(post_stream, dict) and isinstance(post_stream.get("posts"), list):
        posts = post_stream["posts"]
        collector.collect(posts, _post_builder(site, data, lambda p: data.get("title")))
        stream = post_stream.get("stream")
        has_more = isinstance(stream, list) and len(stream) > len(posts)
        # /t/{id}/posts.json?post_ids[]=... serves the same posts without the topic around them.
        whole = "title" in data or isinstance(stream, list)
        return collector.result("discourse/topic" if whole else "discourse/topic_posts", has_more=has_more)

    if isinstance(data.get("latest_posts"), list):
        collector.collect(data["latest_posts"], _post_builder(site, {}, lambda p: p.get("topic_title")))
        return collector.result("discourse/posts")

    grouped = data.get("grouped_search_result")
    if isinstance(grouped, dict):
        topics = {str(t["id"]): t for t in data.get("topics") or [] if isinstance(t, dict) and "id" in t}

        def search_title(post: dict[str, Any]) -> Any:
            topic = topics.get(str(post.get("topic_id")), {})
            return topic.get("title") or post.get("topic_title")

        collector.collect(data.get("posts") or [], _post_builder(site, {}, search_title, topics))
        return collector.result("discourse/search", has_more=bool(grouped.get("more_full_page_results")))

    raise shape_error("Discourse", data)


def _users_by_id(users: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(users, list):
        return {}
    return {str(u["id"]): u for u in users if isinstance(u, dict) and "id" in u}


def _topic_replies(topic: dict[str, Any]) -> int | None:
    posts_count = opt_int(topic.get("posts_count"))
    return opt_int(topic.get("reply_count")) or (posts_count - 1 if posts_count else None)


def _listed_topic(topic: dict[str, Any], users: dict[str, dict[str, Any]], site: _Site) -> PostItem:
    topic_id = require_id(topic)
    slug = opt_str(topic.get("slug")) or "topic"
    author, author_id = _original_poster(topic, users)
    return PostItem(
        source=SOURCE,
        source_post_id=site.topic_id(topic_id),
        url=f"{site.base}/t/{slug}/{topic_id}",
        kind="post",
        thread_id=site.topic_id(topic_id),
        title=opt_str(topic.get("title")) or html_to_text(opt_str(topic.get("fancy_title"))) or None,
        text=html_to_text(opt_str(topic.get("excerpt"))),
        author=author,
        author_id=author_id,
        created_at=iso_utc(topic.get("created_at")),
        likes=opt_int(topic.get("like_count")),
        replies=_topic_replies(topic),
        fetched_at=site.fetched_at,
        raw=topic,
    )


def _original_poster(topic: dict[str, Any], users: dict[str, dict[str, Any]]) -> tuple[str | None, str | None]:
    posters = [p for p in topic.get("posters") or [] if isinstance(p, dict)]
    # Discourse marks the author in the poster's description; the list is not always in order.
    original = next((p for p in posters if "Original Poster" in str(p.get("description"))), None)
    if original is not None:
        user_id = opt_str(original.get("user_id"))
        user = users.get(user_id or "", {})
        return opt_str(user.get("username")), user_id
    # With one post, the last poster is necessarily the author.
    if opt_int(topic.get("posts_count")) == 1:
        return opt_str(topic.get("last_poster_username")), None
    return None, None


def _post_builder(
    site: _Site,
    topic: dict[str, Any],
    title_of: Callable[[dict[str, Any]], Any],
    topics: dict[str, dict[str, Any]] | None = None,
) -> Callable[[dict[str, Any]], PostItem]:
    """A builder for the post records of /t/{id}.json, /posts.json and /search.json.

    `topic` is the enclosing topic object when there is one (for the opening post's counts);
    `topics` the search result's topics by id.
    """

    def build(post: dict[str, Any]) -> PostItem:
        post_id = require_id(post)
        topic_id = opt_str(post.get("topic_id")) or opt_str(topic.get("id"))
        if topic_id is None:
            raise RecordError(f"post {post_id} has no topic_id")
        number = opt_int(post.get("post_number"))
        own_topic = topic or (topics or {}).get(topic_id, {})
        slug = opt_str(post.get("topic_slug")) or opt_str(own_topic.get("slug")) or "topic"
        opening = number == 1
        text_html = post.get("cooked") if isinstance(post.get("cooked"), str) else post.get("blurb")
        title = title_of(post)
        return PostItem(
            source=SOURCE,
            source_post_id=site.topic_id(topic_id) if opening else site.post_id(post_id),
            url=f"{site.base}/t/{slug}/{topic_id}" + ("" if opening or not number else f"/{number}"),
            kind="post" if opening else "comment",
            thread_id=site.topic_id(topic_id),
            parent_id=None if opening else site.topic_id(topic_id),
            title=title.strip() if isinstance(title, str) and title.strip() else None,
            text=html_to_text(text_html if isinstance(text_html, str) else None),
            author=opt_str(post.get("username")),
            author_id=opt_str(post.get("user_id")),
            created_at=iso_utc(post.get("created_at")),
            likes=_likes(post),
            # The opening post stands for the topic, so it carries the topic's reply count.
            replies=_topic_replies(own_topic) if opening and own_topic else opt_int(post.get("reply_count")),
            fetched_at=site.fetched_at,
            raw=post,
        )

    return build


def _likes(post: dict[str, Any]) -> int | None:
    if "like_count" in post:
        return opt_int(post.get("like_count"))
    actions = post.get("actions_summary")
    if not isinstance(actions, list):
        return None
    # Action type 2 is "like"; Discourse omits action types nobody has taken.
    for action in actions:
        if isinstance(action, dict) and action.get("id") == 2:
            return opt_int(action.get("count"))
    return 0


# ---------------------------------------------------------------------------- .rss feeds

_GUID = re.compile(r"^(?P<host>.+)-(?P<what>post|topic)-(?P<id>\d+)$")
_LINK = re.compile(r"/t/(?:[^/?#]+/)?(?P<topic>\d+)(?:/(?P<number>\d+))?/?(?:\?[^#]*)?(?:#post_(?P<anchor>\d+))?$")


def _parse_feed(body: bytes, url: str, netloc: str, fetched_at: str) -> ParseResult:
    """/posts.rss, /latest.rss, /t/{id}.rss: ids mapped onto the JSON ids where the guid allows."""
    parsed = feed.read_feed(body, url)
    collector = PostCollector()

    def build(entry: dict[str, Any]) -> PostItem:
        match = _GUID.match(str(entry.get("id") or ""))
        host = netloc or (match.group("host") if match else "") or DEFAULT_HOST
        post = feed.entry_to_post(entry, SOURCE, host, "post", fetched_at)
        author = (post.author or "").lstrip("@").split(" ")[0]
        post.author = author or None
        link = _LINK.search(post.url)
        if not match:
            post.source_post_id = f"{host}:{post.source_post_id}"
            return post
        topic_id = link.group("topic") if link else None
        number = (link.group("number") or link.group("anchor")) if link else None
        if match.group("what") == "topic":
            topic_id = topic_id or match.group("id")
            post.source_post_id = f"{host}:t:{topic_id}"
        elif number == "1" and topic_id:
            post.source_post_id = f"{host}:t:{topic_id}"
        else:
            post.source_post_id = f"{host}:p:{match.group('id')}"
            post.kind = "comment"
            post.parent_id = f"{host}:t:{topic_id}" if topic_id else None
        post.thread_id = f"{host}:t:{topic_id}" if topic_id else None
        return post

    collector.collect(parsed.entries, build)
    return collector.result("discourse/feed")
