"""The decision log: every reviewer's action on a cluster, append-only.

Actions: confirm (send it), dismiss (with a reason), relabel (category and/or priority), assign,
note, undo (cancels the entry it points at), merge and split (written by `store.cluster_edit`).
A cluster's review state (verdict, category, priority, assignee) is the fold of its log, oldest
first, skipping cancelled entries: the latest confirm/dismiss is the verdict, the latest category,
priority and assignee given win. The fold is cached on the cluster row in the same transaction as
each append, so the queue can filter and sort on it; `rebuild_review_cache` recomputes it from the
log. Earlier entries stay as history and as training data for `lingting train`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from store.database import Store, StoreError, utc_now

Decision = Literal["confirm", "dismiss", "relabel", "assign", "note", "undo", "merge", "split"]
ACTIONS: tuple[str, ...] = ("confirm", "dismiss", "relabel", "assign", "note", "undo", "merge", "split")
DISMISS_REASONS: tuple[str, ...] = ("not_about_us", "not_complaint", "spam", "duplicate", "resolved")
CATEGORIES = ("functional", "experience", "bug", "feature_request", "service", "question", "other")
PRIORITIES = ("P0", "P1", "P2", "P3")
UNDOABLE = ("confirm", "dismiss", "relabel", "assign", "note")
"""Merge and split move posts; they are not undone by a log entry (split the post out again)."""


class ReviewError(StoreError, ValueError):
    """A review that cannot be recorded (unknown cluster, action, label, priority or reason)."""


@dataclass(frozen=True)
class ReviewState:
    """What the log puts in force for one cluster."""

    verdict: Literal["confirm", "dismiss"] | None = None
    category: str | None = None
    priority: str | None = None
    assignee: str | None = None


def fold_reviews(rows: Iterable[Mapping[str, Any]]) -> dict[int, ReviewState]:
    """Fold log rows (oldest first) into the state in force per cluster; undone entries are skipped."""
    rows = list(rows)
    cancelled = {r.get("undoes") for r in rows if r["decision"] == "undo"}
    states: dict[int, ReviewState] = {}
    for r in rows:
        if r.get("id") is not None and r["id"] in cancelled:
            continue
        decision = r["decision"]
        if decision not in ("confirm", "dismiss", "relabel", "assign"):
            continue
        old = states.get(r["cluster_id"], ReviewState())
        verdict = decision if decision in ("confirm", "dismiss") else old.verdict
        assignee = (r.get("assignee") or None) if decision == "assign" else old.assignee
        states[r["cluster_id"]] = ReviewState(
            verdict,
            r.get("category") or old.category,
            r.get("priority") or old.priority,
            assignee,
        )
    return states


def _check(
    store: Store,
    cluster_id: int,
    decision: str,
    category: str | None,
    priority: str | None,
    reason: str | None,
    assignee: str | None,
    note: str | None,
) -> None:
    if decision not in ACTIONS or decision == "undo":
        raise ReviewError(f"unknown action {decision!r}; one of {', '.join(ACTIONS[:5])} / 未知的操作")
    if store.cluster(cluster_id) is None:
        raise ReviewError(f"no cluster {cluster_id} / 没有编号为 {cluster_id} 的聚类")
    if category is not None and category not in CATEGORIES:
        raise ReviewError(f"category {category!r} is not one of {', '.join(CATEGORIES)} / 类别无效")
    if priority is not None and priority not in PRIORITIES:
        raise ReviewError(f"priority {priority!r} is not one of {', '.join(PRIORITIES)} / 优先级无效")
    if decision == "relabel" and category is None and priority is None:
        raise ReviewError("relabel needs a category or a priority / 重新标注需要类别或优先级")
    if reason is not None and (decision != "dismiss" or reason not in DISMISS_REASONS):
        raise ReviewError(f"reason {reason!r}: a dismiss takes one of {', '.join(DISMISS_REASONS)} / 忽略原因无效")
    if decision == "assign" and assignee is None:
        raise ReviewError("assign needs an assignee ('' to unassign) / 指派需要指定负责人")
    if decision == "note" and not (note or "").strip():
        raise ReviewError("a note needs some text / 备注不能为空")


def add_review(
    store: Store,
    cluster_id: int,
    decision: str,
    *,
    category: str | None = None,
    priority: str | None = None,
    reviewer: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    assignee: str | None = None,
    other_cluster_id: int | None = None,
    post_id: int | None = None,
    batch: str | None = None,
) -> int:
    """Append one decision (validated) and update the cluster's cached state; returns its id.
    `batch` names the bulk action the decision is part of (an undo undoes the whole action)."""
    if decision not in ("merge", "split"):
        _check(store, cluster_id, decision, category, priority, reason, assignee, note)
    with store.transaction():
        cur = store.conn.execute(
            "INSERT INTO reviews (cluster_id, decision, category, priority, reviewer, note, reason, assignee,"
            " other_cluster_id, post_id, batch, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (cluster_id, decision, category, priority, reviewer, note, reason, assignee,
             other_cluster_id, post_id, batch, utc_now()),
        )  # fmt: skip
        _cache_state(store, cluster_id)
    return int(cur.lastrowid or 0)


def undo_last(store: Store, reviewer: str | None) -> int | None:
    """Undo `reviewer`'s latest decision (see `undo_latest`); the last undo entry's id, or None."""
    undone = undo_latest(store, reviewer)
    return undone[-1][0] if undone else None


def undo_latest(store: Store, reviewer: str | None) -> list[tuple[int, int]]:
    """Append an undo entry for `reviewer`'s latest decision still in force, and for every other
    cluster of the same bulk action; returns (undo entry id, cluster id) pairs, [] for nothing.

    A merge or split is not undone this way (ReviewError says so) rather than skipped, so that
    "undo" never silently cancels an older decision than the one the reviewer just made.
    """
    in_force = (
        "SELECT id, cluster_id, decision, batch FROM reviews r WHERE reviewer IS ? AND decision != 'undo'"
        " AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id)"
    )
    with store.transaction():
        latest = store.conn.execute(f"{in_force} ORDER BY id DESC LIMIT 1", (reviewer,)).fetchone()
        if latest is None:
            return []
        if latest[2] not in UNDOABLE:
            raise ReviewError(
                f"the last decision is a {latest[2]} (#{latest[0]}), which undo cannot reverse / 合并或拆分无法撤销"
            )
        rows = [latest]
        if latest[3] is not None:
            rows = store.conn.execute(f"{in_force} AND batch = ? ORDER BY id", (reviewer, latest[3])).fetchall()
        undone: list[tuple[int, int]] = []
        for row in rows:
            cur = store.conn.execute(
                "INSERT INTO reviews (cluster_id, decision, reviewer, undoes, created_at) VALUES (?, 'undo', ?, ?, ?)",
                (row[1], reviewer, row[0], utc_now()),
            )
            _cache_state(store, int(row[1]))
            undone.append((int(cur.lastrowid or 0), int(row[1])))
    return undone


def _cache_state(store: Store, cluster_id: int) -> None:
    state = cluster_state(store, cluster_id)
    store.conn.execute(
        "UPDATE clusters SET review_verdict = ?, review_category = ?, review_priority = ?, assignee = ? WHERE id = ?",
        (state.verdict, state.category, state.priority, state.assignee, cluster_id),
    )


def cluster_state(store: Store, cluster_id: int) -> ReviewState:
    """The state the log puts in force for one cluster (folded from the log, not the cache)."""
    return fold_reviews(reviews(store, cluster_id)).get(cluster_id, ReviewState())


def rebuild_review_cache(store: Store) -> int:
    """Recompute every cluster's cached state from the log (after a restore, or to check it)."""
    states = fold_reviews(reviews(store))
    with store.transaction():
        store.conn.execute(
            "UPDATE clusters SET review_verdict = NULL, review_category = NULL, review_priority = NULL,"
            " assignee = NULL WHERE review_verdict IS NOT NULL OR review_category IS NOT NULL"
            " OR review_priority IS NOT NULL OR assignee IS NOT NULL"
        )
        store.conn.executemany(
            "UPDATE clusters SET review_verdict = ?, review_category = ?, review_priority = ?, assignee = ?"
            " WHERE id = ?",
            [(s.verdict, s.category, s.priority, s.assignee, cid) for cid, s in states.items()],
        )
    return len(states)


def latest_review(store: Store, cluster_id: int) -> dict[str, Any] | None:
    """The newest log entry on a cluster (whatever it is, an undo included)."""
    rows = store.query("SELECT * FROM reviews WHERE cluster_id = ? ORDER BY id DESC LIMIT 1", (cluster_id,))
    return rows[0] if rows else None


def reviews(store: Store, cluster_id: int | None = None) -> list[dict[str, Any]]:
    """Every decision (or one cluster's), oldest first."""
    if cluster_id is None:
        return store.query("SELECT * FROM reviews ORDER BY id")
    return store.query("SELECT * FROM reviews WHERE cluster_id = ? ORDER BY id", (cluster_id,))


def in_force(store: Store) -> list[dict[str, Any]]:
    """Every decision not cancelled by an undo, and not an undo itself, oldest first."""
    return store.query(
        "SELECT * FROM reviews r WHERE decision != 'undo'"
        " AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id) ORDER BY id"
    )
