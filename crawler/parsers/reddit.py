"""Reddit's public JSON (no OAuth): Listings of posts or comments, and a post with its comment tree.

    /search.json, /r/{sub}/search.json, /r/{sub}/new.json   Listing of t3            -> reddit/posts
    /r/{sub}/comments.json, /user/{name}/comments.json        Listing of t1            -> reddit/comments
    /comments/{id}.json                                       [t3 Listing, t1 tree]    -> reddit/thread

Ids are Reddit's fullnames ("t3_abc", "t1_def"): the same ids the Atom feeds carry (parsed by the
rss parser with platform "reddit"), so a post seen in both is one row. A `more` stub (comments
Reddit left out of the tree) is not a post and not a broken record: it only sets `has_more`.
Texts come from the `*_html` fields (entities and markup handled by html_to_text), the Markdown
source is the fallback.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from crawler.items import PostItem
from crawler.parsers.common import (
    ParseResult,
    PostCollector,
    RecordError,
    base_url,
    html_to_text,
    iso_now,
    iso_utc,
    load_json,
    opt_int,
    opt_str,
    plain_text,
    shape_error,
)

SOURCE = "reddit"
DEFAULT_BASE = "https://www.reddit.com"
_ID = re.compile(r"^[0-9a-z]{1,16}$")
# Accounts that no longer exist are served under this name; it is nobody.
_NO_AUTHOR = {"[deleted]", "[removed]"}


@dataclass
class RedditResult(ParseResult):
    after: str | None = None
    """The Listing's cursor: the next page is the same request with `after=<this>`."""


@dataclass
class _Site:
    base: str
    fetched_at: str


def parse(body: bytes, url: str, fetched_at: datetime) -> RedditResult:
    data = load_json(body)
    site = _Site(base=base_url(url, DEFAULT_BASE), fetched_at=iso_now(fetched_at))
    if isinstance(data, list) and data and all(_is_listing(part) for part in data):
        return _thread(data, site)
    if not _is_listing(data):
        raise shape_error("Reddit", data)
    listing = data["data"]
    things, more = _flatten(listing["children"])
    kinds = {thing.get("kind") for thing in things if isinstance(thing, dict) and isinstance(thing.get("kind"), str)}
    kind = "reddit/comments" if "t1" in kinds and "t3" not in kinds else "reddit/posts"
    collector = PostCollector()
    collector.collect(things, lambda thing: _thing(thing, site, None))
    after = opt_str(listing.get("after"))
    return RedditResult(kind, collector.posts, collector.skipped, has_more=bool(after) or more, after=after)


def _is_listing(value: Any) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(value, dict)
        and value.get("kind") == "Listing"
        and isinstance(value.get("data"), dict)
        and isinstance(value["data"].get("children"), list)
    )


def _thread(parts: list[Any], site: _Site) -> RedditResult:
    """/comments/{id}: the post's own Listing first, then its comment tree."""
    things, more = _flatten([child for part in parts for child in part["data"]["children"]])
    first = things[0] if things and isinstance(things[0], dict) else {}
    post_data = first.get("data") if first.get("kind") == "t3" else None
    title = opt_str(post_data.get("title")) if isinstance(post_data, dict) else None
    collector = PostCollector()
    collector.collect(things, lambda thing: _thing(thing, site, title))
    return RedditResult("reddit/thread", collector.posts, collector.skipped, has_more=more)


_END = object()


def _flatten(children: list[Any]) -> tuple[list[Any], bool]:
    """Every thing of a tree in reading order (a comment, then its replies), and whether a `more`
    stub was met. Iterative: hostile JSON can nest deeper than Python's recursion limit."""
    things: list[Any] = []
    more = False
    stack: list[Iterator[Any]] = [iter(children)]
    while stack:
        thing = next(stack[-1], _END)
        if thing is _END:
            stack.pop()
            continue
        if isinstance(thing, dict) and thing.get("kind") == "more":
            stub = thing.get("data")
            more = more or (isinstance(stub, dict) and bool(stub.get("children") or stub.get("count")))
            continue
        things.append(thing)
        data = thing.get("data") if isinstance(thing, dict) else None
        replies = data.get("replies") if isinstance(data, dict) else None
        if _is_listing(replies):
            stack.append(iter(replies["data"]["children"]))
    return things, more


def _thing(thing: dict[str, Any], site: _Site, thread_title: str | None) -> PostItem:
    data = thing.get("data")
    if not isinstance(data, dict):
        raise RecordError("thing has no data object")
    kind = thing.get("kind")
    if kind == "t3":
        return _post(data, site)
    if kind == "t1":
        return _comment(data, site, thread_title)
    raise RecordError(f"neither a post nor a comment (kind {kind!r})")


def _own_id(data: dict[str, Any], prefix: str) -> str:
    value = opt_str(data.get("id"))
    if value is None:
        name = opt_str(data.get("name")) or ""
        value = name[len(prefix) :] if name.startswith(prefix) else None
    if value is None:
        raise RecordError("missing id")
    if not _ID.match(value):
        raise RecordError(f"id is not a Reddit id ({value[:20]!r})")
    return value


def _permalink(data: dict[str, Any], site: _Site, fallback: str) -> str:
    link = opt_str(data.get("permalink"))
    if link and link.startswith("/"):
        # Search results carry "?ref=search_posts"; the thread's address is the path.
        return site.base + urlsplit(link).path
    if link and link.startswith(("http://", "https://")):
        return link
    return site.base + fallback


def _text(data: dict[str, Any], html_key: str, markdown_key: str) -> str:
    rendered = data.get(html_key)
    if isinstance(rendered, str) and rendered.strip():
        # Without raw_json=1 Reddit escapes the HTML once more ("&lt;div class=...").
        if rendered.lstrip().startswith("&lt;"):
            rendered = html.unescape(rendered)
        return html_to_text(rendered)
    markdown = data.get(markdown_key)
    return plain_text(markdown) if isinstance(markdown, str) else ""


def _author(data: dict[str, Any]) -> tuple[str | None, str | None]:
    author = opt_str(data.get("author"))
    if author in _NO_AUTHOR:
        return None, None
    return author, opt_str(data.get("author_fullname"))


def _post(data: dict[str, Any], site: _Site) -> PostItem:
    post_id = _own_id(data, "t3_")
    fullname = f"t3_{post_id}"
    author, author_id = _author(data)
    return PostItem(
        source=SOURCE,
        source_post_id=fullname,
        url=_permalink(data, site, f"/comments/{post_id}/"),
        kind="post",
        thread_id=fullname,
        title=opt_str(data.get("title")),
        text=_text(data, "selftext_html", "selftext"),
        author=author,
        author_id=author_id,
        # `created` is shifted by a server time zone in older responses; only created_utc is UTC.
        created_at=iso_utc(data.get("created_utc")),
        likes=opt_int(data.get("score")),
        replies=opt_int(data.get("num_comments")),
        fetched_at=site.fetched_at,
        raw=data,
    )


def _comment(data: dict[str, Any], site: _Site, thread_title: str | None) -> PostItem:
    comment_id = _own_id(data, "t1_")
    link_id = opt_str(data.get("link_id"))
    if link_id is None or not link_id.startswith("t3_"):
        raise RecordError(f"comment {comment_id} has no link_id")
    author, author_id = _author(data)
    # A comment's raw record without its replies: each reply is stored as its own row.
    raw = {key: value for key, value in data.items() if key != "replies"}
    return PostItem(
        source=SOURCE,
        source_post_id=f"t1_{comment_id}",
        url=_permalink(data, site, f"/comments/{link_id[3:]}/_/{comment_id}/"),
        kind="comment",
        thread_id=link_id,
        parent_id=opt_str(data.get("parent_id")) or link_id,
        title=opt_str(data.get("link_title")) or thread_title,
        text=_text(data, "body_html", "body"),
        author=author,
        author_id=author_id,
        created_at=iso_utc(data.get("created_utc")),
        likes=opt_int(data.get("score")),
        fetched_at=site.fetched_at,
        raw=raw,
    )
