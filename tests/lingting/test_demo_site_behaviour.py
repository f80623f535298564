"""The bundled demo site's behaviour: recent deterministic content, the repost cluster, the faults."""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.request import urlopen

import feedparser
import pytest

from lingting.demo_site import FAULTY_TOPIC_ID, DemoSite
from lingting.demo_site.content import load_content
from lingting.demo_site.routes import Router
from tests.lingting.demo_site_support import ANCHOR, ENDPOINTS, JSON_TYPE, fetch, in_window

CLUSTER = "im-push-outage"
CANONICAL = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！"


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(anchor=ANCHOR) as running:
        yield running


@pytest.fixture(scope="module")
def faulty() -> Iterator[DemoSite]:
    with DemoSite(anchor=ANCHOR, faults=True) as running:
        yield running


# --- content, determinism, cluster ----------------------------------------------------------------


def test_content_is_recent_ordered_and_sized() -> None:
    content = load_content(ANCHOR)
    threads = [thread for source in content.threads.values() for thread in source]
    assert 40 <= len(threads) <= 60
    for source in ("v2ex", "discourse", "hackernews"):
        ids = [thread.int_id for thread in content.by_source(source)]  # oldest first
        assert ids == sorted(ids), f"{source}: newer topics must have higher ids"
    for thread in threads:
        assert in_window(thread.created)
        times = [thread.created] + [reply.created for reply in thread.replies]
        assert times == sorted(times), f"{thread.source}/{thread.id}: replies out of order"


def test_responses_are_deterministic_for_an_anchor() -> None:
    base = "http://127.0.0.1:1"
    one, two = Router(load_content(ANCHOR)), Router(load_content(ANCHOR))
    other = Router(load_content(ANCHOR + timedelta(hours=1)))
    for path in ENDPOINTS:
        assert one.handle(base, path) == two.handle(base, path), path
    assert one.handle(base, "/feeds/weibo.rss") != other.handle(base, "/feeds/weibo.rss")


def test_two_live_sites_with_one_anchor_serve_the_same_bytes(site: DemoSite) -> None:
    with DemoSite(anchor=ANCHOR) as twin:
        for path in ENDPOINTS:
            mine = fetch(site, path).body.replace(site.base_url.encode(), b"BASE")
            theirs = fetch(twin, path).body.replace(twin.base_url.encode(), b"BASE")
            assert mine == theirs, path


def test_default_anchor_is_this_hour() -> None:
    before = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    anchor = DemoSite().anchor
    assert anchor.minute == anchor.second == anchor.microsecond == 0 and anchor.tzinfo is not None
    assert before <= anchor <= datetime.now(UTC)


def normalized(text: str) -> str:
    return "".join(ch for ch in text.lower() if not unicodedata.category(ch).startswith(("P", "Z", "S")))


def test_repost_cluster_has_four_authors_across_sources(site: DemoSite) -> None:
    content = load_content(ANCHOR)
    members = [
        (thread.source, thread.author, thread.title or thread.text)
        for source in content.threads.values()
        for thread in source
        if thread.cluster == CLUSTER
    ]
    members += [
        (thread.source, reply.author, reply.text)
        for source in content.threads.values()
        for thread in source
        for reply in thread.replies
        if reply.cluster == CLUSTER
    ]
    assert len({author for _, author, _ in members}) >= 4
    assert len({source for source, _, _ in members}) >= 3
    for _, author, text in members:
        ratio = difflib.SequenceMatcher(None, normalized(CANONICAL), normalized(text)[: len(CANONICAL) + 10]).ratio()
        assert ratio >= 0.5 or "一样的情况" in text, (author, text, ratio)

    served = b"".join(fetch(site, path).body for path in ENDPOINTS)
    for source, author, _ in members:
        assert author.encode() in served, (source, author)
    weibo = feedparser.parse(fetch(site, "/feeds/weibo.rss").body)
    repost = next(entry for entry in weibo.entries if " - 转发 @" in entry.title)
    assert "收不到消息" in repost.title


# --- faults ---------------------------------------------------------------------------------------


def test_faults_are_off_by_default(site: DemoSite) -> None:
    fetch(site, "/api/topics/show.json?node_name=im").json()
    topic = fetch(site, f"/discourse/t/{FAULTY_TOPIC_ID}.json")
    assert topic.status == 200 and topic.json()["id"] == FAULTY_TOPIC_ID
    assert feedparser.parse(fetch(site, "/feeds/reddit.atom").body).entries
    assert DemoSite.FAULTY_TOPIC_ID == FAULTY_TOPIC_ID


def test_fault_truncated_v2ex_node(faulty: DemoSite) -> None:
    path = "/api/topics/show.json?node_name=im"
    got = fetch(faulty, path)
    assert got.status == 200 and got.content_type == JSON_TYPE
    with pytest.raises(json.JSONDecodeError):
        got.json()
    whole = Router(load_content(ANCHOR)).handle(faulty.base_url, path).body
    assert got.body == whole[: len(whole) // 2]
    assert fetch(faulty, "/api/topics/show.json?node_name=rtc").json()


def test_fault_discourse_topic_500(faulty: DemoSite) -> None:
    for path in (f"/discourse/t/{FAULTY_TOPIC_ID}.json", f"/discourse/t/some-slug/{FAULTY_TOPIC_ID}.json"):
        got = fetch(faulty, path)
        assert got.status == 500 and got.content_type.startswith("text/html")
        assert got.body.startswith(b"<html><head><title>Internal Server Error</title>")
    assert fetch(faulty, "/discourse/t/442.json").json()["id"] == 442
    latest = fetch(faulty, "/discourse/latest.json").json()
    assert FAULTY_TOPIC_ID in [topic["id"] for topic in latest["topic_list"]["topics"]]


def test_fault_empty_reddit_feed(faulty: DemoSite) -> None:
    got = fetch(faulty, "/feeds/reddit.atom")
    assert got.status == 200 and got.content_type.startswith("application/atom+xml") and got.body == b""
    assert feedparser.parse(fetch(faulty, "/feeds/weibo.rss").body).entries


def test_everything_else_is_normal_under_faults(faulty: DemoSite, site: DemoSite) -> None:
    broken = {
        "/api/topics/show.json?node_name=im",
        f"/discourse/t/{FAULTY_TOPIC_ID}.json",
        "/feeds/reddit.atom",
    }
    for path in ENDPOINTS:
        if path not in broken:
            mine = fetch(faulty, path).body.replace(faulty.base_url.encode(), b"B")
            assert mine == fetch(site, path).body.replace(site.base_url.encode(), b"B"), path


# --- server plumbing ------------------------------------------------------------------------------


def test_requests_are_recorded_in_order() -> None:
    with DemoSite(anchor=ANCHOR) as fresh:
        for path in ("/robots.txt", "/api/topics/latest.json", "/feeds/weibo.rss?x=1", "/nope"):
            fetch(fresh, path)
        assert fresh.requests == ["/robots.txt", "/api/topics/latest.json", "/feeds/weibo.rss?x=1", "/nope"]
    fresh.stop()  # stopping twice is harmless


def test_cli_serves_until_stopped() -> None:
    command = [sys.executable, "-m", "lingting.demo_site", "--port", "0", "--anchor", ANCHOR.isoformat()]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert match, first
        with urlopen(match.group(0) + "/robots.txt", timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
