"""Retention: what a large database can let go of after `[store] retention_days`.

Posts stay (trends and reports need them); what goes is the bulk kept only for audit: a post's raw
source record (all but the fields analysis reads again: an app review's `rating`, the product a
source is `about`) and cached response bodies (the next crawl then fetches the page in full).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from store.database import Store

KEPT_RAW_FIELDS = ("rating", "about")
"""Raw fields `lingting reanalyze` reads again (crawler/analysis.py star_rating, about_product)."""


@dataclass(frozen=True)
class Pruned:
    raw_records: int
    cached_responses: int


def prune(store: Store, retention_days: int, *, now: datetime | None = None) -> Pruned:
    """Drop raw records and cached bodies older than `retention_days` (0: nothing), then tidy the file."""
    if retention_days <= 0:
        return Pruned(0, 0)
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=retention_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    kept = ", ".join(f"'{name}', json_extract(raw, '$.{name}')" for name in KEPT_RAW_FIELDS)
    # json_patch drops the members that are null, so a record without these fields becomes '{}'.
    slim = f"json_patch('{{}}', json_object({kept}))"
    with store.transaction():
        raw = store.conn.execute(
            f"UPDATE posts SET raw = {slim} WHERE first_seen_at < ? AND raw != {slim}", (cutoff,)
        ).rowcount
        cached = store.conn.execute("DELETE FROM http_cache WHERE stored_at < ?", (cutoff,)).rowcount
    store.maintain()
    return Pruned(int(raw or 0), int(cached or 0))
