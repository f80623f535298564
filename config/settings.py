"""The settings model behind `lingting.toml`.

Every model forbids unknown keys so that a typo is reported instead of silently ignored.
Secrets are never values here, only the *names* of environment variables (`*_env` fields).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator

from config.base import _Model
from config.envname import EnvName
from config.export import (
    AlertSettings as AlertSettings,
)
from config.export import (
    DingtalkAlert as DingtalkAlert,
)
from config.export import (
    ExportSettings as ExportSettings,
)
from config.export import (
    FeishuAlert as FeishuAlert,
)
from config.export import (
    GithubSink as GithubSink,
)
from config.export import (
    JiraSink as JiraSink,
)
from config.export import (  # re-exported: config.settings is where settings are imported from
    JsonlSink as JsonlSink,
)
from config.export import (
    SinkSettings as SinkSettings,
)
from config.export import (
    SlackAlert as SlackAlert,
)
from config.export import (
    WebhookSink as WebhookSink,
)
from config.export import (
    WecomAlert as WecomAlert,
)
from config.export import (
    ZendeskSink as ZendeskSink,
)
from config.query_syntax import QueryError, parse_query
from config.report import ReportSettings
from config.service import ServiceSettings as ServiceSettings
from config.sources import (
    AppStoreSource as AppStoreSource,
)
from config.sources import (
    BilibiliSource as BilibiliSource,
)
from config.sources import (
    DiscourseSource as DiscourseSource,
)
from config.sources import (
    FeedSource as FeedSource,
)
from config.sources import (
    GitHubSource as GitHubSource,
)
from config.sources import (
    HackerNewsSource as HackerNewsSource,
)
from config.sources import (
    RedditSource as RedditSource,
)
from config.sources import (
    SourceSettings as SourceSettings,
)
from config.sources import (
    StackExchangeSource as StackExchangeSource,
)
from config.sources import (
    TiebaSource as TiebaSource,
)
from config.sources import (  # re-exported
    V2exSource as V2exSource,
)
from config.sources import (
    WeiboSource as WeiboSource,
)


class Product(_Model):
    """A product to listen for, with the words people use for it."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    """A post that contains one of these is not about the product (e.g. another meaning of the name)."""
    competitors: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    """If set, a name or alias counts only in a post (or its thread's title) that also has one of these
    words: for names with other meanings ("Agora" + SDK, RTC, 声网)."""
    query: str | None = None
    """A boolean query that a post must satisfy instead of naming the product: AND, OR, NOT, "quoted
    phrases", NEAR/n, parentheses (sentiment/query.py), e.g. `(Agora OR 声网) AND (SDK OR RTC)`."""

    @field_validator("query")
    @classmethod
    def _readable_query(cls, query: str | None) -> str | None:
        if query is not None and query.strip():
            try:
                parse_query(query)
            except QueryError as exc:
                raise ValueError(f"{query!r} cannot be read: {exc}") from None
        return query

    @property
    def terms(self) -> list[str]:
        return [self.name, *self.aliases]


class CrawlSettings(_Model):
    user_agent: str = "lingting/0.1 (+https://github.com/lingting/lingting; social listening bot)"
    obey_robots: bool = True
    autothrottle: bool = True
    download_delay: float = Field(default=1.0, ge=0)
    concurrent_per_domain: int = Field(default=1, ge=1, le=16)
    timeout_seconds: float = Field(default=30, gt=0)
    retries: int = Field(default=2, ge=0, le=10)
    incremental: bool = True
    """Re-crawls stop at what earlier crawls stored and ask the site "changed since?"; false fetches everything."""
    retry_after_max_seconds: float = Field(default=300, ge=0)
    """A Retry-After (or Stack Exchange backoff) up to this long is waited out; longer blocks the source."""
    blocked_backoff_minutes: int = Field(default=60, ge=1)
    """A blocked source (403/429, captcha, login wall) is skipped by the crawls of this many minutes."""
    unhealthy_parse_error_rate: float = Field(default=0.2, gt=0, le=1)
    """A source whose share of unreadable responses and records (or of failed requests) passes this is
    marked unhealthy."""
    max_response_mb: float = Field(default=32, gt=0, le=1024)
    """An answer larger than this, as sent or once decompressed, is dropped and counted (a gzip bomb
    cannot fill the memory)."""
    warn_response_mb: float = Field(default=8, gt=0, le=1024)
    """An answer larger than this is logged as large."""
    ingest_process: bool = True
    """Posts are analyzed and stored by a process of their own while the crawl goes on; false: in the
    crawl's process (slower; for debugging)."""
    max_post_chars: int = Field(default=100_000, ge=1_000)
    """A post's text (and each text field of its raw record) is cut to this many characters: the head
    is kept, and the cut is marked in the raw record and counted."""


class StoreSettings(_Model):
    retention_days: int = Field(default=90, ge=0)
    """Posts' raw source records and cached response bodies older than this many days are dropped
    after each crawl (and by `lingting prune`); the posts themselves are kept. 0 keeps everything."""


class AnalysisSettings(_Model):
    negative_threshold: float = Field(default=0.4, ge=0, le=1)
    """Sentiment below this (0 = most negative) counts as negative."""
    near_duplicate_similarity: float = Field(default=0.5, gt=0, le=1)
    """Estimated Jaccard similarity of character shingles above which two posts are one cluster."""
    near_duplicate_containment: float = Field(default=0.6, gt=0, le=1)
    """Or: the share of the shorter post's shingles found in the longer one (reposts, quotes)."""
    cluster_window_days: int = Field(default=14, ge=1)
    """Distinct authors are counted within this many days."""
    incident_window_hours: float = Field(default=24, gt=0)
    """Complaints of one symptom, product and platform this close in time are one incident."""
    wide_impact_authors: int = Field(default=5, ge=2)
    """A cluster with at least this many distinct authors has wide impact."""
    models: str | None = None
    """A folder of models written by `lingting train`; unset: the models shipped in config/models."""


class WebSettings(_Model):
    """`lingting serve`: the review web app."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    timezone: str = "Asia/Shanghai"
    """Times on the pages are shown in this IANA time zone."""
    secure_cookies: bool = False
    """Mark the session cookie Secure even when the request did not arrive over https."""
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    """Addresses whose X-Forwarded-Proto / X-Forwarded-For are believed (the reverse proxy)."""
    secret_key_env: EnvName = "LINGTING_SECRET_KEY"
    """The variable holding the session signing key; unset, one is kept in a 0600 file beside the database."""
    session_hours: int = Field(default=12, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (e.g. Asia/Shanghai, UTC) / 未知时区") from None
        return name


class Settings(_Model):
    database: str = "lingting.db"
    products: list[Product] = Field(min_length=1)
    sources: list[SourceSettings] = Field(default_factory=list)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    service: ServiceSettings = Field(default_factory=ServiceSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    base_dir: Path = Field(default=Path("."), exclude=True)
    """The folder of the config file; relative paths in it are relative to this."""

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[SourceSettings]) -> list[SourceSettings]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"source name {source.name!r} is used twice / 数据源名称重复")
            seen.add(source.name)
        return sources

    @model_validator(mode="after")
    def _known_products(self) -> Settings:
        names = {p.name for p in self.products}
        for source in self.sources:
            product = getattr(source, "product", None)
            if product is not None and product not in names:
                raise ValueError(
                    f"source {source.name!r}: product {product!r} is not a configured product name "
                    f"({', '.join(sorted(names))}) / 数据源的 product 须为已配置的产品名"
                )
        return self

    def path(self, value: str) -> Path:
        """A path from the config, resolved against the config file's folder."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def database_path(self) -> Path:
        return self.path(self.database)

    def source(self, name: str) -> SourceSettings:
        for s in self.sources:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sources) or "none"
        raise KeyError(f"no source named {name!r} (configured: {known}) / 没有名为 {name!r} 的数据源")

    @property
    def product_terms(self) -> list[str]:
        return [t for p in self.products for t in p.terms]
