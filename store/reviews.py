"""Reviewers' decisions on clusters: confirm (send it), dismiss (not a real complaint), relabel.

The latest decision on a cluster is the one in force; earlier ones stay as history and as
training data for `lingting train`.
"""

from __future__ import annotations

from typing import Any, Literal

from store.database import Store, utc_now

Decision = Literal["confirm", "dismiss", "relabel"]
CATEGORIES = ("functional", "experience", "bug", "feature_request", "service", "question", "other")
PRIORITIES = ("P0", "P1", "P2", "P3")


class ReviewError(ValueError):
    """A review that cannot be recorded (unknown cluster, label or priority)."""


def add_review(
    store: Store,
    cluster_id: int,
    decision: Decision,
    *,
    category: str | None = None,
    priority: str | None = None,
    reviewer: str | None = None,
    note: str | None = None,
) -> int:
    if store.cluster(cluster_id) is None:
        raise ReviewError(f"no cluster {cluster_id} / 没有编号为 {cluster_id} 的聚类")
    if category is not None and category not in CATEGORIES:
        raise ReviewError(f"category {category!r} is not one of {', '.join(CATEGORIES)} / 类别无效")
    if priority is not None and priority not in PRIORITIES:
        raise ReviewError(f"priority {priority!r} is not one of {', '.join(PRIORITIES)} / 优先级无效")
    if decision == "relabel" and category is None and priority is None:
        raise ReviewError("relabel needs a category or a priority / 重新标注需要类别或优先级")
    with store.transaction():
        cur = store.conn.execute(
            "INSERT INTO reviews (cluster_id, decision, category, priority, reviewer, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (cluster_id, decision, category, priority, reviewer, note, utc_now()),
        )
    return int(cur.lastrowid or 0)


def latest_review(store: Store, cluster_id: int) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM reviews WHERE cluster_id = ? ORDER BY id DESC LIMIT 1", (cluster_id,))
    return rows[0] if rows else None


def reviews(store: Store) -> list[dict[str, Any]]:
    """Every decision, oldest first."""
    return store.query("SELECT * FROM reviews ORDER BY id")
