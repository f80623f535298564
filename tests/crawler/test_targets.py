"""Where a source's requests may go (crawler/targets.py) and how long a stored post may be (crawler/limits.py)."""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from config import load_settings
from crawler.items import PostItem
from crawler.limits import CUT_KEY, TITLE_CHARS, cut_post
from crawler.spiders.discourse import DiscourseSpider
from crawler.targets import TargetGuardMiddleware, TargetRefused, private_host, refusal


def test_private_loopback_and_link_local_addresses():
    for host in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "[fe80::1]", "localhost", "0.0.0.0"):
        assert private_host(host), host
    assert private_host("::ffff:169.254.169.254")  # an IPv4 address dressed as IPv6
    for host in ("93.184.216.34", "example.com", "2606:4700::1111"):
        assert not private_host(host), host


def test_refusals_say_why_and_private_sites_may_reach_private_addresses():
    site = "https://forum.example.com/discourse"
    assert refusal("https://forum.example.com/latest.json", site, [], redirected=True) is None
    assert "not an http(s) address" in (refusal("file:///etc/passwd", site, [], redirected=False) or "")
    off = refusal("https://evil.org/x", site, [], redirected=True) or ""
    assert "evil.org" in off and "allowed_hosts" in off and "重定向" in off
    assert refusal("https://evil.org/x", site, ["evil.org"], redirected=True) is None
    # Not a redirect (a link in an API answer): another public host is fetched, a private one is not.
    assert refusal("https://cdn.other.net/x", site, [], redirected=False) is None
    assert "private" in (refusal("http://169.254.169.254/latest/meta-data/", site, [], redirected=False) or "")
    assert "private" in (refusal("http://169.254.169.254/", site, ["169.254.169.254"], redirected=True) or "")
    # The demo and a self-hosted RSSHub live on private addresses: their own requests go through.
    assert refusal("http://127.0.0.1:8000/feed", "http://127.0.0.1:8000", [], redirected=False) is None
    assert refusal("http://192.168.1.5:1200/weibo", "http://192.168.1.5:1200", [], redirected=True) is None


def test_a_long_post_keeps_its_head_and_says_it_was_cut():
    item = PostItem(
        source="rss", source_post_id="1", url="https://x/1", title="标题" * 1000, text="闪退" * 100_000,
        raw={"body": "<p>" + "闪退" * 100_000, "rating": 1, "nested": [{"html": "x" * 300_000}]},
    )  # fmt: skip
    assert cut_post(item, 5_000)
    assert item.text.startswith("闪退闪退") and len(item.text) < 5_100 and "已截断" in item.text
    assert item.title is not None and len(item.title) < TITLE_CHARS + 30
    assert item.raw["rating"] == 1 and len(item.raw["nested"][0]["html"]) < 5_100
    assert item.raw[CUT_KEY] == {"text_chars": 200_000, "kept_chars": 5_000, "raw_fields_cut": 2}
    short = PostItem(source="rss", source_post_id="2", url="https://x/2", text="fine", raw={"a": "b"})
    assert not cut_post(short, 5_000) and short.raw == {"a": "b"} and short.text == "fine"


def test_the_guard_on_real_requests_and_answers(tmp_path: Path):
    config = tmp_path / "lingting.toml"
    config.write_text(
        'database = "l.db"\nproducts = [{ name = "声链" }]\n'
        '[[sources]]\nname = "forum"\ntype = "discourse"\nbase_url = "https://forum.example.com"\n',
        encoding="utf-8",
    )
    crawler = get_crawler(settings_dict={"LINGTING_CONFIG": str(config)})
    spider = DiscourseSpider()
    spider.lingting = load_settings(config)  # what from_crawler sets: the spider's settings model
    crawler.spider = spider
    guard = TargetGuardMiddleware.from_crawler(crawler)
    page = "https://forum.example.com/latest.json"
    guard.process_request(Request(page, meta={"source_name": "forum"}))  # its own site: let through
    with pytest.raises(TargetRefused, match=r"evil\.org"):
        guard.process_request(Request("https://evil.org/", meta={"source_name": "forum", "redirect_urls": [page]}))
    # A public name that resolved to a private address: the answer is dropped unread.
    inside = HtmlResponse(page, body=b"secret", ip_address=ip_address("10.0.0.7"), request=Request(page))
    with pytest.raises(TargetRefused, match=r"10\.0\.0\.7"):
        guard.process_response(Request(page, meta={"source_name": "forum"}), inside)
    outside = HtmlResponse(page, body=b"ok", ip_address=ip_address("93.184.216.34"), request=Request(page))
    assert guard.process_response(Request(page, meta={"source_name": "forum"}), outside) is outside
    assert crawler.stats.get_value("lingting/forum/refused") == 2
    # Requests of no configured source (robots.txt) are not the guard's business.
    guard.process_request(Request("http://169.254.169.254/robots.txt"))
