"""The plain SQL behind each review page: the same rows fetched by primary key, no decoding, no
filtering, no ordering. bench/review prints the real path's time beside these as its floor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from store.database import Store, utc_now


def queue_rows(store: Store, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The clusters of a queue page and their seed posts, by id."""
    marks = ",".join("?" * len(ids))
    return store.conn.execute(
        "SELECT c.id, c.intake_id, c.priority, c.category, c.distinct_authors, c.size, c.first_seen_at,"
        " c.last_seen_at, c.sources, c.products, c.assignee, p.title, substr(p.text, 1, 400), p.lang"
        f" FROM clusters c JOIN posts p ON p.id = c.seed_post_id WHERE c.id IN ({marks})",
        list(ids),
    ).fetchall()


def cluster_rows(store: Store, cluster_id: int) -> list[list[tuple[Any, ...]]]:
    """A cluster page's rows: the cluster, its posts, its log, its deliveries."""
    conn = store.conn
    cluster = conn.execute("SELECT * FROM clusters WHERE id = ?", (cluster_id,)).fetchall()
    return [
        cluster,
        conn.execute("SELECT * FROM posts WHERE cluster_id = ? LIMIT 200", (cluster_id,)).fetchall(),
        conn.execute("SELECT * FROM reviews WHERE cluster_id = ?", (cluster_id,)).fetchall(),
        conn.execute("SELECT * FROM outbox WHERE intake_id = ?", (cluster[0][1] if cluster else "",)).fetchall(),
    ]


def confirm_row(store: Store, cluster_id: int, reviewer: str) -> None:
    """One log row and one outbox row written in one transaction: the least a confirm writes. (The
    row is a note, so the floor leaves every cluster's state as it was.)"""
    now = utc_now()
    with store.transaction():
        store.conn.execute(
            "INSERT INTO reviews (cluster_id, decision, reviewer, note, created_at) VALUES (?, 'note', ?, 'floor', ?)",
            (cluster_id, reviewer, now),
        )
        store.conn.execute(
            "INSERT INTO outbox (intake_id, revision, sink, event, created_at) VALUES (?, 1, 'floor', '{}', ?)",
            (f"floor-{cluster_id}", now),
        )
