"""V2EX API responses: topic lists (v1 latest/hot/show.json) and reply lists (replies/show.json).

V2EX API v2 wraps the same records in {"success": ..., "message": ..., "result": ...}; that
wrapper is unwrapped here too, since only the envelope differs.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.items import PostItem
from crawler.parsers.common import (
    ParseResult,
    PostCollector,
    RecordError,
    base_url,
    body_text,
    iso_now,
    iso_utc,
    load_json,
    nested_person,
    opt_int,
    opt_str,
    require_id,
    shape_error,
)

SOURCE = "v2ex"
DEFAULT_BASE = "https://www.v2ex.com"


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    data = load_json(body)
    context = _Context(base=base_url(url, DEFAULT_BASE), url=url, fetched_at=iso_now(fetched_at))
    return _parse_data(data, context)


class _Context:
    def __init__(self, base: str, url: str, fetched_at: str) -> None:
        self.base = base
        self.fetched_at = fetched_at
        self.url_topic_id = _topic_id_from_url(url)
        self.url_says_replies = "replies" in urlsplit(url).path


def _parse_data(data: Any, context: _Context) -> ParseResult:
    if isinstance(data, dict) and "success" in data and ("result" in data or "message" in data):
        if data.get("success") is not True or "result" not in data:
            raise shape_error("V2EX", {"message": data.get("message") or "success is false"})
        return _parse_data(data["result"], context)
    if isinstance(data, dict) and "id" in data and "title" in data:
        data = [data]
    if not isinstance(data, list):
        raise shape_error("V2EX", data)

    records = [r for r in data if isinstance(r, dict)]
    if any("title" in r for r in records):
        kind = "topics"
    elif any("content" in r or "content_rendered" in r for r in records):
        kind = "replies"
    elif records:
        raise shape_error("V2EX", records[0])
    else:
        # An empty list is a node or topic with nothing in it; the request says which.
        kind = "replies" if context.url_says_replies else "topics"

    collector = PostCollector()
    if kind == "topics":
        collector.collect(data, lambda r: _topic(r, context))
    else:
        collector.collect(data, lambda r: _reply(r, context))
    return collector.result(f"v2ex/{kind}")


def _member(record: dict[str, Any]) -> tuple[str | None, str | None]:
    return nested_person(record, "member", "username", "id")


def _text(record: dict[str, Any]) -> str:
    return body_text(record, ("content", "plain"), ("content_rendered", "html"))


def _topic(record: dict[str, Any], context: _Context) -> PostItem:
    topic_id = require_id(record)
    link = record.get("url")
    if not (isinstance(link, str) and link.startswith(("http://", "https://"))):
        link = f"{context.base}/t/{topic_id}"
    author, author_id = _member(record)
    title = record.get("title")
    return PostItem(
        source=SOURCE,
        source_post_id=topic_id,
        url=link,
        kind="post",
        thread_id=topic_id,
        title=title.strip() if isinstance(title, str) else None,
        text=_text(record),
        author=author,
        author_id=author_id,
        created_at=iso_utc(record.get("created")),
        replies=opt_int(record.get("replies")),
        fetched_at=context.fetched_at,
        raw=record,
    )


def _reply(record: dict[str, Any], context: _Context) -> PostItem:
    reply_id = require_id(record)
    topic_id = opt_str(record.get("topic_id")) or context.url_topic_id
    if topic_id is None:
        raise RecordError(f"reply {reply_id} has no topic id (neither in the record nor in the URL)")
    author, author_id = _member(record)
    return PostItem(
        source=SOURCE,
        source_post_id=f"r{reply_id}",
        url=f"{context.base}/t/{topic_id}#r_{reply_id}",
        kind="comment",
        thread_id=topic_id,
        parent_id=topic_id,
        text=_text(record),
        author=author,
        author_id=author_id,
        created_at=iso_utc(record.get("created")),
        likes=opt_int(record.get("thanks")),
        fetched_at=context.fetched_at,
        raw=record,
    )


def _topic_id_from_url(url: str) -> str | None:
    parts = urlsplit(url)
    for value in parse_qs(parts.query).get("topic_id", []):
        if value.isdigit():
            return value
    # API v2 puts the topic in the path: /api/v2/topics/{id}/replies
    match = re.search(r"/topics/(\d+)/replies", parts.path)
    return match.group(1) if match else None
