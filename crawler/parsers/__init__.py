"""Pure response parsers: a response body in, normalized posts (`PostItem`) out.

Each source module recognises which of its responses a body is from the content alone, so a
saved file parses the same as a live response. Errors:

    ValueError
     └── ParseError    the body as a whole cannot be read (message in English / 中文)

A broken record inside a readable body never raises: it is left out and its reason listed in
`ParseResult.skipped`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.parsers import (
    appstore,
    bilibili,
    discourse,
    feed,
    github,
    hackernews,
    reddit,
    stackexchange,
    tieba,
    v2ex,
    weibo,
)
from crawler.parsers.common import ParseError, ParseResult

SOURCES = (
    "v2ex", "discourse", "hackernews", "rss", "reddit", "stackexchange", "github", "appstore",
    "weibo", "tieba", "bilibili",
)  # fmt: skip

__all__ = ["SOURCES", "ParseError", "ParseResult", "parse"]


def parse(
    source: str,
    body: bytes,
    url: str = "",
    fetched_at: datetime | None = None,
    platform: str | None = None,
) -> ParseResult:
    """Parse one response of `source`.

    `url` is the request URL (empty for a saved file: the site's canonical host is used);
    `fetched_at` defaults to now; `platform` names what a feed stands for ("reddit",
    "appstore", ...) and only matters for source "rss".
    """
    moment = fetched_at or datetime.now(UTC)
    if source == "v2ex":
        return v2ex.parse(body, url, moment)
    if source == "discourse":
        return discourse.parse(body, url, moment)
    if source == "hackernews":
        return hackernews.parse(body, url, moment)
    if source == "rss":
        return feed.parse(body, url, moment, platform=platform or feed.DEFAULT_PLATFORM)
    if source == "reddit":
        return reddit.parse(body, url, moment)
    if source == "stackexchange":
        return stackexchange.parse(body, url, moment)
    if source == "github":
        return github.parse(body, url, moment)
    if source == "appstore":
        return appstore.parse(body, url, moment)
    if source == "weibo":
        return weibo.parse(body, url, moment)
    if source == "tieba":
        return tieba.parse(body, url, moment)
    if source == "bilibili":
        return bilibili.parse(body, url, moment)
    raise ValueError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
