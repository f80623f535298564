"""End to end: incremental re-crawls, an interrupted crawl, blocks and waits; real crawls in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from config import load_settings
from config.settings import FeedSource
from lingting.demo import DEMO_CRAWL, DEMO_PRODUCT, demo_config, demo_environment, demo_sources, toml_table
from lingting.demo_site import DemoSite
from lingting.demo_site.server import Scripted
from store import Store, crawl_state

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, **demo_environment(), "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
TOPIC_POSTS = re.compile(r"^/discourse/t/(\d+)/posts\.json\?post_number=(\d+)&asc=true$")
TOPIC = re.compile(r"^/discourse/t/(\d+)\.json$")
# The demo site's thread visits: replies, comments, answers of one topic, post, issue or question.
THREAD_VISIT = re.compile(
    r"^/(discourse/t/|api/replies/|reddit/comments/|github/repos/[^?]*/comments|se/2\.3/questions/)"
)
# Whose first pages are asked for anew each run, so never answered 304: HN's window starts at the
# last pass's newest item, Bilibili's searches are signed with the time.
NEW_URL_EACH_RUN = {"hackernews", "bilibili"}


def lingting(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lingting.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO, env=ENV)


# The demo site's copies of the four source types whose spiders follow the incremental protocol
# (crawler/spiders/base.py); the sources added since are checked by bench/crawl.
SOURCES = ("v2ex", "forum", "hn", "weibo-rss", "reddit")


def config_in(folder: Path, site: DemoSite) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lingting.toml"
    sources = demo_sources(site.base_url, only=SOURCES)
    path.write_text(
        f'database = "lingting.db"\n{DEMO_PRODUCT}\n{sources}\n{toml_table("[crawl]", DEMO_CRAWL)}', encoding="utf-8"
    )
    return path


def crawl(config: Path, *, exit_code: int = 0) -> subprocess.CompletedProcess[str]:
    """Crawl; the exit code is 1 when a source was not healthy (blocked, backing off, failing)."""
    result = lingting("crawl", "-c", str(config))
    assert result.returncode == exit_code, result.stdout + result.stderr
    return result


def store_of(config: Path) -> Store:
    return Store(load_settings(config).database_path)


def post_keys(store: Store) -> set[tuple[str, str]]:
    return {(p["source"], p["source_post_id"]) for p in store.query("SELECT source, source_post_id FROM posts")}


def assert_no_duplicates(store: Store) -> None:
    rows = store.query("SELECT count(*) AS n, count(DISTINCT source || '\x1f' || source_post_id) AS d FROM posts")
    assert rows[0]["n"] == rows[0]["d"]


def site_requests(site: DemoSite) -> list[tuple[str, int]]:
    return [(target, status) for target, status in site.served if target != "/robots.txt"]


@pytest.fixture
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


@pytest.fixture
def reference(tmp_path: Path, site: DemoSite) -> set[tuple[str, str]]:
    """What one crawl of the whole site in a fresh database finds."""
    config = config_in(tmp_path / "reference", site)
    crawl(config)
    site.served.clear()
    found = post_keys(store_of(config))
    assert len(found) > 80 and {source for source, _ in found} == {"v2ex", "discourse", "hackernews", "weibo", "reddit"}
    return found


def prefix_of(source: Any) -> str:
    """The request targets of a source start with the path of its feed URL or its base URL."""
    if isinstance(source, FeedSource):
        return urlsplit(source.url).path
    return urlsplit(source.base_url).path.rstrip("/") + "/"


def source_of(target: str, prefixes: dict[str, str]) -> str:
    """The source whose base URL (or feed URL) is the longest prefix of a request target."""
    path = target.split("?")[0]
    found = [(len(prefix), name) for name, prefix in prefixes.items() if path.startswith(prefix)]
    assert found, target
    return max(found)[1]


def test_second_crawl_of_an_unchanged_site_sends_one_request_per_listing(tmp_path: Path, site: DemoSite):
    # Every source of the demo config: one of each source type, as `lingting demo` crawls them.
    config = tmp_path / "lingting.toml"
    config.write_text(demo_config(site.base_url), encoding="utf-8")
    sources = load_settings(config).sources
    prefixes = {s.name: prefix_of(s) for s in sources}
    crawl(config)
    store = store_of(config)
    first = len(site_requests(site))
    site.served.clear()

    second = crawl(config)
    # Nothing else either: Bilibili reuses the signing keys it fetched in the first crawl.
    requests = site_requests(site)
    listings = Counter(row["source_name"] for row in crawl_state.listings(store))
    sent = Counter(source_of(target, prefixes) for target, _ in requests)
    # One request per (source, query): every listing's first page, once, and nothing else.
    assert set(listings) == {s.name for s in sources}
    assert all(sent[name] <= listings[name] for name in listings), (sent, listings)
    assert len(requests) < first
    assert len({target for target, _ in requests}) == len(requests)
    assert not [t for t, _ in requests if THREAD_VISIT.match(t)]
    renewed = {s.name for s in sources if s.type in NEW_URL_EACH_RUN}
    assert not [(t, status) for t, status in requests if status != 304 and source_of(t, prefixes) not in renewed]
    runs = store.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", (len(sources),))
    assert {r["source_name"] for r in runs} == set(listings)
    assert all(r["new_posts"] == 0 and r["health"] == "ok" and r["posts_parsed"] > 0 for r in runs), runs
    assert sum(r["not_modified"] for r in runs) == sum(1 for _, status in requests if status == 304)
    assert sum(r["status_codes"].get("304", 0) for r in runs) == sum(r["not_modified"] for r in runs)
    assert "304" in second.stdout and "ok" in second.stdout

    checked = lingting("sources", "-c", str(config), "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("ok 正常") == len(sources)


def test_new_posts_and_replies_are_fetched_and_only_they(
    tmp_path: Path, site: DemoSite, reference: set[tuple[str, str]]
):
    config = config_in(tmp_path / "incremental", site)
    site.set_clock(site.anchor - timedelta(hours=3))
    crawl(config)
    store = store_of(config)
    earlier = post_keys(store)
    visited = {
        row["thread_id"].rpartition(":t:")[2]: row["cursor"] for row in store.query("SELECT * FROM crawl_threads")
    }
    assert earlier < reference

    site.set_clock(None)
    site.served.clear()
    crawl(config)
    requests = [target for target, _ in site_requests(site)]
    assert post_keys(store) >= reference  # nothing a full crawl finds is missing
    assert_no_duplicates(store)

    # Topics seen before are read from where their last visit stopped; only new topics are opened whole.
    revisits = [TOPIC_POSTS.match(t) for t in requests if TOPIC_POSTS.match(t)]
    assert revisits, requests
    for match in revisits:
        assert match and visited.get(f"{match.group(1)}") == match.group(2)
    for target in requests:
        if found := TOPIC.match(target):
            assert found.group(1) not in visited
    runs = store.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 5")
    assert sum(r["new_posts"] for r in runs) == len(post_keys(store) - earlier)


def test_a_crawl_killed_half_way_resumes_without_loss_or_doubles(
    tmp_path: Path, site: DemoSite, reference: set[tuple[str, str]]
):
    config = config_in(tmp_path / "killed", site)
    site.delay = 0.05
    command = [sys.executable, "-m", "lingting.cli", "crawl", "-c", str(config)]
    process = subprocess.Popen(command, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(site_requests(site)) < 15 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process.poll() is None, "the crawl ended before it could be interrupted"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    store = store_of(config)
    interrupted = post_keys(store)
    assert interrupted < reference, "the crawl was stopped half-way"

    site.delay = 0.0
    crawl(config)
    assert post_keys(store) >= reference
    assert_no_duplicates(store)

    # The state left behind is consistent: a third crawl of the unchanged site is back to one request a listing.
    site.served.clear()
    crawl(config)
    assert len(site_requests(site)) <= len(crawl_state.listings(store))


def ingest_child(pid: int) -> int | None:
    """The crawl's ingest process (crawler/ingest_process.py), once started: a spawned child."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                return int(child)
    return None


def test_a_killed_ingest_process_leaves_the_crawl_unhealthy_and_the_next_crawl_complete(
    tmp_path: Path, site: DemoSite, reference: set[tuple[str, str]]
):
    config = config_in(tmp_path / "ingest-killed", site)
    site.delay = 0.05
    command = [sys.executable, "-m", "lingting.cli", "crawl", "-c", str(config)]
    process = subprocess.Popen(command, cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(site_requests(site)) < 15 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        ingest = ingest_child(process.pid)
        assert process.poll() is None and ingest is not None, "the crawl ended before its ingest could be killed"
        os.kill(ingest, signal.SIGKILL)
        output, _ = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, output  # not healthy: posts were lost, and it says so
    assert "could not be stored" in output and "入库进程已停止" in output, output
    store = store_of(config)
    assert post_keys(store) < reference

    site.delay = 0.0
    crawl(config)
    assert post_keys(store) >= reference
    assert_no_duplicates(store)


CAPTCHA = b"<html><head><title>Just a moment...</title></head><body><div class='cf-chl-widget'></div></body></html>"


def test_blocks_back_off_and_waits_are_honoured(tmp_path: Path, site: DemoSite):
    config = config_in(tmp_path, site)
    site.script("/feeds/weibo.rss", Scripted(200, CAPTCHA, times=3))
    site.script("/feeds/reddit.atom", Scripted(429, b"slow down", "text/plain", (("Retry-After", "1"),)))
    first = crawl(config, exit_code=1)
    store = store_of(config)
    runs = {r["source_name"]: r for r in store.query("SELECT * FROM crawl_runs")}

    # A captcha page is a block, not "no posts": named in the summary, and the source backs off.
    weibo = runs["weibo-rss"]
    assert weibo["health"] == "blocked" and weibo["blocked"] == 1 and weibo["errors"] == 0
    assert weibo["status_codes"] == {"200": 1} and weibo["requests"] == 1
    assert "captcha" in weibo["health_reason"] and "Just a moment" in weibo["health_reason"]
    assert "blocked" in first.stdout and "Just a moment" in first.stdout
    assert crawl_state.backoff_of(store, "weibo-rss") is not None

    # A 429 with Retry-After is waited out and retried; the source is healthy.
    reddit = runs["reddit"]
    assert [s for t, s in site.served if t == "/feeds/reddit.atom"] == [429, 200]
    assert reddit["health"] == "ok" and reddit["posts_parsed"] > 0 and reddit["blocked"] == 0
    assert reddit["status_codes"] == {"429": 1, "200": 1} and reddit["requests"] == 2

    # The next crawl skips the blocked source until its back-off ends; `sources` says so.
    site.served.clear()
    crawl(config, exit_code=1)
    assert not [t for t, _ in site.served if t == "/feeds/weibo.rss"]
    (latest,) = store.query("SELECT * FROM crawl_runs WHERE source_name = 'weibo-rss' ORDER BY id DESC LIMIT 1")
    assert latest["health"] == "backoff" and latest["requests"] == 0
    listed = lingting("sources", "-c", str(config), "--check")
    assert listed.returncode == 1 and "backoff" in listed.stdout and "captcha" in listed.stdout

    # Lifted by hand (e.g. after renewing a cookie), the source is crawled again.
    assert lingting("sources", "-c", str(config), "--reset", "weibo-rss").returncode == 0
    site.served.clear()
    crawl(config, exit_code=1)  # the site still shows its captcha, so the source is blocked again
    assert [s for t, s in site.served if t == "/feeds/weibo.rss"] == [200]
