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
    context: list[str] = Field(default_factory=list)
    """If set, a name or alias counts only in a post (or its thread's title) that also has one of these
    words: for names with other meanings ("Agora" + SDK, RTC, 声网)."""
    query: str | None = None
    """A boolean query that a post must satisfy instead of naming the product: AND, OR, NOT, "quoted
    phrases", NEAR/n, parentheses (sentiment/query.py), e.g. `(Agora OR 声网) AND (SDK OR RTC)`."""

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


class RedditSource(_Source):
    """Reddit's public JSON, no OAuth: Reddit limits such clients hard, so keep the request count low."""

    type: Literal["reddit"]
    base_url: str = "https://www.reddit.com"
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases."""
    search_all: bool = True
    """Search all of Reddit (/search.json) for each query."""
    subreddits: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{2,21}$")]] = Field(default_factory=list)
    """Also search inside these subreddits (restrict_sr), e.g. ["webrtc", "androiddev"]."""
    subreddit_new: bool = False
    """Also take every new post of those subreddits (/r/{sub}/new.json), about the product or not."""
    comments: bool = True
    max_threads: int = Field(default=20, ge=0, le=500)
    """How many posts that name the product are opened for their comments (one request each)."""


class StackExchangeSource(_Source):
    """Stack Exchange API 2.3; without an app key an IP has 300 requests a day, so every 3 hours by default."""

    type: Literal["stackexchange"]
    every_minutes: int = Field(default=180, ge=1)
    base_url: str = "https://api.stackexchange.com"
    site: str = Field(default="stackoverflow", pattern=r"^[a-z0-9.-]+$")
    """The API's site name: stackoverflow, superuser, serverfault, android, ..."""
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases."""
    answers: bool = True
    comments: bool = True
    max_questions: int = Field(default=30, ge=0, le=100)
    """How many questions that name the product get their answers and comments (batched, 100 ids a request)."""


class GitHubSource(_Source):
    type: Literal["github"]
    base_url: str = "https://api.github.com"
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases. Each is searched as a phrase."""
    qualifiers: str = "in:title,body"
    """Added to every search, e.g. "in:title,body is:issue org:my-org"."""
    comments: bool = True
    max_issues: int = Field(default=20, ge=0, le=500)
    """How many issues that name the product are opened for their comments (one request each)."""
    token_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """Environment variable holding a token (e.g. "GITHUB_TOKEN"); search allows 10 requests a minute without."""


class AppStoreSource(_Source):
    type: Literal["appstore"]
    base_url: str = "https://itunes.apple.com"
    app_id: str = Field(pattern=r"^\d+$")
    """The number in the app's store address (apps.apple.com/.../id<app_id>)."""
    countries: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default=["us"], min_length=1)
    """Storefronts, each with its own reviews: "us", "cn", "jp", ..."""
    format: Literal["json", "xml"] = "json"
    """The feed's form; XML always dates each review, older JSON feeds do not."""
    max_pages: int = Field(default=3, ge=1, le=10)
    """Pages of 50 reviews, newest first; Apple serves 10 at most."""


class _ChineseSource(_Source):
    """Weibo, Tieba and Bilibili ban fast crawlers: each has a minimum delay between its requests."""

    queries: list[str] = Field(default_factory=list)
    """Search keywords; empty means the product names and aliases."""
    min_delay_seconds: float = Field(default=3.0, ge=0)
    """At least this long between two requests to the site, whatever [crawl] download_delay says."""


class WeiboSource(_ChineseSource):
    """m.weibo.cn keyword search; it needs a logged-in browser's cookie."""

    type: Literal["weibo"]
    base_url: str = "https://m.weibo.cn"
    cookie_env: str = Field(default="WEIBO_COOKIE", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """Environment variable holding the Cookie header of a logged-in m.weibo.cn session; unset skips the source."""
    min_delay_seconds: float = Field(default=5.0, ge=0)
    realtime: bool = True
    """Search 实时 (containerid type=61, newest first: new mentions, and a re-crawl stops where the last
    one did); false searches 综合 (type=1, Weibo's own ranking)."""
    long_text: bool = True
    """Fetch the whole text of long posts (/statuses/extend, one request each)."""


class TiebaSource(_ChineseSource):
    """Baidu Tieba keyword search, the threads found, and their 楼中楼 replies."""

    type: Literal["tieba"]
    base_url: str = "https://tieba.baidu.com"
    max_threads: int = Field(default=10, ge=0, le=200)
    """How many threads found by the search are opened for their floors and 楼中楼 replies."""
    cookie_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """Environment variable holding a logged-in Cookie header (BDUSS=…); optional, lowers the captcha rate."""


class BilibiliSource(_ChineseSource):
    """Bilibili video search (wbi-signed), the comments of videos about the product and their sub-replies."""

    type: Literal["bilibili"]
    base_url: str = "https://api.bilibili.com"
    max_videos: int = Field(default=10, ge=0, le=200)
    """How many videos about the product are opened for their comments."""
    cookie_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """Environment variable holding a browser's Cookie header (buvid3=…; SESSDATA=…); optional, avoids -412."""


SourceSettings = Annotated[
    V2exSource
    | DiscourseSource
    | HackerNewsSource
    | FeedSource
    | RedditSource
    | StackExchangeSource
    | GitHubSource
    | AppStoreSource
    | WeiboSource
    | TiebaSource
    | BilibiliSource,
    Field(discriminator="type"),
]


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
    """A source whose share of unreadable responses and records passes this is marked unhealthy."""


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
    models: str | None = None
    """A folder of models written by `lingting train`; unset: the models shipped in config/models."""


_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_SINK_NAME = r"^[a-z0-9][a-z0-9_:.-]*$"
_HTTP_URL = r"^https?://[^\s/]+(/\S*)?$"


class _Destination(_Model):
    name: str | None = Field(default=None, pattern=_SINK_NAME)
    """The key of this destination's rows in the outbox; default `<type>:<n>` (n counts per type).
    Keep it fixed once tickets went out, or they are owed to a "new" destination."""


class _HttpDestination(_Destination):
    timeout_seconds: float = Field(default=10, gt=0, le=300)
    """The whole request, connect to last byte; a slower answer counts as a timeout and is retried."""


class JsonlSink(_Destination):
    type: Literal["jsonl"]
    path: str = "tickets.jsonl"


class WebhookSink(_HttpDestination):
    """POST each CloudEvent, signed as Standard Webhooks say, with `Idempotency-Key` = event id."""

    type: Literal["webhook"]
    url: str = Field(pattern=_HTTP_URL)
    secret_env: str = Field(pattern=_ENV_NAME)
    """Environment variable holding the signing secret (`whsec_` + base64)."""


class ZendeskSink(_HttpDestination):
    type: Literal["zendesk"]
    base_url: str = Field(pattern=_HTTP_URL)
    """e.g. https://acme.zendesk.com"""
    email: str
    token_env: str = Field(pattern=_ENV_NAME)
    """Environment variable holding the API token (used as `{email}/token:{token}`)."""
    group_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    priority_map: dict[Priority, Literal["urgent", "high", "normal", "low"]] = {
        "P0": "urgent",
        "P1": "high",
        "P2": "normal",
        "P3": "low",
    }


class JiraSink(_HttpDestination):
    type: Literal["jira"]
    base_url: str = Field(pattern=_HTTP_URL)
    """e.g. https://acme.atlassian.net"""
    email: str
    token_env: str = Field(pattern=_ENV_NAME)
    project_key: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    issue_type: str = "Bug"
    labels: list[str] = ["lingting"]
    priority_map: dict[Priority, str] | None = {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low"}
    """Jira priority names; set to an empty table when the project's screen has no priority field."""


class GithubSink(_HttpDestination):
    type: Literal["github"]
    repo: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    token_env: str = Field(pattern=_ENV_NAME)
    api_url: str = Field(default="https://api.github.com", pattern=_HTTP_URL)
    labels: list[str] = ["lingting"]
    priority_labels: bool = True
    """Add a `priority:P0`-style label."""


SinkSettings = Annotated[JsonlSink | WebhookSink | ZendeskSink | JiraSink | GithubSink, Field(discriminator="type")]


class _ChatAlert(_HttpDestination):
    url_env: str = Field(pattern=_ENV_NAME)
    """Environment variable holding the robot's webhook URL (it carries the robot's token)."""
    priorities: list[Priority] = ["P0", "P1", "P2"]
    """New tickets of these priorities are announced."""
    immediate: list[Priority] = ["P0"]
    """Announced at once, one message each; the others wait for the digest."""
    window_minutes: int = Field(default=60, ge=1)
    """The others are gathered into one digest once the oldest has waited this long."""
    per_minute: int | None = Field(default=None, ge=1)
    """Messages per minute at most; default the platform's limit."""


class DingtalkAlert(_ChatAlert):
    type: Literal["dingtalk"]
    secret_env: str | None = Field(default=None, pattern=_ENV_NAME)
    """Environment variable holding the robot's `SEC…` signing secret, if signing is on."""


class FeishuAlert(_ChatAlert):
    type: Literal["feishu"]
    secret_env: str | None = Field(default=None, pattern=_ENV_NAME)


class WecomAlert(_ChatAlert):
    type: Literal["wecom"]


class SlackAlert(_ChatAlert):
    type: Literal["slack"]


AlertSettings = Annotated[DingtalkAlert | FeishuAlert | WecomAlert | SlackAlert, Field(discriminator="type")]


def _default_sinks() -> list[SinkSettings]:
    return [JsonlSink(type="jsonl")]


class ExportSettings(_Model):
    auto: list[Priority] = ["P0"]
    """Priorities exported as soon as they are detected."""
    review: list[Priority] = ["P1", "P2"]
    """Priorities exported once a reviewer confirms them."""
    sinks: list[SinkSettings] = Field(default_factory=_default_sinks)
    alerts: list[AlertSettings] = Field(default_factory=list)
    event_source: str = "urn:lingting"
    """CloudEvents `source` attribute of every exported event."""
    retry_base_seconds: float = Field(default=30, gt=0)
    """First retry after about this long; each further one waits twice as long (with jitter)."""
    retry_max_seconds: float = Field(default=3600, gt=0)
    max_attempts: int = Field(default=12, ge=1)
    """After this many failed attempts a delivery is dead (`lingting export --replay-dead` resends)."""

    @model_validator(mode="after")
    def _disjoint(self) -> ExportSettings:
        both = sorted(set(self.auto) & set(self.review))
        if both:
            raise ValueError(f"{', '.join(both)} cannot be both auto and review / 不能同时是自动导出和待审核")
        names = self.destination_names()
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"sink/alert name used twice: {', '.join(twice)} / 导出目标名称重复")
        return self

    def destination_names(self) -> list[str]:
        """The outbox key of every sink, then every alert, in config order."""
        seen: dict[str, int] = {}
        names: list[str] = []
        for item in [*self.sinks, *self.alerts]:
            n = seen.get(item.type, 0)
            seen[item.type] = n + 1
            names.append(item.name or f"{item.type}:{n}")
        return names


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

    def source(self, name: str) -> SourceSettings:
        for s in self.sources:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sources) or "none"
        raise KeyError(f"no source named {name!r} (configured: {known}) / 没有名为 {name!r} 的数据源")

    @property
    def product_terms(self) -> list[str]:
        return [t for p in self.products for t in p.terms]
