"""A reviewer's corrections to clustering: merge two clusters, split a post out of one.

The intake-id rule: a merge keeps the older cluster and its intake id, so the ticket system sees
a new revision of the record it has, never a second ticket. The one exception keeps that promise:
if only the newer cluster has been exported, the newer is kept (its ticket is the one that exists).
Either way, the cluster that is absorbed keeps its rows (merged_into points at the survivor) and
its exports; only the survivor is revised from then on. A split gives the post a cluster of its
own with a fresh intake id; the cluster it leaves keeps its id and its ticket.
Both write a "merge" or "split" entry on each cluster involved, in the same transaction.
"""

from __future__ import annotations

from store.database import Store, TriageFn, intake_id_for, utc_now
from store.facets import refresh_facets
from store.reviews import ReviewError, add_review


def _live(store: Store, cluster_id: int) -> dict[str, object]:
    row = store.cluster(cluster_id)
    if row is None:
        raise ReviewError(f"no cluster {cluster_id} / 没有编号为 {cluster_id} 的聚类")
    if row["merged_into"] is not None:
        raise ReviewError(
            f"cluster {cluster_id} was merged into {row['merged_into']} / 聚类 {cluster_id} 已并入 {row['merged_into']}"
        )
    return row


def survivor(store: Store, a: int, b: int) -> tuple[int, int]:
    """(kept, absorbed): the older, unless only the newer has a ticket."""
    rows = {cid: _live(store, cid) for cid in (a, b)}
    older, newer = sorted((a, b), key=lambda cid: (str(rows[cid]["first_seen_at"]), cid))
    if rows[newer]["exported"] and not rows[older]["exported"]:
        return newer, older
    return older, newer


def merge_clusters(
    store: Store, a: int, b: int, *, reviewer: str | None, triage: TriageFn, window_days: int = 14
) -> int:
    """Merge clusters `a` and `b`; returns the kept cluster's id. `triage` re-decides the merged
    cluster's priority and category from its posts, as ingest would."""
    if a == b:
        raise ReviewError(f"cannot merge cluster {a} with itself / 不能与自身合并")
    with store.transaction():
        kept, absorbed = survivor(store, a, b)
        store._merge(absorbed, into=kept)
        store._refresh_cluster(kept, triage, window_days, utc_now())
        refresh_facets(store.conn, kept)
        add_review(store, kept, "merge", reviewer=reviewer, other_cluster_id=absorbed)
        add_review(store, absorbed, "merge", reviewer=reviewer, other_cluster_id=kept)
    return kept


def split_post(store: Store, post_id: int, *, reviewer: str | None, triage: TriageFn, window_days: int = 14) -> int:
    """Move one post to a new cluster of its own; returns the new cluster's id."""
    with store.transaction():
        post = store.conn.execute(
            "SELECT id, cluster_id, source, source_post_id FROM posts WHERE id = ?", (post_id,)
        ).fetchone()
        if post is None:
            raise ReviewError(f"no post {post_id} / 没有编号为 {post_id} 的帖子")
        old = int(post[1])
        _live(store, old)
        if store.conn.execute("SELECT count(*) FROM posts WHERE cluster_id = ?", (old,)).fetchone()[0] < 2:
            raise ReviewError(f"post {post_id} is alone in cluster {old} / 该帖子是聚类中唯一的帖子, 无需拆分")
        now = utc_now()
        new = _new_cluster_for(store, post[2], post[3], post_id, now)
        store.conn.execute("UPDATE posts SET cluster_id = ? WHERE id = ?", (new, post_id))
        store.conn.execute(
            "UPDATE clusters SET seed_post_id = (SELECT min(id) FROM posts WHERE cluster_id = ?)"
            " WHERE id = ? AND seed_post_id = ?",
            (old, old, post_id),
        )
        for cid in (old, new):
            store._refresh_cluster(cid, triage, window_days, now)
            refresh_facets(store.conn, cid)
        add_review(store, old, "split", reviewer=reviewer, other_cluster_id=new, post_id=post_id)
        add_review(store, new, "split", reviewer=reviewer, other_cluster_id=old, post_id=post_id)
    return new


def cluster_of_post(store: Store, post_id: int) -> int | None:
    row = store.conn.execute("SELECT cluster_id FROM posts WHERE id = ?", (post_id,)).fetchone()
    return int(row[0]) if row else None


def _new_cluster_for(store: Store, source: str, source_post_id: str, post_id: int, now: str) -> int:
    """A cluster seeded by the post; its intake id as ingest would name it, unless taken (the post
    seeded the cluster it leaves), then one derived from the post and this split."""
    intake_id = intake_id_for(source, source_post_id)
    taken = store.conn.execute("SELECT 1 FROM clusters WHERE intake_id = ?", (intake_id,)).fetchone()
    if taken:
        count = store.conn.execute("SELECT count(*) FROM clusters").fetchone()[0]
        intake_id = intake_id_for(source, source_post_id, f"\x1fsplit{count}")
    cur = store.conn.execute(
        "INSERT INTO clusters (intake_id, seed_post_id, first_seen_at, last_seen_at)"
        " SELECT ?, id, first_seen_at, ? FROM posts WHERE id = ?",
        (intake_id, now, post_id),
    )
    return int(cur.lastrowid or 0)
