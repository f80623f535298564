"""Source settings: one model per source type, told apart by `type`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from config.base import _Model
from config.envname import EnvName
from config.web import HostName, HttpUrl


class _Source(_Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    enabled: bool = True
    every_minutes: float = Field(default=60, ge=0.05)
    """How often the scheduler crawls this source (fractions allowed: 0.5 is every 30 seconds)."""
    max_pages: int = Field(default=3, ge=1, le=100)
    allowed_hosts: list[HostName] = Field(default_factory=list)
    """Hosts besides the source's own site that a redirect may lead to, and that tickets may link its
    posts on (`*.example.com` for all under it; config/hosts.py); a redirect anywhere else is
    refused and counted, a post's link anywhere else left out of the ticket."""

    @property
    def site_url(self) -> str:
        """The address the source's requests start from: its `base_url` (a feed's `url`)."""
        return str(getattr(self, "base_url", None) or getattr(self, "url", ""))


class V2exSource(_Source):
    type: Literal["v2ex"]
    base_url: HttpUrl = "https://www.v2ex.com"
    latest: bool = True
    nodes: list[str] = Field(default_factory=list)


class DiscourseSource(_Source):
    type: Literal["discourse"]
    base_url: HttpUrl
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases."""
    latest: bool = True
    posts: bool = True
    max_topics: int = Field(default=30, ge=0, le=1000)
    """How many topics seen in latest/search are opened for their posts."""


class HackerNewsSource(_Source):
    type: Literal["hackernews"]
    base_url: HttpUrl = "https://hn.algolia.com"
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases."""
    tags: list[Literal["story", "comment"]] = ["story", "comment"]
    since_days: int = Field(default=7, ge=1)


class FeedSource(_Source):
    type: Literal["rss"]
    url: HttpUrl
    platform: str = "rss"
    """Recorded as the posts' source platform (e.g. `weibo` for an RSSHub Weibo route)."""


class RedditSource(_Source):
    """Reddit's public JSON, no OAuth: Reddit limits such clients hard, so keep the request count low."""

    type: Literal["reddit"]
    base_url: HttpUrl = "https://www.reddit.com"
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
    every_minutes: float = Field(default=180, ge=0.05)
    base_url: HttpUrl = "https://api.stackexchange.com"
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
    base_url: HttpUrl = "https://api.github.com"
    queries: list[str] = Field(default_factory=list)
    """Search terms; empty means the product names and aliases. Each is searched as a phrase."""
    qualifiers: str = "in:title,body"
    """Added to every search, e.g. "in:title,body is:issue org:my-org"."""
    comments: bool = True
    max_issues: int = Field(default=20, ge=0, le=500)
    """How many issues that name the product are opened for their comments (one request each)."""
    token_env: EnvName | None = None
    """Environment variable holding a token (e.g. "GITHUB_TOKEN"); search allows 10 requests a minute without."""


class AppStoreSource(_Source):
    type: Literal["appstore"]
    base_url: HttpUrl = "https://itunes.apple.com"
    app_id: str = Field(pattern=r"^\d+$")
    """The number in the app's store address (apps.apple.com/.../id<app_id>)."""
    countries: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default=["us"], min_length=1)
    """Storefronts, each with its own reviews: "us", "cn", "jp", ..."""
    format: Literal["json", "xml"] = "json"
    """The feed's form; XML always dates each review, older JSON feeds do not."""
    max_pages: int = Field(default=3, ge=1, le=10)
    """Pages of 50 reviews, newest first; Apple serves 10 at most."""
    product: str | None = None
    """The configured product (its `name`) whose own app this is: its reviews are about it whatever
    their words ("闪退了, 垃圾"). Unset: a review is judged by its words, like any post."""


class _ChineseSource(_Source):
    """Weibo, Tieba and Bilibili ban fast crawlers: each has a minimum delay between its requests."""

    queries: list[str] = Field(default_factory=list)
    """Search keywords; empty means the product names and aliases."""
    min_delay_seconds: float = Field(default=3.0, ge=0)
    """At least this long between two requests to the site, whatever [crawl] download_delay says."""


class WeiboSource(_ChineseSource):
    """m.weibo.cn keyword search; it needs a logged-in browser's cookie."""

    type: Literal["weibo"]
    base_url: HttpUrl = "https://m.weibo.cn"
    cookie_env: EnvName = "WEIBO_COOKIE"
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
    base_url: HttpUrl = "https://tieba.baidu.com"
    max_threads: int = Field(default=10, ge=0, le=200)
    """How many threads found by the search are opened for their floors and 楼中楼 replies."""
    cookie_env: EnvName | None = None
    """Environment variable holding a logged-in Cookie header (BDUSS=…); optional, lowers the captcha rate."""


class BilibiliSource(_ChineseSource):
    """Bilibili video search (wbi-signed), the comments of videos about the product and their sub-replies."""

    type: Literal["bilibili"]
    base_url: HttpUrl = "https://api.bilibili.com"
    max_videos: int = Field(default=10, ge=0, le=200)
    """How many videos about the product are opened for their comments."""
    cookie_env: EnvName | None = None
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
