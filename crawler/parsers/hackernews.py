"""Hacker News through the Algolia API: /api/v1/search and /api/v1/search_by_date hits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.items import PostItem
from crawler.parsers.common import (
    ParseResult,
    PostCollector,
    RecordError,
    html_to_text,
    iso_now,
    iso_utc,
    load_json,
    opt_int,
    opt_str,
    require_id,
    shape_error,
)

SOURCE = "hackernews"
# HN has no numeric user ids: the username is the account's id, so it fills author_id too.
ITEM_URL = "https://news.ycombinator.com/item?id={}"
# Everything that is not a comment is a top-level item with its own thread.
_POST_TAGS = {"story", "poll", "job", "show_hn", "ask_hn", "launch_hn"}


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    data = load_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        raise shape_error("Hacker News (Algolia)", data)
    fetched = iso_now(fetched_at)
    collector = PostCollector()
    collector.collect(data["hits"], lambda hit: _hit(hit, fetched))
    page, pages = opt_int(data.get("page")), opt_int(data.get("nbPages"))
    has_more = page is not None and pages is not None and page < pages - 1
    return collector.result("hackernews/search", has_more=has_more)


def _hit_kind(hit: dict[str, Any]) -> str:
    tags = hit.get("_tags")
    if isinstance(tags, list):
        if "comment" in tags:
            return "comment"
        if _POST_TAGS.intersection(t for t in tags if isinstance(t, str)):
            return "post"
    if isinstance(hit.get("comment_text"), str):
        return "comment"
    if isinstance(hit.get("title"), str):
        return "post"
    raise RecordError("neither a story nor a comment (no known _tags, no title or comment_text)")


def _hit(hit: dict[str, Any], fetched_at: str) -> PostItem:
    object_id = require_id(hit, "objectID")
    created = iso_utc(hit.get("created_at_i")) or iso_utc(hit.get("created_at"))
    if _hit_kind(hit) == "comment":
        story_id = opt_str(hit.get("story_id"))
        return PostItem(
            source=SOURCE,
            source_post_id=object_id,
            url=ITEM_URL.format(object_id),
            kind="comment",
            thread_id=story_id,
            parent_id=opt_str(hit.get("parent_id")) or story_id,
            title=opt_str(hit.get("story_title")),
            text=html_to_text(opt_str(hit.get("comment_text"))),
            author=opt_str(hit.get("author")),
            author_id=opt_str(hit.get("author")),
            created_at=created,
            likes=opt_int(hit.get("points")),
            fetched_at=fetched_at,
            raw=hit,
        )
    return PostItem(
        source=SOURCE,
        source_post_id=object_id,
        # The discussion page, not the linked article: that is where people say things.
        url=ITEM_URL.format(object_id),
        kind="post",
        thread_id=object_id,
        title=opt_str(hit.get("title")),
        text=html_to_text(opt_str(hit.get("story_text"))),
        author=opt_str(hit.get("author")),
        author_id=opt_str(hit.get("author")),
        created_at=created,
        likes=opt_int(hit.get("points")),
        replies=opt_int(hit.get("num_comments")),
        fetched_at=fetched_at,
        raw=hit,
    )
