"""The one path of every review action: the web page, `lingting review` and bulk actions call these.

Each decision is one row of the append-only log (one per cluster in a bulk action). A confirm, a
relabel, an undo and a merge or split are followed by policy's decision for the clusters they
touch (exporter's decide step), in the same transaction: a confirmed cluster is in the outbox the
moment the confirm commits, and a change to a record already sent is queued as its next revision.
Bad input raises `store.ReviewError` before anything is written.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from config.replies import reply_templates
from config.settings import Settings
from crawler.analysis import triage_fn
from exporter.export import decide_cluster, preview_record
from exporter.intake import lead_post
from store import ReviewError, Store
from store.cluster_edit import cluster_of_post, merge_clusters, split_post
from store.review_queue import ClusterDetail
from store.reviews import DISMISS_REASONS, add_review, undo_latest

DECISIONS = ("confirm", "dismiss", "relabel", "assign", "note")
"""What `apply_decision` takes; undo, merge and split have functions of their own."""
REDECIDE = ("confirm", "relabel")
"""Actions after which policy looks at the cluster again (a dismiss only ever holds one back)."""

__all__ = [
    "DECISIONS",
    "ActionResult",
    "apply_decision",
    "draft_reply",
    "intake_preview",
    "merge",
    "split",
    "undo",
]


@dataclass
class ActionResult:
    action: str
    cluster_ids: list[int] = field(default_factory=list)
    review_ids: list[int] = field(default_factory=list)
    """The log rows written, one per cluster."""
    queued: list[tuple[str, int]] = field(default_factory=list)
    """(intake id, revision) put into the outbox by this action."""


def _queue(settings: Settings, store: Store, cluster_id: int, result: ActionResult) -> None:
    summary = decide_cluster(store, settings, cluster_id)
    result.queued += [(p.intake_id, p.revision) for p in summary.planned]


def apply_decision(
    settings: Settings,
    store: Store,
    cluster_ids: Sequence[int],
    action: str,
    *,
    reviewer: str,
    category: str | None = None,
    priority: str | None = None,
    reason: str | None = None,
    note: str | None = None,
    assignee: str | None = None,
) -> ActionResult:
    """Record `action` on every cluster (validated first: one bad id and nothing is written)."""
    if action not in DECISIONS:
        raise ReviewError(f"unknown action {action!r}; one of {', '.join(DECISIONS)} / 未知的操作")
    if action == "dismiss" and reason is None:
        raise ReviewError(f"a dismiss needs a reason: {', '.join(DISMISS_REASONS)} / 忽略需要原因")
    ids = list(dict.fromkeys(cluster_ids))
    if not ids:
        raise ReviewError("no cluster selected / 未选择聚类")
    missing = [cid for cid in ids if store.cluster(cid) is None]
    if missing:
        raise ReviewError(f"no cluster {', '.join(map(str, missing[:10]))} / 聚类不存在")
    result = ActionResult(action)
    batch = uuid.uuid4().hex if len(ids) > 1 else None
    # One short transaction per cluster: a bulk action over thousands never holds the write lock
    # for long, and each cluster's decision commits with its outbox rows.
    for cid in ids:
        with store.transaction():
            review_id = add_review(
                store, cid, action, category=category, priority=priority, reviewer=reviewer,
                note=note, reason=reason, assignee=assignee, batch=batch,
            )  # fmt: skip
            if action in REDECIDE:
                _queue(settings, store, cid, result)
        result.cluster_ids.append(cid)
        result.review_ids.append(review_id)
    return result


def undo(settings: Settings, store: Store, reviewer: str) -> ActionResult:
    """Cancel `reviewer`'s latest decision in force, every cluster of it if it was a bulk action
    (one new log entry each); nothing to undo: no ids."""
    result = ActionResult("undo")
    with store.transaction():
        for undo_id, cid in undo_latest(store, reviewer):
            _queue(settings, store, cid, result)
            result.cluster_ids.append(cid)
            result.review_ids.append(undo_id)
    return result


def merge(settings: Settings, store: Store, a: int, b: int, reviewer: str) -> int:
    """Merge two clusters (see store.cluster_edit for which survives); the survivor's record, if
    already sent, is queued as its next revision. Returns the kept cluster's id."""
    with store.transaction():
        kept = merge_clusters(
            store, a, b, reviewer=reviewer, triage=triage_fn(settings),
            window_days=settings.analysis.cluster_window_days,
        )  # fmt: skip
        _queue(settings, store, kept, ActionResult("merge"))
    return kept


def split(settings: Settings, store: Store, post_id: int, reviewer: str) -> int:
    """Move a post to a cluster of its own; returns the new cluster's id."""
    with store.transaction():
        old = cluster_of_post(store, post_id)
        new = split_post(
            store, post_id, reviewer=reviewer, triage=triage_fn(settings),
            window_days=settings.analysis.cluster_window_days,
        )  # fmt: skip
        result = ActionResult("split")
        if old is not None:
            _queue(settings, store, old, result)
        _queue(settings, store, new, result)
    return new


def intake_preview(settings: Settings, store: Store, cluster_id: int) -> dict[str, Any] | None:
    """The intake record as the ticket system would receive it if it went out now."""
    return preview_record(store, settings, cluster_id, now=time.time())


def _product_name(settings: Settings, detail: ClusterDetail, fallback: str) -> str:
    found = {t.casefold() for t in detail.products}
    for product in settings.products:
        if any(t.casefold() in found for t in product.terms):
            return product.name
    return fallback


def draft_reply(settings: Settings, detail: ClusterDetail, lang: str | None = None) -> str:
    """A polite reply, in the lead post's language (or `lang`), asking for exactly what it lacks."""
    if not detail.posts:
        raise ReviewError(f"cluster {detail.cluster['id']} has no posts / 聚类没有帖子")
    lead = lead_post(detail.posts)
    analysis = lead.get("analysis") or {}
    templates = reply_templates(lang or analysis.get("lang") or lead.get("lang"), settings.base_dir)
    missing = [m for m in analysis.get("missing_info") or [] if m in templates.items]
    product = _product_name(settings, detail, templates.product_fallback)
    lines = [templates.greeting.replace("{product}", product)]
    if missing:
        lines.append(templates.ask)
        lines += [f"{n}. {templates.items[m]}" for n, m in enumerate(missing, start=1)]
        lines.append(templates.closing)
    else:
        lines.append(templates.nothing_missing)
    return "\n".join(lines)
