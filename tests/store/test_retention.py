"""Retention: old raw records and cached pages go, posts and what analysis reads again stay; the
schema has the indexes a million posts need; `lingting prune` says what it did."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from config.settings import AnalysisSettings
from crawler.analysis import fingerprint, matcher
from lingting.cli import main
from store import ClusterTriage, Store
from store.crawl_state import cached_response, save_response
from store.retention import prune

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def triage(members: list[dict[str, object]], authors: int, size: int) -> ClusterTriage:
    return ClusterTriage("P2", "low", "low", "functional")


def add(store: Store, pid: str, raw: dict[str, object], seen: str) -> None:
    text = f"声链 闪退 第{pid}次"
    post: dict[str, Any] = {"source": "appstore", "source_post_id": pid, "url": f"http://x/{pid}", "text": text}
    post["raw"] = raw
    store.upsert_post(post, {}, fingerprint(post), triage=triage, match=matcher(AnalysisSettings()))
    store.conn.execute("UPDATE posts SET first_seen_at = ? WHERE source_post_id = ?", (seen, pid))


def test_old_raw_records_and_cached_pages_go_posts_and_ratings_stay(tmp_path: Path) -> None:
    store = Store(tmp_path / "l.db")
    add(store, "old", {"rating": 1, "about": "声链", "html": "x" * 5000}, "2026-06-01T00:00:00Z")
    add(store, "plain", {"html": "y" * 5000}, "2026-06-01T00:00:00Z")
    add(store, "new", {"rating": 2, "html": "z" * 5000}, "2026-12-01T00:00:00Z")
    for url, day in (("http://x/old", "2026-06-01T00:00:00Z"), ("http://x/new", "2026-12-01T00:00:00Z")):
        save_response(store, url=url, source_name="a", status=200, headers={}, body=b"b", etag="e", last_modified=None)
        store.conn.execute("UPDATE http_cache SET stored_at = ? WHERE url = ?", (day, url))

    pruned = prune(store, 90, now=NOW)
    assert (pruned.raw_records, pruned.cached_responses) == (2, 1)
    raws = {r["source_post_id"]: r["raw"] for r in store.posts()}
    assert raws == {"old": {"rating": 1, "about": "声链"}, "plain": {}, "new": {"rating": 2, "html": "z" * 5000}}
    assert cached_response(store, "http://x/old") is None and cached_response(store, "http://x/new") is not None
    assert prune(store, 90, now=NOW).raw_records == 0  # nothing left to drop: a second run rewrites nothing
    assert prune(store, 0, now=NOW).raw_records == 0  # 0 keeps everything


def test_a_post_is_found_by_its_bands_index_not_a_scan(tmp_path: Path) -> None:
    store = Store(tmp_path / "l.db")
    plan = store.conn.execute("EXPLAIN QUERY PLAN DELETE FROM post_bands WHERE post_id = 1").fetchall()
    assert "post_bands_post" in json.dumps(plan)
    assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 8192


def test_prune_command_says_what_it_dropped(tmp_path: Path) -> None:
    config = tmp_path / "lingting.toml"
    config.write_text('database = "l.db"\nproducts = [{ name = "声链" }]\n[store]\nretention_days = 30\n')
    store = Store(tmp_path / "l.db")
    add(store, "old", {"html": "x"}, "2020-01-01T00:00:00Z")
    store.close()
    result = CliRunner().invoke(main, ["prune", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "1 raw record(s) dropped" in result.output and "30" in result.output
    assert Store(tmp_path / "l.db").posts()[0]["raw"] == {}
