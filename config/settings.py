"""The settings model behind `lingting.toml`.

Every model forbids unknown keys so that a typo is reported instead of silently ignored.
Secrets are never values here, only the *names* of environment variables (`*_env` fields).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Priority = Literal["P0", "P1", "P2", "P3"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Product(_Model):
    """A product to listen for, with the words people use for it."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    """A post that contains one of these is not about the product (e.g. another meaning of the name)."""
    competitors: list[str] = Field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        return [self.name, *self.aliases]


class _Source(_Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    enabled: bool = True
    every_minutes: int = Field(default=60, ge=1)
    """How often the scheduler crawls this source."""
    max_pages: int = Field(default=3, ge=1, le=100)


class V2exSource(_Source):
    type: Literal["v2ex"]
    base_url: str = "https://www.v2ex.com"
    latest: bool = True
    nodes: list[str] = Field(default_factory=list)


class DiscourseSource(_Source):
    type: Literal["discourse"]
    base_url: str
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases."""
    latest: bool = True
    posts: bool = True
    max_topics: int = Field(default=30, ge=0, le=1000)
    """How many topics seen in latest/search are opened for their posts."""


class HackerNewsSource(_Source):
    type: Literal["hackernews"]
    base_url: str = "https://hn.algolia.com"
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases."""
    tags: list[Literal["story", "comment"]] = ["story", "comment"]
    since_days: int = Field(default=7, ge=1)


class FeedSource(_Source):
    type: Literal["rss"]
    url: str
    platform: str = "rss"
    """Recorded as the posts' source platform (e.g. `weibo` for an RSSHub Weibo route)."""


SourceSettings = Annotated[V2exSource | DiscourseSource | HackerNewsSource | FeedSource, Field(discriminator="type")]


class CrawlSettings(_Model):
    user_agent: str = "lingting/0.1 (+https://github.com/lingting/lingting; social listening bot)"
    obey_robots: bool = True
    autothrottle: bool = True
    download_delay: float = Field(default=1.0, ge=0)
    concurrent_per_domain: int = Field(default=1, ge=1, le=16)
    timeout_seconds: float = Field(default=30, gt=0)
    retries: int = Field(default=2, ge=0, le=10)


class AnalysisSettings(_Model):
    negative_threshold: float = Field(default=0.4, ge=0, le=1)
    """Sentiment below this (0 = most negative) counts as negative."""
    near_duplicate_similarity: float = Field(default=0.5, gt=0, le=1)
    """Estimated Jaccard similarity of character shingles above which two posts are one cluster."""
    near_duplicate_containment: float = Field(default=0.6, gt=0, le=1)
    """Or: the share of the shorter post's shingles found in the longer one (reposts, quotes)."""
    cluster_window_days: int = Field(default=14, ge=1)
    """Distinct authors are counted within this many days."""
    wide_impact_authors: int = Field(default=5, ge=2)
    """A cluster with at least this many distinct authors has wide impact."""


class JsonlSink(_Model):
    type: Literal["jsonl"]
    path: str = "tickets.jsonl"


SinkSettings = Annotated[JsonlSink, Field(discriminator="type")]


class ExportSettings(_Model):
    auto: list[Priority] = ["P0"]
    """Priorities exported as soon as they are detected."""
    review: list[Priority] = ["P1", "P2"]
    """Priorities exported once a reviewer confirms them."""
    sinks: list[SinkSettings] = Field(default_factory=lambda: [JsonlSink(type="jsonl")])
    event_source: str = "urn:lingting"
    """CloudEvents `source` attribute of every exported event."""

    @model_validator(mode="after")
    def _disjoint(self) -> ExportSettings:
        both = sorted(set(self.auto) & set(self.review))
        if both:
            raise ValueError(f"{', '.join(both)} cannot be both auto and review / 不能同时是自动导出和待审核")
        return self


class Settings(_Model):
    database: str = "lingting.db"
    products: list[Product] = Field(min_length=1)
    sources: list[SourceSettings] = Field(default_factory=list)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    base_dir: Path = Field(default=Path("."), exclude=True)
    """The folder of the config file; relative paths in it are relative to this."""

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[_Source]) -> list[_Source]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"source name {source.name!r} is used twice / 数据源名称重复")
            seen.add(source.name)
        return sources

    def path(self, value: str) -> Path:
        """A path from the config, resolved against the config file's folder."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def database_path(self) -> Path:
        return self.path(self.database)

    def source(self, name: str) -> V2exSource | DiscourseSource | HackerNewsSource | FeedSource:
        for s in self.sources:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sources) or "none"
        raise KeyError(f"no source named {name!r} (configured: {known}) / 没有名为 {name!r} 的数据源")

    @property
    def product_terms(self) -> list[str]:
        return [t for p in self.products for t in p.terms]
