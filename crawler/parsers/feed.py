"""RSS 2.0, Atom and RDF feeds (any site, RSSHub routes, Reddit .rss, App Store XML) via feedparser."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from crawler.items import PostItem, PostKind
from crawler.parsers.common import (
    ParseError,
    ParseResult,
    PostCollector,
    RecordError,
    check_not_empty,
    html_error,
    html_to_text,
    iso_now,
    iso_utc,
    looks_like_html,
)

DEFAULT_PLATFORM = "rss"
# Ids with a scheme are unique on their own; other ids (a bare number, "t3_abc") only within
# one site, so a generic feed prefixes them with the site's host.
_URI_PREFIXES = ("http://", "https://", "tag:", "urn:")


def read_feed(body: bytes, url: str) -> Any:
    """The feedparser result, or ParseError when the body is not a feed at all."""
    check_not_empty(body)
    if looks_like_html(body):
        raise html_error(body, "a feed")
    # Bytes, never str: feedparser treats a str as a URL or a file name and would open it. No
    # base URL either: feedparser would resolve bare ids ("t3_abc") into URLs, and the same post
    # would get another key here than from the site's JSON API. Relative links are joined later.
    try:
        parsed = feedparser.parse(_valid_char_refs(bytes(body)))
    except (UnicodeError, ValueError, LookupError, RecursionError) as exc:
        # feedparser's loose parser is not hardened against every malformed body.
        raise ParseError(
            f"feed could not be read ({type(exc).__name__}) / 订阅源无法读取（{type(exc).__name__}）"
        ) from exc
    # Loose parsing finds <item>s in any XML, so an unknown version means "not a feed" even
    # with entries; a known feed that is merely malformed keeps what could be recovered.
    if not parsed.version or (not parsed.entries and parsed.bozo):
        reason = str(parsed.get("bozo_exception") or "no feed element")[:150]
        raise ParseError(f"not an RSS/Atom feed ({reason}) / 不是 RSS/Atom 订阅源（{reason}）")
    return parsed


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")


def _valid_char_refs(body: bytes) -> bytes:
    """Character references to surrogates or past U+10FFFF become U+FFFD: feedparser crashes on them."""
    if b"&#" not in body:
        return body

    def fix(match: re.Match[bytes]) -> bytes:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return match.group(0) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"

    return _CHAR_REF.sub(fix, body)


def parse(body: bytes, url: str, fetched_at: datetime, platform: str = DEFAULT_PLATFORM) -> ParseResult:
    parsed = read_feed(body, url)
    host = urlsplit(str(parsed.feed.get("link") or "")).netloc or urlsplit(url).netloc or "feed"
    kind: PostKind = "review" if platform == "appstore" else "post"
    fetched = iso_now(fetched_at)
    collector = PostCollector()
    collector.collect(parsed.entries, lambda e: entry_to_post(e, platform, host, kind, fetched))
    result = collector.result("rss/feed")
    if url:
        for post in result.posts:
            post.url = urljoin(url, post.url)
    return result


def entry_to_post(entry: dict[str, Any], platform: str, host: str, kind: PostKind, fetched_at: str) -> PostItem:
    entry_id = _str(entry.get("id"))
    link = _str(entry.get("link"))
    if not link and entry_id and entry_id.startswith(("http://", "https://")):
        link = entry_id
    if not link:
        raise RecordError("entry has neither a link nor a URL id")
    post_id = entry_id or link
    if platform == DEFAULT_PLATFORM and not post_id.startswith(_URI_PREFIXES):
        post_id = f"{host}:{post_id}"
    author = _author(entry, platform)
    return PostItem(
        source=platform,
        source_post_id=post_id,
        url=link,
        kind=kind,
        title=_without_byline(_title(entry), author),
        text=_without_byline(html_to_text(_body_html(entry)), author) or "",
        author=author,
        created_at=_date(entry),
        fetched_at=fetched_at,
        raw=_plain(entry),
    )


def _without_byline(text: str | None, author: str | None) -> str | None:
    """Drop a leading "author:" that feed generators (RSSHub's Weibo routes) put before the words."""
    if not text or not author:
        return text
    for sep in (":", "："):
        if text.startswith(author + sep):
            return text[len(author) + 1 :].lstrip(" \u2002\u3000") or text
    return text


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _title(entry: dict[str, Any]) -> str | None:
    title = _str(entry.get("title"))
    if title is None:
        return None
    detail = entry.get("title_detail") or {}
    if "html" in str(detail.get("type", "")):
        return html_to_text(title) or None
    return title


def _body_html(entry: dict[str, Any]) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, dict) else None
        if isinstance(value, str) and value.strip():
            return value
    summary = entry.get("summary")
    return summary if isinstance(summary, str) else ""


def _author(entry: dict[str, Any], platform: str) -> str | None:
    author = _str(entry.get("author")) or _str((entry.get("author_detail") or {}).get("name"))
    if author and platform == "reddit" and author.startswith("/u/"):
        return author[3:]
    return author


def _date(entry: dict[str, Any]) -> str | None:
    # The *_parsed forms are already normalized to UTC by feedparser and cover more date
    # dialects than iso_utc; the strings are the fallback.
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return iso_utc(value)
    for key in ("published", "updated", "created"):
        found = iso_utc(entry.get(key))
        if found:
            return found
    return None


def _plain(value: Any) -> Any:
    """The entry as JSON-ready plain data: dicts and lists only, struct_time copies left out."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if not str(k).endswith("_parsed")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
