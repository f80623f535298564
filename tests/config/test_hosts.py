"""The one rule of which host is on which site (config/hosts.py), used by the crawler and the exporter."""

from __future__ import annotations

from config import settings_from_toml
from config.hosts import bare_host, host_allowed, same_site, site_of, site_pattern
from exporter.links import source_sites, url_problem


def test_a_bare_host_is_lower_case_without_a_final_dot_or_brackets():
    assert bare_host(" WWW.Example.COM. ") == "www.example.com" and bare_host("[::1]") == "::1"


def test_a_site_is_the_host_without_its_www_m_or_api_front():
    assert site_of("www.v2ex.com") == "v2ex.com" and site_of("m.weibo.cn") == "weibo.cn"
    assert site_of("api.github.com") == "github.com" and site_of("www.m.example.com") == "example.com"
    # A front that is the whole name is kept; other subdomains and addresses are their own sites.
    assert site_of("www.com") == "www.com" and site_of("forum.example.com") == "forum.example.com"
    assert site_of("127.0.0.1") == "127.0.0.1" and site_pattern("API.Example.com.") == "*.example.com"


def test_same_site_is_the_host_with_or_without_its_front_or_a_subdomain():
    assert same_site("www.v2ex.com", "v2ex.com") and same_site("forum.example.com", "example.com")
    assert same_site("EXAMPLE.com.", "www.example.com") and same_site("gist.github.com", "api.github.com")
    assert not same_site("example.com.evil.net", "example.com") and not same_site("notexample.com", "example.com")
    # A parent of a source's own subdomain is another site (a bucket host is not the whole cloud).
    assert not same_site("s3.amazonaws.com", "bucket.s3.amazonaws.com")


def test_allowed_hosts_name_a_host_or_everything_under_one():
    assert host_allowed("cdn.example.net", ["cdn.example.net"])
    assert host_allowed("CDN.example.net.", ["cdn.example.net"])
    assert host_allowed("a.b.example.net", ["*.example.net"]) and host_allowed("example.net", ["*.example.net"])
    assert not host_allowed("x.cdn.example.net", ["cdn.example.net"])
    assert not host_allowed("example.net.evil.org", ["*.example.net"]) and not host_allowed("x.org", [])


def test_a_feeds_posts_may_link_to_the_hosts_it_allows():
    settings = settings_from_toml(
        'products = [{ name = "VoxLink" }]\n'
        '[[sources]]\nname = "blog"\ntype = "rss"\nurl = "https://www.blog.example/feed"\n'
        'allowed_hosts = ["feeds.feedburner.com", "*.medium.com"]\n'
        '[[sources]]\nname = "forum"\ntype = "discourse"\nbase_url = "https://forum.example.org"\n'
    )
    sites = source_sites(settings)
    rss, forum = sites["rss"], sites["discourse"]
    for url in ("https://blog.example/p/1", "https://feeds.feedburner.com/~r/blog/1", "https://x.medium.com/p"):
        assert url_problem(url, rss) is None, url
    assert url_problem("https://feeds.feedburner.com/~r/blog/1", forum) is not None  # another source's allowance
    assert url_problem("https://evil.feeds.feedburner.com/x", rss) is not None  # a host as written, exactly
    assert url_problem("https://forum.example.org/t/1", forum) is None
    assert url_problem("https://news.ycombinator.com/item?id=1", sites["hackernews"]) is None  # a known site
