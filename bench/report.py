"""The trend report over a year of generated posts, beside the plain SQL of its counts.

Posts are generated straight into the store (bulk inserts; analysis fields as the analyzer writes
them: relevance terms, complaint terms, category, polarity), spread over 365 days with a daily
cycle, in clusters of one to six posts, by a pool of authors. The trend tables are then built
once (`refresh`, timed: the pipeline does it a crawl at a time). Measured in the same run:

- report: `build_report` over the whole year (aggregate tables; spikes, names, tickets included);
- plain SQL: the report's counts (totals, distinct authors per theme, per theme and week, demand,
  sentiment per source and week, share of voice, hourly authors for spikes) straight from the
  posts, joined to the cluster themes and post brands, without the aggregate tables.

Both give the same figures (checked). Run:

    .venv/bin/python -m bench.report [--posts 100000] [--seed 3]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from config import settings_from_toml
from crawler.trends import refresh
from lingting.report.build import build_report
from store import Store
from store.trends import DAY

CONFIG = """
database = "bench.db"
[[products]]
name = "VoxLink"
aliases = ["声链"]
competitors = ["Agora"]
"""
UNTIL = date(2026, 11, 30)
SINCE = UNTIL - timedelta(days=364)
# (text, complaint terms, category, polarity, complaint)
KINDS: list[tuple[str, list[str], str, str, int]] = [
    ("{b} 语音房间又掉线了 {n}", ["掉线"], "functional", "negative", 1),
    ("{b} keeps disconnecting on 4G {n}", ["disconnect"], "functional", "negative", 1),
    ("{b} 安卓端闪退 {n}", ["闪退"], "bug", "negative", 1),
    ("{b} app crashes on launch {n}", ["crash"], "bug", "negative", 1),
    ("{b} 通话有回声 {n}", ["回声"], "functional", "negative", 1),
    ("{b} 扣费不透明 {n}", ["扣费不透明"], "service", "negative", 1),
    ("希望 {b} 支持鸿蒙 {n}", [], "feature_request", "neutral", 0),
    ("Please add a Flutter plugin to {b} {n}", [], "feature_request", "positive", 0),
    ("{b} 怎么设置回调地址 {n}", [], "question", "neutral", 0),
    ("{b} works great for us {n}", [], "other", "positive", 0),
]
SOURCES = ("v2ex", "weibo", "reddit", "github", "discourse", "zhihu")
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 9, 8, 7, 6, 6, 7, 8, 10, 12, 11, 7, 3]


def _written(n: int) -> str:
    """Posts are written one after another (a refresh reads again only the last second's)."""
    return (datetime(2026, 12, 1) + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(store: Store, total: int, seed: int) -> None:
    rng = random.Random(seed)
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=total)
    now = "2026-12-01T00:00:00Z"
    posts: list[tuple[Any, ...]] = []
    clusters: list[tuple[Any, ...]] = []
    n = 0
    cluster_id = 0
    while n < total:
        cluster_id += 1
        text, terms, category, polarity, complaint = KINDS[rng.randrange(len(KINDS))]
        brand = "Agora" if rng.random() < 0.12 else rng.choice(("VoxLink", "声链"))
        relevance = [] if brand == "Agora" else [brand]
        day = SINCE + timedelta(days=rng.randrange(365))
        analysis = json.dumps(
            {"relevance_terms": relevance, "complaint_terms": terms, "category": category, "polarity": polarity},
            ensure_ascii=False,
        )
        size = min(rng.choice((1, 1, 1, 2, 3, 6)), total - n)
        clusters.append((cluster_id, f"lt-{cluster_id:016x}", n + 1, size, now, now))
        for _ in range(size):
            n += 1
            created = datetime(day.year, day.month, day.day, hours[n - 1], rng.randrange(60)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            posts.append(
                (
                    n, rng.choice(SOURCES), str(n), f"https://example.test/{n}", "post",
                    text.format(b=brand, n=n), f"u{int(rng.paretovariate(1.2) * 50) % 150_000}", created,
                    f"k{n}", b"", cluster_id, int(bool(relevance)), complaint * int(bool(relevance)), category,
                    0.2 if polarity == "negative" else 0.7, analysis, now, _written(n),
                )
            )  # fmt: skip
        if len(posts) >= 50_000 or n >= total:
            with store.transaction():
                store.conn.executemany(
                    "INSERT INTO clusters (id, intake_id, seed_post_id, size, first_seen_at, last_seen_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    clusters,
                )
                store.conn.executemany(
                    "INSERT INTO posts (id, source, source_post_id, url, kind, text, author, created_at, content_key,"
                    " minhash, cluster_id, relevant, complaint, category, sentiment, analysis, first_seen_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    posts,
                )
            posts, clusters = [], []


def plain_sql(store: Store, brands: list[str]) -> dict[str, Any]:
    """The report's counts straight from the posts (no aggregate table)."""
    s, u = SINCE.isoformat(), UNTIL.isoformat()
    marks = ",".join("?" * len(brands))
    joins = (
        "FROM posts p JOIN trend_post_brands b ON b.post_id = p.id JOIN trend_clusters t ON t.cluster_id = p.cluster_id"
    )
    author = "p.source || ':' || coalesce(p.author_id, p.author, '#' || p.id)"
    week = f"date({DAY}, '-' || ((CAST(strftime('%w', {DAY}) AS INTEGER) + 6) % 7) || ' days')"
    where = f"{DAY} BETWEEN ? AND ? AND b.brand IN ({marks})"
    q = store.conn.execute
    return {
        "totals": q(
            f"SELECT count(*), sum(p.complaint), sum(json_extract(p.analysis, '$.polarity') = 'negative'),"
            f" sum(p.category = 'feature_request') {joins} WHERE {where}",
            [s, u, *brands],
        ).fetchone(),
        "themes": q(
            f"SELECT t.theme, count(DISTINCT {author}) {joins} WHERE {where} GROUP BY t.theme ORDER BY t.theme",
            [s, u, *brands],
        ).fetchall(),
        "weekly": q(
            f"SELECT t.theme, {week}, count(DISTINCT {author}) {joins} WHERE {where} GROUP BY 1, 2", [s, u, *brands]
        ).fetchall(),
        "sentiment": q(
            f"SELECT b.brand, p.source, {week}, count(*), sum(json_extract(p.analysis, '$.polarity') = 'negative')"
            f" {joins} WHERE {where} GROUP BY 1, 2, 3",
            [s, u, *brands],
        ).fetchall(),
        "voice": q(
            f"SELECT b.brand, count(*) {joins} WHERE {DAY} BETWEEN ? AND ? GROUP BY 1 ORDER BY 1", [s, u]
        ).fetchall(),
        "hourly": q(
            f"SELECT b.brand, t.theme, {DAY}, substr(p.created_at, 12, 2), count(DISTINCT {author}) {joins}"
            f" WHERE {DAY} BETWEEN ? AND ? AND t.kind = 'problem' GROUP BY 1, 2, 3, 4",
            [(SINCE - timedelta(days=14)).isoformat(), u],
        ).fetchall(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_from_toml(CONFIG, base_dir=Path(folder))
        store = Store(settings.database_path)
        started = time.perf_counter()
        generate(store, args.posts, args.seed)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        counts = refresh(store, settings)
        built = time.perf_counter() - started
        print(f"{args.posts:,} posts in {counts.clusters:,} clusters over 365 days: generated in {generated:.1f} s,")
        print(f"trend tables built in {built:.1f} s ({counts.days} days; the pipeline does this a crawl at a time)")
        started = time.perf_counter()
        report = build_report(store, settings, SINCE, UNTIL)
        report_s = time.perf_counter() - started
        started = time.perf_counter()
        plain = plain_sql(store, ["VoxLink"])
        plain_s = time.perf_counter() - started
        assert report["summary"]["posts"]["value"] == plain["totals"][0]
        assert report["summary"]["complaints"]["value"] == plain["totals"][1]
        by_theme = {t["theme"]: t["authors"] for t in report["themes"]}
        assert all(by_theme[theme] == n for theme, n in plain["themes"] if theme in by_theme)
        print(f"report (aggregates, spikes, names, tickets): {report_s:6.2f} s")
        print(f"plain SQL of its counts over the posts:      {plain_s:6.2f} s")
        print(f"ratio: the report takes {report_s / plain_s:.2f}x the time of the plain SQL (same figures)")
        store.close()


if __name__ == "__main__":
    main()
