"""Where a source's requests may go: http(s) only, its own site, and private addresses only for a private site.

A redirect that leaves the source's site (config/hosts.py: the site's host, without www./m./api.,
or a host under it) is refused unless the source lists the host in `allowed_hosts`; a private,
loopback or link-local address (a cloud's metadata service at 169.254.169.254, a router, the
machine itself) is refused unless the source's own address is one (a self-hosted RSSHub, the demo
site on 127.0.0.1). Refusals are counted per source and named in the run summary. A host name is
judged as written before the request and by the address it resolved to after: an answer from a
private address to a source on a public site is dropped unread.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from config.hosts import bare_host, host_allowed, same_site
from crawler.report import count

LOCAL_NAMES = ("localhost", "localhost.localdomain")


class TargetRefused(IgnoreRequest):
    """A request of a source to a place it may not go; the message says why, in English and Chinese."""


def private_host(host: str) -> bool:
    """A loopback, private, link-local or otherwise not public address (as an IP literal or localhost)."""
    host = bare_host(host)
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global


def refusal(url: str, site_url: str, allowed: Sequence[str], *, redirected: bool) -> str | None:
    """Why a request of a source (whose address is `site_url`) may not fetch `url`; None if it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url[:100]}: not an http(s) address, not fetched / 不是 http(s) 网址, 未抓取"
    host, site_host = parts.hostname, urlsplit(site_url).hostname or ""
    if redirected and not same_site(host, site_host) and not host_allowed(host, allowed):
        return (
            f"redirected to another site ({host}), not followed; add it to the source's allowed_hosts"
            f" if it is expected / 重定向到其他网站 {host}, 未跟随; 如属正常, 请加入 allowed_hosts"
        )
    if private_host(host) and not private_host(site_host):
        return f"{host} is a private or local address, not fetched / {host} 是内网或本机地址, 未抓取"
    return None


class TargetGuardMiddleware:
    """Refuses a source's requests (redirected ones included) that go where the source may not."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> TargetGuardMiddleware:
        return cls(crawler)

    def _source(self, request: Any) -> Any:
        name = request.meta.get("source_name")
        model = getattr(getattr(self.crawler, "spider", None), "lingting", None)
        return model.source(name) if name and model is not None else None

    def _refuse(self, source: Any, why: str) -> None:
        count(self.crawler, source.name, "refused")
        raise TargetRefused(why)

    def process_request(self, request: Any, spider: Any = None) -> None:
        source = self._source(request)
        if source is None:
            return
        why = refusal(
            request.url, source.site_url, source.allowed_hosts, redirected=bool(request.meta.get("redirect_urls"))
        )
        if why is not None:
            self._refuse(source, why)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        source = self._source(request)
        address = getattr(response, "ip_address", None)
        if source is None or address is None:
            return response
        host = urlsplit(response.url).hostname or ""
        if private_host(str(address)) and not private_host(urlsplit(source.site_url).hostname or ""):
            self._refuse(
                source,
                f"{host} resolved to the private address {address}; the answer was dropped"
                f" / {host} 解析为内网地址 {address}, 响应已丢弃",
            )
        return response
