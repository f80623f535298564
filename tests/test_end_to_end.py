"""End to end: real Scrapy crawls in a subprocess against the demo site on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from config import load_settings
from exporter import schema
from lingting.demo import demo_config, demo_environment
from lingting.demo_site import DemoSite
from store import Store

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[1]


def lingting(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **demo_environment(), "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "lingting.cli", *args],
        capture_output=True, text=True, timeout=300, cwd=cwd or REPO, env=env,
    )  # fmt: skip


@pytest.fixture
def site() -> Iterator[DemoSite]:
    with DemoSite() as s:
        yield s


def write_config(folder: Path, base_url: str) -> Path:
    path = folder / "lingting.toml"
    path.write_text(demo_config(base_url), encoding="utf-8")
    return path


def counts(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in ("posts", "clusters", "exports", "outbox")}


def tickets(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_run_crawls_clusters_flags_and_exports_once(tmp_path: Path, site: DemoSite):
    config = write_config(tmp_path, site.base_url)
    first = lingting("run", "-c", str(config))
    assert first.returncode == 0, first.stderr
    assert "Crawl summary" in first.stdout and "Flagged clusters" in first.stdout

    store = Store(load_settings(config).database_path)
    posts = store.posts()
    assert {p["source"] for p in posts} >= {"v2ex", "discourse", "hackernews", "weibo", "reddit"}
    assert {p["source"] for p in posts} >= {"stackexchange", "github", "appstore"}
    assert {p["source"] for p in posts} >= {"tieba", "bilibili"}
    assert {p["kind"] for p in posts if p["source"] == "appstore"} == {"review"}
    assert {p["kind"] for p in posts} >= {"post", "comment"}
    assert all(p["source_post_id"] and p["url"] and p["created_at"] for p in posts)
    assert any(p["lang"] == "zh" for p in posts) and any(p["lang"] == "en" for p in posts)
    assert not any("<script" in (p["text"] or "").lower() and "<" in p["text"][:1] for p in posts)

    runs = store.query("SELECT * FROM crawl_runs")
    western = {"reddit-api", "stackoverflow", "github", "appstore"}
    chinese = {"weibo-rss", "weibo", "tieba", "bilibili", "zhihu-rss"}
    assert {r["source_name"] for r in runs} == {"v2ex", "forum", "hn", "reddit"} | western | chinese
    assert all(r["errors"] == 0 and r["requests"] > 0 and r["posts_parsed"] > 0 for r in runs), runs

    # The repost and its near-copies by several authors are one cluster, and it is the loudest.
    flagged = store.flagged_clusters()
    assert flagged, "the demo's complaints are flagged"
    biggest = max(flagged, key=lambda c: c["distinct_authors"])
    assert biggest["distinct_authors"] >= 4 and biggest["size"] >= 4
    assert biggest["priority"] == "P0"
    assert len({p["source"] for p in store.cluster_posts(biggest["id"])}) >= 2
    unrelated = store.query("SELECT * FROM posts WHERE relevant = 0")
    assert unrelated and not any(p["complaint"] for p in unrelated)

    # Tickets: valid intake records in CloudEvents envelopes, one per exported cluster.
    ticket_path = tmp_path / "tickets.jsonl"
    events = tickets(ticket_path)
    assert events and str(ticket_path) in first.stdout.replace("\n", "")
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    for event in events:
        assert event["specversion"] == "1.0" and event["id"] and event["source"] and event["type"]
        assert event["dataschema"] == schema()["$id"]
        validator.validate(event["data"])
        assert event["data"]["priority"] in ("P0", "P1")
    assert len({e["data"]["intake_id"] for e in events}) == len(events)
    assert biggest["intake_id"] in {e["data"]["intake_id"] for e in events}

    before = counts(store)
    second = lingting("run", "-c", str(config))
    assert second.returncode == 0, second.stderr
    assert counts(store) == before
    assert tickets(ticket_path) == events
    latest = store.query(f"SELECT * FROM crawl_runs ORDER BY id DESC LIMIT {len(runs)}")  # the second run's
    assert sum(r["new_posts"] for r in latest) == 0


def test_malformed_responses_are_counted_and_the_crawl_completes(tmp_path: Path):
    with DemoSite(faults=True) as site:
        config = write_config(tmp_path, site.base_url)
        result = lingting("crawl", "-c", str(config))
    # The Reddit feed's only answer is empty: that source read nothing, so the crawl says so in its exit code.
    assert result.returncode == 1, result.stderr
    store = Store(load_settings(config).database_path)
    runs = {r["source_name"]: r for r in store.query("SELECT * FROM crawl_runs")}
    assert {name for name, r in runs.items() if r["health"] != "ok"} == {"reddit"}
    # A truncated JSON (V2EX node im), an HTML 500 page (one Discourse topic), an empty body (Reddit feed)
    assert runs["v2ex"]["errors"] == 1 and "JSON" in " ".join(runs["v2ex"]["error_samples"])
    assert runs["forum"]["errors"] == 1 and "500" in " ".join(runs["forum"]["error_samples"])
    assert runs["reddit"]["errors"] == 1 and runs["reddit"]["posts_parsed"] == 0
    # ... and everything else was still crawled.
    assert runs["v2ex"]["posts_parsed"] > 0 and runs["forum"]["posts_parsed"] > 0
    assert runs["hn"]["errors"] == 0 and runs["weibo-rss"]["errors"] == 0
    faulty = f"t:{DemoSite.FAULTY_TOPIC_ID}"
    assert any(p["source_post_id"].endswith(faulty) for p in store.posts())  # known from latest.json
    out = result.stdout + result.stderr
    assert "errors" in out and "reddit" in out and "1 source(s) not healthy: reddit" in out
    assert "Traceback" not in out


def test_demo_command_ends_with_table_and_tickets_path(tmp_path: Path):
    folder = tmp_path / "demo"
    result = lingting("demo", "--dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert "Flagged clusters" in result.stdout and "P0" in result.stdout
    assert str(folder / "tickets.jsonl") in result.stdout.replace("\n", "")
    assert tickets(folder / "tickets.jsonl")


def test_scrapy_list_and_crawl_work_from_project_folder(tmp_path: Path, site: DemoSite):
    listed = subprocess.run(
        [str(Path(sys.executable).parent / "scrapy"), "list"], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) >= {"discourse", "hackernews", "rss", "v2ex"}
    assert set(listed.stdout.split()) >= {"reddit", "stackexchange", "github", "appstore"}
    assert set(listed.stdout.split()) >= {"weibo", "tieba", "bilibili"}
    config = write_config(tmp_path, site.base_url)
    crawled = subprocess.run(
        [str(Path(sys.executable).parent / "scrapy"), "crawl", "hackernews", "-s", "LOG_LEVEL=WARNING"],
        capture_output=True, text=True, cwd=REPO, timeout=300, env={**os.environ, "LINGTING_CONFIG": str(config)},
    )  # fmt: skip
    assert crawled.returncode == 0, crawled.stderr
    assert Store(load_settings(config).database_path).posts("source = 'hackernews'")
