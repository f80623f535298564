"""The normalized post that every parser returns (fields as in DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

PostKind = Literal["post", "comment", "review"]


@dataclass
class PostItem:
    source: str
    """The platform: v2ex, discourse, hackernews, rss (or the platform a feed stands for)."""
    source_post_id: str
    """Unique within `source`; multi-site platforms (Discourse, feeds) prefix the site's host."""
    url: str
    kind: PostKind = "post"
    thread_id: str | None = None
    parent_id: str | None = None
    title: str | None = None
    text: str = ""
    """Plain text, HTML removed."""
    author: str | None = None
    author_id: str | None = None
    author_followers: int | None = None
    created_at: str | None = None
    """ISO 8601 in UTC, e.g. 2026-11-25T01:02:03Z."""
    likes: int | None = None
    replies: int | None = None
    lang: str | None = None
    fetched_at: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    """The source's own record, for audit."""
    source_name: str | None = None
    """The configured source (lingting.toml `sources[].name`) that found the post; set by the spider."""

    def to_dict(self) -> dict[str, Any]:
        # Shallow: the raw record is shared, not copied (a deep copy of every post cost the crawl 5 %).
        return {f.name: getattr(self, f.name) for f in fields(self)}
