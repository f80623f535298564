"""The demo site for re-crawls: validators and 304, the site at an earlier moment, topic chunks, scale."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from lingting.demo_site import DemoSite
from lingting.demo_site.content import load_content
from lingting.demo_site.server import Scripted
from lingting.demo_site.synthetic import synthetic_content
from lingting.demo_site.synthetic_sites import served_posts
from tests.lingting.demo_site_support import ANCHOR


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(anchor=ANCHOR) as running:
        yield running


def get(site: DemoSite, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urlopen(Request(site.base_url + path, headers=headers), timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_validators_and_not_modified(site: DemoSite) -> None:
    status, headers, body = get(site, "/feeds/weibo.rss")
    assert status == 200 and body and headers["ETag"].startswith('"')
    assert get(site, "/feeds/weibo.rss", **{"If-None-Match": headers["ETag"]})[:1] == (304,)
    assert get(site, "/feeds/weibo.rss", **{"If-None-Match": 'W/"other", ' + headers["ETag"]})[0] == 304
    assert get(site, "/feeds/weibo.rss", **{"If-None-Match": '"other"'})[0] == 200
    assert get(site, "/feeds/weibo.rss", **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    earlier = "Mon, 02 Mar 2026 08:00:00 GMT"  # an hour before the anchor
    assert get(site, "/feeds/weibo.rss", **{"If-Modified-Since": earlier})[0] == 200
    assert (("/feeds/weibo.rss", 304) in site.served) and get(site, "/api/nope")[0] == 404


def test_the_site_at_an_earlier_moment_keeps_every_id() -> None:
    with DemoSite(anchor=ANCHOR, clock=ANCHOR - timedelta(hours=3)) as site:
        early = json.loads(get(site, "/api/topics/latest.json")[2])
        early_hits = json.loads(get(site, "/hn/api/v1/search_by_date?query=&hitsPerPage=1000")[2])["hits"]
        site.set_clock(None)
        late = json.loads(get(site, "/api/topics/latest.json")[2])
        late_hits = json.loads(get(site, "/hn/api/v1/search_by_date?query=&hitsPerPage=1000")[2])["hits"]
    assert len(early) < len(late)
    replies = {topic["id"]: topic["replies"] for topic in late}
    assert all(topic["replies"] <= replies[topic["id"]] for topic in early)
    assert {hit["objectID"] for hit in early_hits} < {hit["objectID"] for hit in late_hits}


def test_topic_chunks_after_a_post_number(site: DemoSite) -> None:
    whole = json.loads(get(site, "/discourse/t/442.json")[2])["post_stream"]["posts"]
    status, _, body = get(site, "/discourse/t/442/posts.json?post_number=2&asc=true")
    chunk = json.loads(body)
    assert status == 200 and chunk["id"] == 442
    assert [p["post_number"] for p in chunk["post_stream"]["posts"]] == [p["post_number"] for p in whole[2:]]
    chosen = f"/discourse/t/442/posts.json?post_ids[]={whole[0]['id']}"
    assert [p["id"] for p in json.loads(get(site, chosen)[2])["post_stream"]["posts"]] == [whole[0]["id"]]
    assert get(site, "/discourse/t/999999/posts.json?post_number=1&asc=true")[0] == 404


def test_scripted_answers_come_first_then_the_site_again(site: DemoSite) -> None:
    site.script("/feeds/reddit.atom", Scripted(429, b"slow down", "text/plain", (("Retry-After", "7"),), times=2))
    first, second, third = (get(site, "/feeds/reddit.atom") for _ in range(3))
    assert first[0] == second[0] == 429 and first[1]["Retry-After"] == "7" and first[2] == b"slow down"
    assert third[0] == 200


def test_synthetic_content_scales_keeps_order_and_names_the_product() -> None:
    base = load_content(ANCHOR)
    content = synthetic_content(base, 3000)
    counts = served_posts(content)  # the five original kinds' threads and the newer kinds' posts
    assert set(base.threads) < set(counts) and all(counts.values()) and 2900 <= sum(counts.values()) <= 3100
    for threads in content.threads.values():
        assert [t.created for t in threads] == sorted(t.created for t in threads)
        assert len({t.id for t in threads}) == len(threads)
        for thread in threads:
            assert "VoxLink" in thread.text or "声链" in thread.text
            assert all(thread.created < r.created <= ANCHOR for r in thread.replies)
    real = synthetic_content(
        base, 200, {"zh": ["今天的外卖送得很快，味道也不错"], "en": ["great app but it drains battery"]}
    )
    texts = [t.text for ts in real.threads.values() for t in ts]
    assert any("drains battery" in t for t in texts) and any("外卖" in t for t in texts)
    assert synthetic_content(base, 3000) == content  # the same arguments, the same content


def test_a_scaled_site_serves_its_posts() -> None:
    with DemoSite(anchor=ANCHOR, scale=1000) as site:
        topics = json.loads(get(site, "/api/topics/latest.json")[2])
        hits = json.loads(get(site, "/hn/api/v1/search_by_date?query=VoxLink&hitsPerPage=1000")[2])
        issues = json.loads(get(site, "/github/search/issues?q=VoxLink")[2])
    assert len(topics) == len(site.content.threads["v2ex"]) > 30
    # The newer kinds serve their synthetic posts too, not the small demo files.
    assert issues["total_count"] * 6 == served_posts(site.content)["github"] > 60
    assert hits["nbHits"] == sum(1 + len(t.replies) for t in site.content.threads["hackernews"])
