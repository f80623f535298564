"""Which host belongs to which site: one rule for the crawler (where a redirect may lead) and the
exporter (which post addresses a ticket may link to). Pure functions over host names.

A site is a host without its `www.`, `m.` or `api.` front (`api.github.com` and `m.weibo.cn` serve
the sites github.com and weibo.cn); a host is on a site when it is the site or under it. A source
may name more hosts in `allowed_hosts`: a host as written, or `*.example.com` for example.com and
everything under it.
"""

from __future__ import annotations

from collections.abc import Iterable

SITE_FRONTS = ("www.", "m.", "api.")
"""Fronts a site's own hosts carry; taken off (while a dot is left) to find the site."""


def bare_host(host: str) -> str:
    """`host` as compared: lower case, without a final dot or IPv6 brackets."""
    return host.strip().lower().rstrip(".").strip("[]")


def site_of(host: str) -> str:
    """The site `host` serves: its bare form without the fronts of SITE_FRONTS."""
    site = bare_host(host)
    while (front := next((f for f in SITE_FRONTS if site.startswith(f)), None)) and site.count(".") > 1:
        site = site[len(front) :]
    return site


def site_pattern(host: str) -> str:
    """The `allowed_hosts` entry that allows the site of `host` and everything under it."""
    return "*." + site_of(host)


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """`host` is named in `allowed`, or falls under one of its `*.example.com` entries."""
    host = bare_host(host)
    for entry in allowed:
        entry = bare_host(entry)
        if entry.startswith("*."):
            if host == entry[2:] or host.endswith(entry[1:]):
                return True
        elif host == entry:
            return True
    return False


def same_site(host: str, site_host: str) -> bool:
    """`host` is on the site of `site_host`: the site itself (with or without www.) or under it."""
    return host_allowed(host, [site_pattern(site_host)])
