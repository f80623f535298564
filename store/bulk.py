"""Bulk loading of ready-made flagged clusters, for benchmarks and imports: no dedup, no triage.

The crawl path (`Store.upsert_post`) matches every post against the clusters it may copy; a bench
that needs 1,000,000 posts in 100,000 clusters already knows the clusters, so this writes their
rows directly, in large transactions, with the same columns, facets and search text ingest keeps.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from store.database import Store, intake_id_for
from store.facets import as_set, remember_values, search_body, short_grams

POST_KEYS = ("source", "source_post_id", "url", "kind", "title", "text", "author", "created_at", "lang")


@dataclass(frozen=True)
class BulkCluster:
    priority: str
    category: str
    posts: list[dict[str, Any]]
    """Rows with POST_KEYS and `analysis` (a dict); the first is the seed."""
    impact: str = "medium"
    urgency: str = "medium"
    reasons: list[str] = field(default_factory=list)
    seen_at: str = "2026-11-24T10:00:00Z"


def _chunks(items: Iterable[BulkCluster], size: int) -> Iterator[list[BulkCluster]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def bulk_load(store: Store, clusters: Iterable[BulkCluster], *, batch: int = 2000) -> int:
    """Insert flagged clusters and their posts; returns the number of clusters written."""
    conn = store.conn
    written = 0
    for chunk in _chunks(clusters, batch):
        with store.transaction():
            next_post = int(conn.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]) + 1
            next_cluster = int(conn.execute("SELECT coalesce(max(id), 0) FROM clusters").fetchone()[0]) + 1
            cluster_rows, post_rows, fts_rows = [], [], []
            for offset, c in enumerate(chunk):
                cid, seed_id = next_cluster + offset, next_post
                authors = {(p["source"], p["author"]) for p in c.posts}
                products = [t for p in c.posts for t in p["analysis"].get("relevance_terms", [])]
                cluster_rows.append(
                    (cid, intake_id_for(c.posts[0]["source"], c.posts[0]["source_post_id"]), seed_id, len(c.posts),
                     len(authors), c.priority, c.impact, c.urgency, c.category,
                     json.dumps(c.reasons, ensure_ascii=False), c.seen_at, c.seen_at, c.seen_at,
                     as_set(p["source"] for p in c.posts), as_set(p["lang"] for p in c.posts), as_set(products))
                )  # fmt: skip
                encoded: dict[int, str] = {}  # posts of a cluster often share one analysis
                for p in c.posts:
                    a = p["analysis"]
                    if id(a) not in encoded:
                        encoded[id(a)] = json.dumps(a, ensure_ascii=False)
                    key = hashlib.sha1(p["text"].encode()).hexdigest()
                    post_rows.append(
                        (next_post, *(p.get(k) for k in POST_KEYS), key, cid, int(bool(a.get("relevant"))),
                         int(bool(a.get("complaint"))), a.get("category"), a.get("priority"), a.get("sentiment"),
                         encoded[id(a)], c.seen_at, c.seen_at)
                    )  # fmt: skip
                    next_post += 1
                fts_rows.append((cid, search_body((p.get("title"), p["text"]) for p in c.posts)))
            conn.executemany(
                "INSERT INTO clusters (id, intake_id, seed_post_id, size, distinct_authors, flagged, priority, impact,"
                " urgency, category, reasons, first_seen_at, last_seen_at, flagged_at, sources, langs, products)"
                " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                cluster_rows,
            )
            conn.executemany(
                f"INSERT INTO posts (id, {', '.join(POST_KEYS)}, content_key, minhash, cluster_id, relevant,"
                " complaint, category, priority, sentiment, analysis, first_seen_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, x'', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                post_rows,
            )
            for row in cluster_rows:
                remember_values(conn, {"sources": row[13], "langs": row[14], "products": row[15]})
            conn.executemany("INSERT INTO cluster_fts (rowid, body) VALUES (?, ?)", fts_rows)
            conn.executemany(
                "INSERT INTO cluster_grams (rowid, grams) VALUES (?, ?)", [(c, short_grams(b)) for c, b in fts_rows]
            )
        written += len(chunk)
    return written
