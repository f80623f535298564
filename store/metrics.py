"""What /metrics reports, read from the database at scrape time so every process's work counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.database import Store
from store.schedule import seconds


@dataclass(frozen=True)
class SourceTotals:
    source_name: str
    runs_by_health: dict[str, int]
    posts_parsed: int
    new_posts: int
    flagged: int
    errors: int
    blocked_runs: int
    last_success_at: float | None


def source_totals(store: Store) -> list[SourceTotals]:
    """Per source: crawl runs by health, posts, flagged posts, errors, blocks and the last healthy run."""
    rows = store.conn.execute(
        "SELECT source_name, sum(posts_parsed), sum(new_posts), sum(flagged), sum(errors),"
        " sum(health = 'blocked'), max(CASE WHEN health = 'ok' THEN finished_at END)"
        " FROM crawl_runs GROUP BY source_name ORDER BY source_name"
    ).fetchall()
    by_health: dict[str, dict[str, int]] = {}
    for name, health, n in store.conn.execute(
        "SELECT source_name, health, count(*) FROM crawl_runs GROUP BY source_name, health"
    ).fetchall():
        by_health.setdefault(name, {})[health] = int(n)
    return [
        SourceTotals(
            r[0], by_health.get(r[0], {}), int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), seconds(r[6])
        )
        for r in rows
    ]


@dataclass(frozen=True)
class LatencyHistogram:
    sink: str
    buckets: list[tuple[float, int]]
    """(upper bound in seconds, deliveries at most that late), cumulative, ending with +inf."""
    total_seconds: float


def delivery_latencies(store: Store, bounds: Sequence[float]) -> list[LatencyHistogram]:
    """Per sink: how long delivered rows waited between their decision and their delivery."""
    late = "max(0, (julianday(delivered_at) - julianday(created_at)) * 86400.0)"
    cases = ", ".join(f"sum({late} <= {float(b)!r})" for b in bounds)
    rows = store.conn.execute(
        f"SELECT sink, count(*), coalesce(sum({late}), 0){', ' + cases if cases else ''} FROM outbox"
        " WHERE status = 'delivered' AND delivered_at IS NOT NULL GROUP BY sink ORDER BY sink"
    ).fetchall()
    histograms = []
    for r in rows:
        counts = [int(n or 0) for n in r[3:]]
        buckets = [*zip(bounds, counts, strict=True), (float("inf"), int(r[1]))]
        histograms.append(LatencyHistogram(r[0], buckets, float(r[2])))
    return histograms
