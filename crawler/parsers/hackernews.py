"""Hacker News through the Algolia API: /api/v1/search and /api/v1/search_by_date hits, and the
/api/v1/items/{id} tree (an item with its nested `children`, e.g. a story and all its comments)."""

from __future__ import annotations

from collections.abc import Iterator
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
    if isinstance(data, dict) and isinstance(data.get("children"), list) and "type" in data:
        return _parse_item_tree(data, iso_now(fetched_at))
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


# ---------------------------------------------------------------------------- /api/v1/items/{id}


def _parse_item_tree(root: dict[str, Any], fetched_at: str) -> ParseResult:
    items = list(_walk_items(root))
    story_title = opt_str(root.get("title"))
    comments = sum(1 for item in items if item.get("type") == "comment" and _alive(item))
    collector = PostCollector()
    # Deleted and dead comments stay in the tree as empty shells: nobody said anything there.
    collector.collect(
        (item for item in items if not isinstance(item, dict) or _alive(item)),
        lambda item: _tree_item(item, story_title, comments if item is root else None, fetched_at),
    )
    return collector.result("hackernews/item")


def _walk_items(root: dict[str, Any]) -> Iterator[Any]:
    """The item, then its replies depth-first in page order; iterative, as hostile JSON nests deep."""
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        yield item
        children = item.get("children") if isinstance(item, dict) else None
        if isinstance(children, list):
            stack.extend(reversed(children))


def _alive(item: dict[str, Any]) -> bool:
    return item.get("author") is not None or bool(item.get("text")) or bool(item.get("title"))


def _tree_item(item: dict[str, Any], story_title: str | None, comments: int | None, fetched_at: str) -> PostItem:
    item_id = require_id(item)
    kind = item.get("type")
    if kind not in ("story", "poll", "job", "comment"):
        raise RecordError(f"neither a story nor a comment (type {kind!r})")
    story = opt_str(item.get("story_id"))
    is_comment = kind == "comment"
    return PostItem(
        source=SOURCE,
        source_post_id=item_id,
        url=ITEM_URL.format(item_id),
        kind="comment" if is_comment else "post",
        thread_id=story if is_comment else story or item_id,
        parent_id=(opt_str(item.get("parent_id")) or story) if is_comment else None,
        # A comment carries its story's title, as the search hits do (story_title).
        title=story_title if is_comment else opt_str(item.get("title")),
        text=html_to_text(opt_str(item.get("text"))),
        author=opt_str(item.get("author")),
        author_id=opt_str(item.get("author")),
        created_at=iso_utc(item.get("created_at_i")) or iso_utc(item.get("created_at")),
        likes=opt_int(item.get("points")),
        replies=None if is_comment else comments,
        fetched_at=fetched_at,
        # Without the children: each of them is stored as its own row.
        raw={key: value for key, value in item.items() if key != "children"},
    )
