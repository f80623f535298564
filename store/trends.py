"""The trend tables: each cluster's theme, the brands each post names, and the daily aggregates
that reports, charts and spike detection read (schema: the trends migration in store/schema.py).

`refresh_trends` brings them up to date incrementally: the posts written since the last refresh
(their `updated_at`) are read, their clusters re-themed, and every day those clusters have posts
on is recounted from the posts (a day index makes that one day's read). A crash mid-way leaves the
old state: the mark moves in the same transaction. The theme and brand decisions are the caller's
(`sentiment/themes.py`), passed in as functions, as `upsert_post` takes its triage.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from store.database import Store

TS = "coalesce(p.created_at, p.first_seen_at)"
DAY = "substr(coalesce(p.created_at, p.first_seen_at), 1, 10)"
"""A post's UTC day; the same expression as the `posts_day` index, so a day's posts are found by it."""
HOUR = f"CAST(substr({TS}, 12, 2) AS INTEGER)"
AUTHOR = "p.source || ':' || coalesce(p.author_id, p.author, '#' || p.id)"
"""A person: the same account on one source. A post without an author counts as one person."""
MARK_KEY = "trends_mark"
LEAD_POSTS = 50
BATCH = 500

ThemeFn = Callable[[list[dict[str, Any]]], tuple[str, str]]
"""Given a cluster's posts (newest first, at most LEAD_POSTS; `analysis` decoded), its (theme, kind)."""
BrandsFn = Callable[[dict[str, Any]], list[str]]
"""Given a post (`analysis` decoded), the brands it names: configured products and competitors."""


@dataclass(frozen=True)
class RefreshCounts:
    posts: int
    clusters: int
    days: int


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(items: Sequence[Any]) -> str:
    return ",".join("?" * len(items))


def trend_mark(store: Store) -> str:
    row = store.conn.execute("SELECT value FROM trend_state WHERE key = ?", (MARK_KEY,)).fetchone()
    return str(row[0]) if row else ""


def refresh_trends(store: Store, theme_of: ThemeFn, brands_of: BrandsFn, own: Collection[str]) -> RefreshCounts:
    """Bring the trend tables up to date with the posts written since the last refresh."""
    mark = trend_mark(store)
    newest = store.conn.execute("SELECT max(updated_at) FROM posts").fetchone()[0]
    if newest is None or newest < mark:
        return RefreshCounts(0, 0, 0)
    with store.transaction():
        # `>=`: a post written in the same second as the last refresh may not have been seen.
        # Read in batches, so that a first refresh of a large database holds one batch in memory.
        cursor = store.conn.cursor()
        cursor.execute("SELECT id, cluster_id, text, title, analysis FROM posts WHERE updated_at >= ?", (mark,))
        touched = 0
        clusters: set[int] = set()
        while batch := cursor.fetchmany(5000):
            touched += len(batch)
            brand_rows = []
            for post_id, cluster_id, text, title, analysis in batch:
                clusters.add(int(cluster_id))
                post = {"text": text, "title": title, "analysis": json.loads(analysis or "{}")}
                brand_rows += [(post_id, brand) for brand in brands_of(post)]
            for chunk in _chunks([r[0] for r in batch]):
                store.conn.execute(f"DELETE FROM trend_post_brands WHERE post_id IN ({_marks(chunk)})", list(chunk))
            store.conn.executemany("INSERT OR IGNORE INTO trend_post_brands (post_id, brand) VALUES (?, ?)", brand_rows)
        days: set[str] = set()
        for chunk in _chunks(sorted(clusters)):
            days |= _retheme(store, chunk, theme_of)
        store.conn.execute(
            "DELETE FROM trend_clusters WHERE cluster_id IN (SELECT id FROM clusters WHERE merged_into IS NOT NULL)"
        )
        for day in sorted(days):
            _recount_day(store, day, own)
        store.conn.execute(
            "INSERT INTO trend_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (MARK_KEY, newest),
        )
    return RefreshCounts(touched, len(clusters), len(days))


def _retheme(store: Store, cluster_ids: Sequence[int], theme_of: ThemeFn) -> set[str]:
    """Decide the theme of these clusters; the days their posts are on."""
    rows = store.conn.execute(
        f"SELECT cluster_id, text, title, analysis, {DAY} FROM posts p WHERE cluster_id IN ({_marks(cluster_ids)})"
        " ORDER BY cluster_id, id DESC",
        list(cluster_ids),
    ).fetchall()
    members: dict[int, list[dict[str, Any]]] = {}
    spans: dict[int, tuple[str, str]] = {}
    for cid, text, title, analysis, day in rows:
        lead = members.setdefault(cid, [])
        if len(lead) < LEAD_POSTS:
            lead.append({"text": text, "title": title, "analysis": json.loads(analysis or "{}")})
        first, last = spans.get(cid, (day, day))
        spans[cid] = (min(first, day), max(last, day))
    store.conn.executemany(
        "INSERT INTO trend_clusters (cluster_id, theme, kind, first_day, last_day) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (cluster_id) DO UPDATE SET theme = excluded.theme, kind = excluded.kind,"
        " first_day = excluded.first_day, last_day = excluded.last_day",
        [(cid, *theme_of(lead), *spans[cid]) for cid, lead in members.items()],
    )
    return {r[4] for r in rows}


def _recount_day(store: Store, day: str, own: Collection[str]) -> None:
    owned = sorted(own) or [""]
    store.conn.execute("DELETE FROM trend_daily WHERE day = ?", (day,))
    store.conn.execute("DELETE FROM trend_authors WHERE day = ?", (day,))
    joins = (
        "FROM posts p JOIN trend_post_brands b ON b.post_id = p.id JOIN trend_clusters t ON t.cluster_id = p.cluster_id"
        f" WHERE {DAY} = ?"
    )
    store.conn.execute(
        "INSERT INTO trend_daily (day, brand, own, source, theme, kind, posts, complaints, negative, requests,"
        " sentiment_sum)"
        f" SELECT {DAY}, b.brand, b.brand IN ({_marks(owned)}), p.source, t.theme, t.kind, count(*), sum(p.complaint),"
        " sum(json_extract(p.analysis, '$.polarity') = 'negative'), sum(p.category = 'feature_request'),"
        f" sum(coalesce(p.sentiment, 0.5)) {joins} GROUP BY 1, 2, 4, 5",
        [*owned, day],
    )
    store.conn.execute(
        "INSERT OR IGNORE INTO trend_authors (brand, theme, day, hour, author, source)"
        f" SELECT b.brand, t.theme, {DAY}, {HOUR}, {AUTHOR}, p.source {joins}",
        (day,),
    )


def record_spike(store: Store, spike: dict[str, Any], cooldown_hours: int) -> int:
    """Keep a detected spike; one that starts within the cooldown of a kept spike of the same brand,
    theme and grain (or overlaps it) extends that one instead, so a spike is alerted once."""
    with store.transaction():
        near = store.conn.execute(
            "SELECT id, authors FROM trend_spikes WHERE brand = ? AND theme = ? AND grain = ?"
            " AND started_at <= ? AND datetime(ended_at, ?) >= datetime(?) ORDER BY started_at DESC LIMIT 1",
            (
                spike["brand"], spike["theme"], spike["grain"], spike["ended_at"],
                f"+{cooldown_hours} hours", spike["started_at"],
            ),
        ).fetchone()  # fmt: skip
        if near is not None:
            peak = spike["authors"] > near[1]
            store.conn.execute(
                "UPDATE trend_spikes SET ended_at = max(ended_at, ?), started_at = min(started_at, ?),"
                " authors = max(authors, ?), peak_at = CASE WHEN ? THEN ? ELSE peak_at END,"
                " baseline = CASE WHEN ? THEN ? ELSE baseline END, sources = CASE WHEN ? THEN ? ELSE sources END"
                " WHERE id = ?",
                (
                    spike["ended_at"], spike["started_at"], spike["authors"], peak, spike["peak_at"],
                    peak, spike["baseline"], peak, json.dumps(spike["sources"]), near[0],
                ),
            )  # fmt: skip
            return int(near[0])
        cur = store.conn.execute(
            "INSERT INTO trend_spikes (brand, own, theme, grain, started_at, peak_at, ended_at, authors, baseline,"
            " sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                spike["brand"], int(spike["own"]), spike["theme"], spike["grain"], spike["started_at"],
                spike["peak_at"], spike["ended_at"], spike["authors"], spike["baseline"], json.dumps(spike["sources"]),
            ),
        )  # fmt: skip
        return int(cur.lastrowid or 0)


def spikes_between(store: Store, since: str, until: str) -> list[dict[str, Any]]:
    """Kept spikes whose peak is within the days `since`..`until`, newest first."""
    rows = store.query(
        "SELECT * FROM trend_spikes WHERE substr(peak_at, 1, 10) BETWEEN ? AND ? ORDER BY peak_at DESC, id",
        (since, until),
    )
    for row in rows:
        row["sources"] = json.loads(row["sources"])
    return rows


def spikes_to_alert(store: Store, ended_since: str) -> list[dict[str, Any]]:
    """Own-brand spikes not alerted yet whose last hour is at or after `ended_since`."""
    rows = store.query(
        "SELECT * FROM trend_spikes WHERE own = 1 AND alerted_at IS NULL AND ended_at >= ? ORDER BY peak_at, id",
        (ended_since,),
    )
    for row in rows:
        row["sources"] = json.loads(row["sources"])
    return rows


def mark_spike_alerted(store: Store, spike_id: int, now: str) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE trend_spikes SET alerted_at = ? WHERE id = ? AND alerted_at IS NULL", (now, spike_id)
        )
