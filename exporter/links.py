"""Which post addresses a ticket may link to: http(s) addresses of the site the post came from.

A post's `url` is crawled data. A feed item can say `javascript:…`, `data:…`, or point at a
phishing page; a ticket that links it lends that page our name. So a record carries a post's URL
only when it is http(s), plain (no space, control or markup character), and on the site of the
post's source: the host of a configured source of that platform (its `base_url`, or a feed's
`url`) or a host its `allowed_hosts` names, or a web site the platform is known to serve its posts
from (an API host's posts live elsewhere: hn.algolia.com -> news.ycombinator.com). Anything else is
left out, with the reason. What "on the site" means is config.hosts's rule, the crawler's too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from urllib.parse import urlsplit

from config.hosts import host_allowed, site_pattern
from config.settings import FeedSource, Settings
from exporter.inert import plain

KNOWN_SITES: Mapping[str, tuple[str, ...]] = {
    "v2ex": ("v2ex.com",),
    "hackernews": ("news.ycombinator.com",),
    "reddit": ("reddit.com", "redd.it"),
    "stackexchange": ("stackoverflow.com", "stackexchange.com", "superuser.com", "serverfault.com",
                      "askubuntu.com", "mathoverflow.net"),
    "github": ("github.com",),
    "appstore": ("apple.com",),
    "weibo": ("weibo.com", "weibo.cn"),
    "tieba": ("tieba.baidu.com",),
    "bilibili": ("bilibili.com", "b23.tv"),
    "zhihu": ("zhihu.com",),
}  # fmt: skip
"""Where each platform's posts are read on the web, beside the configured hosts."""
_MARKUP = re.compile(r"[<>\"'`()\[\]{}|\\^*]")


def source_sites(settings: Settings) -> dict[str, frozenset[str]]:
    """Platform (a post's `source`) -> the hosts its posts' links may point at, as `allowed_hosts`
    entries: each site (known, or of a configured source's address) with all under it, and what
    the platform's sources allow besides (a feed whose items live on feedburner)."""
    sites: dict[str, set[str]] = {k: {site_pattern(h) for h in v} for k, v in KNOWN_SITES.items()}
    for source in settings.sources:
        platform = source.platform if isinstance(source, FeedSource) else source.type
        hosts = sites.setdefault(platform, set())
        hosts.update(source.allowed_hosts)
        if host := urlsplit(source.site_url).hostname:
            hosts.add(site_pattern(host))
    return {platform: frozenset(hosts) for platform, hosts in sites.items()}


def _unreadable(c: str) -> bool:
    return c.isspace() or unicodedata.category(c).startswith(("C", "Z"))


def url_problem(url: str, sites: Collection[str]) -> str | None:
    """Why `url` may not be linked from a ticket about a post of a source on `sites` (`allowed_hosts`
    entries, as `source_sites` gives them); None if it may."""
    if not url:
        return "the post has no address / 帖子没有链接"
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        return f"not an http(s) address ({plain(scheme, 20) or 'none'}) / 不是 http(s) 链接"
    if any(_unreadable(c) for c in url):
        return "the address holds spaces or invisible characters / 链接含空白或不可见字符"
    if _MARKUP.search(url):
        return "the address holds markup characters / 链接含标记字符"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not url.lower().startswith(f"{scheme}://") or not host or parts.username is not None:
        return "the address names no plain host / 链接没有正常的主机名"
    if not host_allowed(host, sites):
        return "the address is not on the site of the post's source / 链接不在该数据源的网站上"
    return None
