"""Pure response parsers: a response body in, normalized posts (`PostItem`) out.

Each source module recognises which of its responses a body is from the content alone, so a
saved file parses the same as a live response. Errors:

    ValueError
     └── ParseError    the body as a whole cannot be read (message in English / 中文)

A broken record inside a readable body never raises: it is left out and its reason listed in
`ParseResult.skipped`.
"""

from __future__ import annotations

from collections.abc import Callable
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

ParserFn = Callable[[bytes, str, datetime], ParseResult]

# Feeds are the one source that also needs the platform they stand for; see parse().
_PARSERS: dict[str, ParserFn] = {
    "v2ex": v2ex.parse,
    "discourse": discourse.parse,
    "hackernews": hackernews.parse,
    "rss": feed.parse,
    "reddit": reddit.parse,
    "stackexchange": stackexchange.parse,
    "github": github.parse,
    "appstore": appstore.parse,
    "weibo": weibo.parse,
    "tieba": tieba.parse,
    "bilibili": bilibili.parse,
}
SOURCES = tuple(_PARSERS)

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
    if source == "rss":
        return feed.parse(body, url, moment, platform=platform or feed.DEFAULT_PLATFORM)
    parser = _PARSERS.get(source)
    if parser is None:
        raise ValueError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
    return parser(body, url, moment)
