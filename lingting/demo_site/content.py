"""Load the demo posts from posts.json and put them on the clock of one anchor time.

The data file holds ages in minutes, never dates, so the same file serves recent posts on any
day; everything here is a pure function of (posts.json, anchor), which is what makes responses
byte-identical for a given anchor. Source-specific ids (reply ids, post ids) are assigned by the
renderers, because each site numbers things its own way.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

SOURCES = ("v2ex", "discourse", "hackernews", "weibo", "reddit")


@dataclass(frozen=True)
class Reply:
    """A reply or comment under a thread; `parent` and `reply_to` keep the data file's references."""

    author: str
    name: str
    text: str
    created: datetime
    likes: int = 0
    parent: int | None = None  # HN: index of the comment answered, None for the story itself
    reply_to: int | None = None  # Discourse: post_number answered
    cluster: str | None = None


@dataclass(frozen=True)
class Thread:
    """A top-level post with its replies, oldest reply first (the data file is written in that order)."""

    source: str
    id: str
    author: str
    name: str
    title: str
    text: str
    created: datetime
    replies: tuple[Reply, ...] = ()
    likes: int = 0
    cluster: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def int_id(self) -> int:
        return int(self.id)

    @property
    def last_activity(self) -> datetime:
        return self.replies[-1].created if self.replies else self.created


@dataclass(frozen=True)
class Content:
    anchor: datetime
    threads: dict[str, tuple[Thread, ...]]  # by source, oldest first
    v2ex_nodes: dict[str, dict[str, Any]]
    discourse_categories: dict[int, str]
    weibo_keyword: str
    reddit_query: str

    def by_source(self, source: str) -> tuple[Thread, ...]:
        return self.threads[source]


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def as_utc(moment: datetime) -> datetime:
    # A naive anchor is taken as UTC rather than local time, so tests are machine-independent.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stable_int(text: str, span: int, base: int = 0) -> int:
    """A number derived from text that is the same on every run (hash() is salted per process)."""
    return base + zlib.crc32(text.encode("utf-8")) % span


def user_id(username: str) -> int:
    return stable_int(username, 900_000, 100_000)


def iso_ms(moment: datetime) -> str:
    """Discourse style: 2026-01-21T23:29:42.524Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_seconds(moment: datetime) -> str:
    """Algolia style: 2026-07-09T12:48:52Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def escape_html(text: str) -> str:
    # Escape quotes too: the same helper fills attribute values.
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def blocks(text: str) -> list[tuple[bool, str]]:
    """Split text into paragraphs; (True, code) for blocks whose lines are all indented 4 spaces."""
    result: list[tuple[bool, str]] = []
    for chunk in text.split("\n\n"):
        lines = chunk.split("\n")
        if all(line.startswith("    ") for line in lines):
            result.append((True, "\n".join(line[4:] for line in lines)))
        elif chunk.strip():
            result.append((False, chunk))
    return result


def paragraphs_html(text: str, line_break: str = "<br>") -> list[str]:
    """Each block as one HTML element: <p>..</p> or <pre><code>..</code></pre>."""
    rendered = []
    for is_code, chunk in blocks(text):
        if is_code:
            rendered.append(f"<pre><code>{escape_html(chunk)}</code></pre>")
        else:
            rendered.append("<p>" + escape_html(chunk).replace("\n", line_break) + "</p>")
    return rendered


def plain_excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def slugify(title: str) -> str:
    """Discourse's default ASCII slug: latin words joined by '-', 'topic' when none are left."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words) or "topic"


@cache
def _raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("posts.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _moment(anchor: datetime, age_min: int, salt: str) -> datetime:
    # Up to 59.999 s of jitter keeps times realistic; ages differ by >= 1 minute, so order holds.
    jitter_ms = stable_int(salt, 60_000)
    return anchor - timedelta(minutes=age_min, milliseconds=jitter_ms)


def _reply(anchor: datetime, raw: dict[str, Any], salt: str) -> Reply:
    return Reply(
        author=raw["author"],
        name=raw.get("name", ""),
        text=raw["text"],
        created=_moment(anchor, raw["age_min"], salt),
        likes=raw.get("likes", 0),
        parent=raw.get("parent"),
        reply_to=raw.get("reply_to"),
        cluster=raw.get("cluster"),
    )


def _thread(source: str, anchor: datetime, raw: dict[str, Any], id_key: str, replies_key: str) -> Thread:
    ident = str(raw[id_key])
    salt = f"{source}/{ident}"
    replies = tuple(_reply(anchor, item, f"{salt}/{index}") for index, item in enumerate(raw.get(replies_key, [])))
    known = {"author", "name", "title", "text", "age_min", "likes", "cluster", id_key, replies_key}
    return Thread(
        source=source,
        id=ident,
        author=raw["author"],
        name=raw.get("name", ""),
        title=raw.get("title", ""),
        text=raw["text"],
        created=_moment(anchor, raw["age_min"], salt),
        replies=replies,  # data order: HN parent indices and Discourse post numbers rely on it
        likes=raw.get("likes", 0),
        cluster=raw.get("cluster"),
        extra={key: value for key, value in raw.items() if key not in known},
    )


@cache
def load_content(anchor: datetime) -> Content:
    """All demo threads with absolute times; cached, since a site asks for the same anchor often."""
    anchor = as_utc(anchor)
    raw = _raw()
    plan = {
        "v2ex": (raw["v2ex"]["topics"], "id", "replies"),
        "discourse": (raw["discourse"]["topics"], "id", "replies"),
        "hackernews": (raw["hackernews"]["stories"], "id", "comments"),
        "weibo": (raw["weibo"]["posts"], "bid", "-"),
        "reddit": (raw["reddit"]["posts"], "id", "-"),
    }
    threads = {
        source: tuple(
            sorted(
                (_thread(source, anchor, item, id_key, replies_key) for item in items),
                key=lambda thread: thread.created,
            )
        )
        for source, (items, id_key, replies_key) in plan.items()
    }
    return Content(
        anchor=anchor,
        threads=threads,
        v2ex_nodes=raw["v2ex"]["nodes"],
        discourse_categories={int(key): name for key, name in raw["discourse"]["categories"].items()},
        weibo_keyword=raw["weibo"]["keyword"],
        reddit_query=raw["reddit"]["query"],
    )
