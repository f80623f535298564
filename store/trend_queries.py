"""What reports read: counts over the trend tables (kept by `store/trends.py`) for a period of days.

Every function takes the first and last UTC day of the period (inclusive, `YYYY-MM-DD`) and the
brands to count (the configured products, or one of them). Distinct authors are counted in
`trend_authors`, where a person appears once per hour whatever they posted or reposted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from store.database import Store
from store.trends import AUTHOR, DAY, HOUR

WEEK = "date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')"
"""The Monday of a day's week."""
PROBLEM = "theme != 'other' AND theme NOT LIKE 'request:%'"


def _in(values: Sequence[str]) -> str:
    return ",".join("?" * len(values)) or "NULL"


def totals(store: Store, since: str, until: str, brands: Sequence[str]) -> dict[str, int]:
    """Posts, complaints, negative posts and feature requests naming the brands in the period."""
    row = store.conn.execute(
        "SELECT coalesce(sum(posts), 0), coalesce(sum(complaints), 0), coalesce(sum(negative), 0),"
        f" coalesce(sum(requests), 0) FROM trend_daily WHERE day BETWEEN ? AND ? AND brand IN ({_in(brands)})",
        [since, until, *brands],
    ).fetchone()
    return {"posts": row[0], "complaints": row[1], "negative": row[2], "requests": row[3]}


def flagged_clusters_active(store: Store, since: str, until: str) -> int:
    """Flagged incidents (clusters) with posts between their first and last day overlapping the period."""
    return int(
        store.conn.execute(
            "SELECT count(*) FROM trend_clusters t JOIN clusters c ON c.id = t.cluster_id"
            " WHERE c.flagged = 1 AND c.merged_into IS NULL AND t.first_day <= ? AND t.last_day >= ?",
            (until, since),
        ).fetchone()[0]
    )


def tickets_by_priority(store: Store, since: str, until: str) -> dict[str, int]:
    """Tickets first decided (revision 1) in the period, by their cluster's priority."""
    rows = store.conn.execute(
        "SELECT coalesce(c.priority, '?'), count(DISTINCT e.intake_id) FROM exports e JOIN clusters c"
        " ON c.id = e.cluster_id WHERE e.revision = 1 AND substr(e.decided_at, 1, 10) BETWEEN ? AND ? GROUP BY 1",
        (since, until),
    ).fetchall()
    return {str(p): int(n) for p, n in rows}


def theme_authors(store: Store, since: str, until: str, brands: Sequence[str]) -> list[dict[str, Any]]:
    """Per theme: distinct authors, posts, sources in the period, and first and last day ever seen."""
    return store.query(
        "SELECT a.theme, count(DISTINCT a.author) AS authors, group_concat(DISTINCT a.source) AS sources,"
        " (SELECT min(day) FROM trend_daily d WHERE d.theme = a.theme"
        f" AND d.brand IN ({_in(brands)})) AS first_day,"
        f" (SELECT max(day) FROM trend_daily d WHERE d.theme = a.theme AND d.brand IN ({_in(brands)})) AS last_day,"
        " (SELECT sum(posts) FROM trend_daily d WHERE d.theme = a.theme AND d.day BETWEEN ? AND ?"
        f" AND d.brand IN ({_in(brands)})) AS posts"
        f" FROM trend_authors a WHERE a.day BETWEEN ? AND ? AND a.brand IN ({_in(brands)}) GROUP BY a.theme"
        " ORDER BY authors DESC, a.theme",
        [*brands, *brands, since, until, *brands, since, until, *brands],
    )


def weekly_theme_authors(store: Store, since: str, until: str, brands: Sequence[str]) -> list[dict[str, Any]]:
    """Distinct authors per theme and week (weeks start on Monday)."""
    return store.query(
        f"SELECT theme, {WEEK} AS week, count(DISTINCT author) AS authors FROM trend_authors"
        f" WHERE day BETWEEN ? AND ? AND brand IN ({_in(brands)}) GROUP BY theme, week ORDER BY theme, week",
        [since, until, *brands],
    )


def theme_tickets(store: Store) -> list[dict[str, Any]]:
    """Tickets per theme and priority, with their delivery state (the best state over the sinks)."""
    return store.query(
        "SELECT t.theme, c.priority, e.intake_id,"
        " (SELECT CASE WHEN sum(o.status = 'delivered') THEN 'delivered' WHEN sum(o.status = 'dead') THEN 'dead'"
        "  WHEN count(o.id) THEN 'pending' ELSE 'decided' END"
        " FROM outbox o WHERE o.intake_id = e.intake_id) AS delivery"
        " FROM exports e JOIN clusters c ON c.id = e.cluster_id JOIN trend_clusters t ON t.cluster_id = c.id"
        " WHERE e.revision = 1 ORDER BY t.theme, c.priority"
    )


def demand_authors(store: Store, since: str, until: str, brands: Sequence[str]) -> list[dict[str, Any]]:
    """Per request theme: the distinct people who asked in the window, and where."""
    return store.query(
        "SELECT theme, count(DISTINCT author) AS people, group_concat(DISTINCT source) AS sources,"
        " min(day) AS first_day, max(day) AS last_day FROM trend_authors"
        f" WHERE theme LIKE 'request:%' AND day BETWEEN ? AND ? AND brand IN ({_in(brands)})"
        " GROUP BY theme ORDER BY people DESC, theme",
        [since, until, *brands],
    )


def weekly_sentiment(store: Store, since: str, until: str, brands: Sequence[str]) -> list[dict[str, Any]]:
    """Per brand, source and week: posts, negative, complaints, mean sentiment."""
    return store.query(
        f"SELECT brand, source, {WEEK} AS week, sum(posts) AS posts, sum(negative) AS negative,"
        " sum(complaints) AS complaints, round(sum(sentiment_sum) / sum(posts), 3) AS mean_sentiment"
        f" FROM trend_daily WHERE day BETWEEN ? AND ? AND brand IN ({_in(brands)})"
        " GROUP BY brand, source, week ORDER BY brand, source, week",
        [since, until, *brands],
    )


def brand_voice(store: Store, since: str, until: str) -> list[dict[str, Any]]:
    """Every brand (own and competitor): mentions, negative and complaint posts in the period."""
    return store.query(
        "SELECT brand, max(own) AS own, sum(posts) AS mentions, sum(negative) AS negative,"
        " sum(complaints) AS complaints FROM trend_daily WHERE day BETWEEN ? AND ?"
        " GROUP BY brand ORDER BY mentions DESC, brand",
        (since, until),
    )


def brand_complaint_themes(store: Store, since: str, until: str, brand: str, limit: int = 5) -> list[dict[str, Any]]:
    """A brand's problem themes by posts: for a competitor, what its users complain of (a post about
    a competitor only is no complaint of ours, so its posts are counted, not its complaints)."""
    return store.query(
        "SELECT theme, sum(complaints) AS complaints, sum(negative) AS negative, sum(posts) AS posts"
        f" FROM trend_daily WHERE day BETWEEN ? AND ? AND brand = ? AND {PROBLEM}"
        " GROUP BY theme ORDER BY posts DESC, negative DESC, theme"
        " LIMIT ?",
        (since, until, brand, limit),
    )


def hourly_authors(
    store: Store, since: str, until: str, brands: Sequence[str] | None = None
) -> list[tuple[str, str, str, int, int]]:
    """(brand, theme, day, hour, distinct authors) of the problem themes, hours with anyone only."""
    where = f" AND brand IN ({_in(brands)})" if brands is not None else ""
    rows = store.conn.execute(
        "SELECT brand, theme, day, hour, count(DISTINCT author) FROM trend_authors"
        f" WHERE day BETWEEN ? AND ? AND {PROBLEM}{where} GROUP BY brand, theme, day, hour",
        [since, until, *(brands or [])],
    ).fetchall()
    return [(str(b), str(t), str(d), int(h), int(n)) for b, t, d, h, n in rows]


def daily_authors(store: Store, since: str, until: str) -> list[tuple[str, str, str, int]]:
    """(brand, theme, day, distinct authors) of the problem themes."""
    rows = store.conn.execute(
        "SELECT brand, theme, day, count(DISTINCT author) FROM trend_authors"
        f" WHERE day BETWEEN ? AND ? AND {PROBLEM} GROUP BY brand, theme, day",
        (since, until),
    ).fetchall()
    return [(str(b), str(t), str(d), int(n)) for b, t, d, n in rows]


def spike_sources(store: Store, brand: str, theme: str, day: str, hours: Sequence[int]) -> list[str]:
    """The sources of the authors in a spike's hours, busiest first."""
    rows = store.conn.execute(
        f"SELECT source, count(DISTINCT author) FROM trend_authors WHERE brand = ? AND theme = ? AND day = ?"
        f" AND hour IN ({_in([str(h) for h in hours])}) GROUP BY source ORDER BY 2 DESC, source",
        [brand, theme, day, *hours],
    ).fetchall()
    return [str(r[0]) for r in rows]


def spike_drivers(
    store: Store, brand: str, theme: str, day: str, hours: Sequence[int], limit: int = 3
) -> list[dict[str, Any]]:
    """The clusters with the most distinct authors in a spike's hours of one day, with a title each."""
    return store.query(
        f"SELECT p.cluster_id, count(DISTINCT {AUTHOR}) AS authors, (SELECT coalesce(s.title, s.text)"
        " FROM clusters c JOIN posts s ON s.id = c.seed_post_id WHERE c.id = p.cluster_id) AS title"
        " FROM posts p JOIN trend_clusters t ON t.cluster_id = p.cluster_id"
        " JOIN trend_post_brands b ON b.post_id = p.id"
        f" WHERE {DAY} = ? AND {HOUR} IN ({_in([str(h) for h in hours])}) AND t.theme = ? AND b.brand = ?"
        " GROUP BY p.cluster_id ORDER BY authors DESC, p.cluster_id LIMIT ?",
        [day, *hours, theme, brand, limit],
    )


def theme_samples(store: Store, theme: str, since: str, until: str, limit: int = 80) -> list[dict[str, Any]]:
    """Posts of the theme's newest clusters active in the period (title, text, complaint terms): to name it."""
    rows = store.conn.execute(
        "SELECT p.title, p.text, json_extract(p.analysis, '$.complaint_terms') FROM (SELECT cluster_id"
        " FROM trend_clusters WHERE theme = ? AND last_day >= ? AND first_day <= ? ORDER BY last_day DESC LIMIT ?) t"
        " JOIN posts p ON p.cluster_id = t.cluster_id LIMIT ?",
        (theme, since, until, limit, limit),
    ).fetchall()
    return [{"title": t, "text": x, "complaint_terms": json.loads(c or "[]")} for t, x, c in rows]


def open_urgent(store: Store, priorities: Sequence[str] = ("P0", "P1")) -> list[dict[str, Any]]:
    """Flagged clusters of these priorities that no reviewer dismissed, with their first post's time."""
    return store.query(
        "SELECT c.id AS cluster_id, c.intake_id, c.priority, c.category, c.distinct_authors AS authors, c.size,"
        " p.title AS title, p.text AS text, p.url AS url, t.theme,"
        " (SELECT min(coalesce(created_at, first_seen_at)) FROM posts WHERE cluster_id = c.id) AS first_post_at,"
        " EXISTS (SELECT 1 FROM exports e WHERE e.cluster_id = c.id) AS ticketed"
        " FROM clusters c JOIN posts p ON p.id = c.seed_post_id LEFT JOIN trend_clusters t ON t.cluster_id = c.id"
        f" WHERE c.flagged = 1 AND c.merged_into IS NULL AND c.priority IN ({_in(priorities)})"
        " AND coalesce((SELECT decision FROM reviews r WHERE r.cluster_id = c.id ORDER BY r.id DESC LIMIT 1), '')"
        " != 'dismiss' ORDER BY c.priority, first_post_at",
        list(priorities),
    )
