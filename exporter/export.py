"""Policy, decision and delivery: which flagged clusters become tickets, and getting them out.

A cluster is exported once; when it later grows or changes priority or category it becomes a
new revision of the same intake id. Deciding and queueing happen in one transaction (the outbox);
delivery reads the outbox and marks each row, so nothing is lost or sent twice across crashes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from config.settings import ExportSettings, Settings
from exporter.cloudevent import envelope
from exporter.intake import IntakeError, build_record, validate
from exporter.sinks import DeliveryError, Sink, build_sinks
from store import Outbox, Store, utc_now

log = logging.getLogger(__name__)
Route = Literal["auto", "review", "never"]


def route(priority: str | None, policy: ExportSettings) -> Route:
    if priority in policy.auto:
        return "auto"
    if priority in policy.review:
        return "review"
    return "never"


def _state(cluster: dict[str, Any]) -> dict[str, Any]:
    """What makes a new revision: a change in any of these."""
    return {k: cluster[k] for k in ("priority", "category", "size", "distinct_authors")}


@dataclass
class PlannedExport:
    intake_id: str
    cluster_id: int
    revision: int
    event: dict[str, Any]


@dataclass
class ExportSummary:
    planned: list[PlannedExport] = field(default_factory=list)
    awaiting_review: int = 0
    unchanged: int = 0
    invalid: list[str] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def plan(store: Store, settings: Settings, *, now: str | None = None) -> ExportSummary:
    """Which flagged clusters policy sends out now, as new intake revisions (nothing is written)."""
    now = now or utc_now()
    outbox = Outbox(store)
    summary = ExportSummary()
    for cluster in store.flagged_clusters():
        decision = route(cluster["priority"], settings.export)
        if decision == "review":
            summary.awaiting_review += 1
            continue
        if decision == "never":
            continue
        last = outbox.last_revision(cluster["intake_id"])
        if last and last["state"] == _state(cluster):
            summary.unchanged += 1
            continue
        record = build_record(cluster, store.cluster_posts(cluster["id"]), captured_at=now)
        try:
            validate(record)
        except IntakeError as exc:
            summary.invalid.append(str(exc))
            log.error("not exported, record invalid / 记录不合规, 未导出: %s", exc)
            continue
        revision = (last["revision"] if last else 0) + 1
        event = envelope(record, revision=revision, source=settings.export.event_source, time=now)
        summary.planned.append(PlannedExport(cluster["intake_id"], cluster["id"], revision, event))
    return summary


def export(store: Store, settings: Settings, *, sinks: Sequence[Sink] | None = None) -> ExportSummary:
    """Decide new revisions into the outbox, then deliver everything that is due."""
    sinks = list(sinks) if sinks is not None else build_sinks(settings)
    summary = plan(store, settings)
    outbox = Outbox(store)
    for item in summary.planned:
        cluster = store.cluster(item.cluster_id)
        assert cluster is not None
        outbox.decide(
            intake_id=item.intake_id,
            cluster_id=item.cluster_id,
            revision=item.revision,
            state=_state(cluster),
            events={s.name: item.event for s in sinks},
        )
    delivered, failed, dead = deliver(store, sinks)
    summary.delivered, summary.failed, summary.dead = delivered, failed, dead
    return summary


def _backoff(attempts: int) -> str:
    delay = min(60 * 2**attempts, 6 * 3600)
    return (datetime.now(UTC) + timedelta(seconds=delay)).strftime("%Y-%m-%dT%H:%M:%SZ")


def deliver(store: Store, sinks: Sequence[Sink]) -> tuple[int, int, int]:
    """Deliver due outbox rows; returns (delivered, failed, dead)."""
    by_name = {s.name: s for s in sinks}
    outbox = Outbox(store)
    delivered = failed = dead = 0
    for row in outbox.due():
        sink = by_name.get(row["sink"])
        if sink is None:
            outbox.mark_failed(
                row["id"],
                f"sink {row['sink']} is no longer configured / 该导出目标已不在配置中",
                _backoff(row["attempts"]),
            )
            failed += 1
            continue
        try:
            ref = sink.deliver(row["event"])
        except DeliveryError as exc:
            if exc.retry:
                outbox.mark_failed(row["id"], str(exc), _backoff(row["attempts"]))
                failed += 1
            else:
                outbox.mark_dead(row["id"], str(exc))
                dead += 1
            log.warning("delivery to %s failed / 投递失败: %s", row["sink"], exc)
            continue
        except OSError as exc:
            outbox.mark_failed(row["id"], f"{type(exc).__name__}: {exc}", _backoff(row["attempts"]))
            failed += 1
            log.warning("delivery to %s failed / 投递失败: %s", row["sink"], exc)
            continue
        outbox.mark_delivered(row["id"], ref)
        delivered += 1
    return delivered, failed, dead
