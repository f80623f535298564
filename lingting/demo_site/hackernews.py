"""Hacker News through Algolia under /hn: /hn/api/v1/search_by_date and /hn/api/v1/search.

Hits follow a recorded Algolia response (keys sorted, as Algolia sends them). Filtering mirrors the
parts of Algolia a listening crawler uses: `query` (every word must occur, case-insensitive, in the
title, text or url), `tags` (comma = AND, parentheses = OR), `numericFilters` (comma = AND) and
`page`/`hitsPerPage` paging.
"""

from __future__ import annotations

import math
import re
from typing import Any

from lingting.demo_site.content import Content, Reply, Thread, blocks, iso_seconds, unix
from lingting.demo_site.responses import Response, json_response

COMMENT_ID_BASE = 46_210_001
DEFAULT_HITS_PER_PAGE = 20
NUMERIC_FILTER = re.compile(r"^\s*(\w+)\s*(<=|>=|!=|<|>|=)\s*(-?\d+(?:\.\d+)?)\s*$")
MARKUP = re.compile(r"(<[^>]+>|&#?\w+;)")


class BadRequest(ValueError):
    pass


def hn_html(text: str) -> str:
    """HN's own markup: paragraphs separated by a bare <p>, quotes escaped as entities."""
    parts = []
    for is_code, chunk in blocks(text):
        escaped = (
            chunk.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&#x27;")
        )
        parts.append(f"<pre><code>{escaped}</code></pre>" if is_code else escaped.replace("\n", " "))
    return "<p>".join(parts)


def highlight(value: str, words: list[str]) -> dict[str, Any]:
    """Algolia's _highlightResult entry: matches wrapped in <em>, never inside tags or entities."""
    matched = [word for word in words if word in MARKUP.sub(" ", value).lower()]
    if matched:
        pattern = re.compile("|".join(re.escape(word) for word in matched), re.IGNORECASE)
        pieces = MARKUP.split(value)
        value = "".join(
            piece if MARKUP.fullmatch(piece) else pattern.sub(lambda m: f"<em>{m.group(0)}</em>", piece)
            for piece in pieces
        )
    level = "none" if not matched else ("full" if len(matched) == len(words) else "partial")
    entry: dict[str, Any] = {"matchLevel": level, "matchedWords": matched, "value": value}
    if matched:
        entry["fullyHighlighted"] = False
    return entry


def parse_tags(tags: str) -> list[set[str]]:
    """'story,(author_a,author_b)' -> [{'story'}, {'author_a', 'author_b'}]: AND of ORs."""
    groups: list[set[str]] = []
    for part in re.findall(r"\([^)]*\)|[^,]+", tags):
        names = {name.strip() for name in part.strip("()").split(",") if name.strip()}
        if names:
            groups.append(names)
    return groups


def parse_numeric_filters(filters: str) -> list[tuple[str, str, float]]:
    parsed = []
    for part in filter(None, (item.strip() for item in filters.split(","))):
        match = NUMERIC_FILTER.match(part)
        if not match:
            raise BadRequest(f"invalid numeric filter: {part}")
        parsed.append((match.group(1), match.group(2), float(match.group(3))))
    return parsed


def _compare(value: float, op: str, limit: float) -> bool:
    return {
        "<": value < limit,
        "<=": value <= limit,
        ">": value > limit,
        ">=": value >= limit,
        "=": value == limit,
        "!=": value != limit,
    }[op]


def _int_param(params: dict[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError as error:
        raise BadRequest(f"{name} must be an integer") from error


class HackerNewsSite:
    def __init__(self, content: Content) -> None:
        self.stories = content.by_source("hackernews")
        order = sorted(
            (reply.created, story.int_id, index) for story in self.stories for index, reply in enumerate(story.replies)
        )
        self.comment_ids = {(sid, index): COMMENT_ID_BASE + n for n, (_, sid, index) in enumerate(order)}
        self.items = [item for story in self.stories for item in self._items_of(story)]

    def _children(self, story: Thread, parent: int | None) -> list[int]:
        return [self.comment_ids[(story.int_id, i)] for i, reply in enumerate(story.replies) if reply.parent == parent]

    def _items_of(self, story: Thread) -> list[dict[str, Any]]:
        url = story.extra.get("url") or None
        text = hn_html(story.text) if story.text else None
        tags = ["story", f"author_{story.author}", f"story_{story.id}"]
        for prefix, tag in (("Ask HN:", "ask_hn"), ("Show HN:", "show_hn")):
            if story.title.startswith(prefix):
                tags.append(tag)
        hit: dict[str, Any] = {
            "_tags": tags,
            "author": story.author,
            "children": self._children(story, None),
            "created_at": iso_seconds(story.created),
            "created_at_i": unix(story.created),
            "num_comments": len(story.replies),
            "objectID": story.id,
            "points": story.extra.get("points", 1),
            "story_id": story.int_id,
            "title": story.title,
            "updated_at": iso_seconds(story.last_activity),
        }
        if url:
            hit["url"] = url
        if text:
            hit["story_text"] = text
        items = [hit]
        for index, reply in enumerate(story.replies):
            items.append(self._comment(story, index, reply, url))
        return items

    def _comment(self, story: Thread, index: int, reply: Reply, url: str | None) -> dict[str, Any]:
        parent = story.int_id if reply.parent is None else self.comment_ids[(story.int_id, reply.parent)]
        hit: dict[str, Any] = {
            "_tags": ["comment", f"author_{reply.author}", f"story_{story.id}"],
            "author": reply.author,
            "children": self._children(story, index),
            "comment_text": hn_html(reply.text),
            "created_at": iso_seconds(reply.created),
            "created_at_i": unix(reply.created),
            "objectID": str(self.comment_ids[(story.int_id, index)]),
            "parent_id": parent,
            "story_id": story.int_id,
            "story_title": story.title,
            "updated_at": iso_seconds(reply.created),
        }
        if url:
            hit["story_url"] = url
        return hit

    def search(self, params: dict[str, str], raw_query: str, by_date: bool) -> Response:
        try:
            return json_response(self._search(params, raw_query, by_date), sort_keys=True)
        except BadRequest as error:
            return json_response({"message": str(error), "status": 400}, 400)

    def _search(self, params: dict[str, str], raw_query: str, by_date: bool) -> dict[str, Any]:
        query = params.get("query", "")
        words = query.lower().split()
        groups = parse_tags(params.get("tags", ""))
        numeric = parse_numeric_filters(params.get("numericFilters", ""))
        page = max(_int_param(params, "page", 0), 0)
        per_page = min(max(_int_param(params, "hitsPerPage", DEFAULT_HITS_PER_PAGE), 1), 1000)

        matched = []
        for item in self.items:
            searchable = " ".join(str(item.get(key, "")) for key in ("title", "story_text", "comment_text", "url"))
            if not all(word in searchable.lower() for word in words):
                continue
            if not all(group & set(item["_tags"]) for group in groups):
                continue
            if not all(field in item and _compare(float(item[field]), op, limit) for field, op, limit in numeric):
                continue
            matched.append(item)
        if by_date:
            matched.sort(key=lambda item: item["created_at_i"], reverse=True)
        else:
            matched.sort(key=lambda item: (item.get("points") or 0, item["created_at_i"]), reverse=True)

        hits = []
        for item in matched[page * per_page : (page + 1) * per_page]:
            fields = ("author", "title", "url", "story_text", "comment_text", "story_title", "story_url")
            result = {key: highlight(str(item[key]), words) for key in fields if key in item}
            hits.append({**item, "_highlightResult": result})
        return {
            "exhaustive": {"nbHits": True, "typo": True},
            "exhaustiveNbHits": True,
            "exhaustiveTypo": True,
            "hits": hits,
            "hitsPerPage": per_page,
            "nbHits": len(matched),
            "nbPages": math.ceil(len(matched) / per_page),
            "page": page,
            "params": raw_query + ("&" if raw_query else "") + "advancedSyntax=true&analyticsTags=backend",
            "processingTimeMS": 1,
            "processingTimingsMS": {"_request": {"roundTrip": 12}, "total": 1},
            "query": query,
            "serverTimeMS": 2,
        }
