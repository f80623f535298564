"""Policy, decision and delivery: which flagged clusters become tickets, and getting them out.

A cluster is exported once; when it later grows or changes priority or category (by analysis or
by a reviewer) it becomes a new revision of the same intake id. Deciding and queueing happen in
one transaction (the outbox); delivery reads the outbox and marks each row, so nothing is lost or
sent twice across crashes. One exporter runs at a time per database (`ExportLock`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from config.settings import Settings
from exporter.alerts import ChatBot, build_bots, dispatch
from exporter.cloudevent import envelope
from exporter.delivery import DeliveryCounts, deliver
from exporter.intake import IntakeError, build_record, validate
from exporter.links import source_sites
from exporter.lock import ExportLock
from exporter.policy import effective, review_states, route, state
from exporter.retry import RetryPolicy
from exporter.sinks import Sink, build_sinks
from store import Outbox, Store, reviews
from store.outbox import RevisionTaken, moment

log = logging.getLogger(__name__)


@dataclass
class PlannedExport:
    intake_id: str
    cluster_id: int
    revision: int
    event: dict[str, Any]
    state: dict[str, Any]
    destinations: dict[str, float]
    """Destination name -> seconds to wait (0; a robot's digest window for a non-urgent alert)."""


@dataclass(frozen=True)
class AlertRule:
    """Which records a chat robot hears of, and when."""

    name: str
    priorities: tuple[str, ...]
    immediate: tuple[str, ...]
    window_seconds: float

    def delay(self, priority: str) -> float:
        return 0.0 if priority in self.immediate else self.window_seconds


def alert_rules(settings: Settings) -> list[AlertRule]:
    names = settings.export.destination_names()[len(settings.export.sinks) :]
    return [
        AlertRule(n, tuple(a.priorities), tuple(a.immediate), a.window_minutes * 60.0)
        for n, a in zip(names, settings.export.alerts, strict=True)
    ]


def bot_rule(bot: ChatBot) -> AlertRule:
    return AlertRule(bot.name, bot.priorities, bot.immediate, bot.window)


@dataclass
class HeldCluster:
    """A flagged cluster that is not going out, and why (for --dry-run)."""

    cluster_id: int
    intake_id: str
    priority: str
    title: str
    why: str


@dataclass
class ExportSummary:
    planned: list[PlannedExport] = field(default_factory=list)
    awaiting_review: int = 0
    unchanged: int = 0
    held: list[HeldCluster] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    alerted: int = 0


def retry_policy(settings: Settings, rng: random.Random | None = None) -> RetryPolicy:
    e = settings.export
    return RetryPolicy(
        e.retry_base_seconds, e.retry_max_seconds, e.max_attempts, rng or random.Random(), e.retry_after_max_seconds
    )


def plan(
    store: Store,
    settings: Settings,
    *,
    now: str | None = None,
    sink_names: Sequence[str] | None = None,
    rules: Sequence[AlertRule] | None = None,
    cluster_id: int | None = None,
) -> ExportSummary:
    """Which flagged clusters (or the one `cluster_id`) policy sends out now, as new intake
    revisions (nothing is written).

    `sink_names` are the ticket destinations (default: the configured sinks); `rules` say which
    chat robot announces what (default: the configured alerts). A robot hears of a record's first
    revision and of any revision that changes its priority.
    """
    now = now or moment(time.time())
    if sink_names is None:
        sink_names = settings.export.destination_names()[: len(settings.export.sinks)]
    rules = alert_rules(settings) if rules is None else rules
    outbox = Outbox(store)
    if cluster_id is None:
        last_revisions = outbox.last_revisions()
        refs = outbox.external_refs()
        states = review_states(reviews(store))
    else:
        row = store.cluster(cluster_id)
        last = outbox.last_revision(row["intake_id"]) if row else None
        last_revisions = {last["intake_id"]: last} if last else {}
        refs = outbox.external_refs(row["intake_id"] if row else "")
        states = review_states(reviews(store, cluster_id))
    summary = ExportSummary()
    sites = source_sites(settings)
    for flagged in store.flagged_clusters(cluster_id):
        review = states.get(flagged["id"])
        last = last_revisions.get(flagged["intake_id"])
        cluster = effective(flagged, review)
        decision = route(cluster["priority"], settings.export, review, exported=last is not None)
        if decision != "auto":
            summary.awaiting_review += decision == "review"
            why = (
                "awaiting review / 待审核" if decision == "review" else "policy or reviewer: never / 策略或审核: 不导出"
            )
            title = flagged.get("seed_title") or flagged.get("seed_text") or ""
            summary.held.append(HeldCluster(flagged["id"], flagged["intake_id"], cluster["priority"], title, why))
            continue
        if last and last["state"] == state(cluster):
            summary.unchanged += 1
            continue
        record = build_record(cluster, store.cluster_posts(cluster["id"]), captured_at=now, sites=sites)
        record["external_refs"] = refs.get(cluster["intake_id"], [])
        try:
            validate(record)
        except IntakeError as exc:
            summary.invalid.append(str(exc))
            log.error("not exported, record invalid / 记录不合规, 未导出: %s", exc)
            continue
        revision = (last["revision"] if last else 0) + 1
        event = envelope(record, revision=revision, source=settings.export.event_source, time=now)
        announce = last is None or last["state"].get("priority") != cluster["priority"]
        destinations = dict.fromkeys(sink_names, 0.0) | {
            r.name: r.delay(cluster["priority"]) for r in rules if announce and cluster["priority"] in r.priorities
        }
        summary.planned.append(
            PlannedExport(cluster["intake_id"], cluster["id"], revision, event, state(cluster), destinations)
        )
    return summary


def queue(store: Store, planned: PlannedExport, now: float) -> None:
    """Write one planned revision and the deliveries it owes (the outbox's decide step)."""
    Outbox(store).decide(
        intake_id=planned.intake_id,
        cluster_id=planned.cluster_id,
        revision=planned.revision,
        state=planned.state,
        events=dict.fromkeys(planned.destinations, planned.event),
        now=moment(now),
        not_before={name: moment(now + wait) for name, wait in planned.destinations.items() if wait},
    )


def decide_cluster(
    store: Store, settings: Settings, cluster_id: int, *, clock: Callable[[], float] = time.time
) -> ExportSummary:
    """Policy's decision for one cluster, queued into the outbox at once (after a reviewer's
    confirm, relabel or merge). Call it inside the transaction that wrote the decision, so the
    decision and its deliveries commit together; the revision is read in that transaction, so an
    exporter running beside it cannot take the same number."""
    with store.transaction():
        summary = plan(store, settings, now=moment(clock()), cluster_id=cluster_id)
        for item in summary.planned:
            queue(store, item, clock())
    return summary


def preview_record(store: Store, settings: Settings, cluster_id: int, *, now: float) -> dict[str, Any] | None:
    """The intake record of a cluster as it would go out now (reviewers' labels applied), or None
    for a cluster that is gone or merged away. Not validated, not written."""
    row = store.cluster(cluster_id)
    if row is None or row["merged_into"] is not None:
        return None
    cluster = effective(row, review_states(reviews(store, cluster_id)).get(cluster_id))
    posts = store.cluster_posts(cluster_id)
    if not posts:
        return None
    record = build_record(cluster, posts, captured_at=moment(now), sites=source_sites(settings))
    record["external_refs"] = Outbox(store).external_refs(cluster["intake_id"]).get(cluster["intake_id"], [])
    return record


def export(
    store: Store,
    settings: Settings,
    *,
    sinks: Sequence[Sink] | None = None,
    bots: Sequence[ChatBot] | None = None,
    env: Mapping[str, str] | None = None,
    retry: RetryPolicy | None = None,
    clock: Callable[[], float] = time.time,
    deliver_now: bool = True,
) -> ExportSummary:
    """Decide new revisions into the outbox, then (unless not `deliver_now`) deliver everything that
    is due and send the alerts."""
    sinks = list(sinks) if sinks is not None else build_sinks(settings, env=env)
    bots = list(bots) if bots is not None else build_bots(settings, env=env)
    retry = retry or retry_policy(settings)
    with ExportLock(store.path):
        summary = plan(
            store,
            settings,
            now=moment(clock()),
            sink_names=[s.name for s in sinks],
            rules=[bot_rule(b) for b in bots],
        )
        for item in list(summary.planned):
            try:
                queue(store, item, clock())
            except RevisionTaken:
                # A reviewer's action decided this revision since the plan was read; it is queued.
                summary.planned.remove(item)
        counts = deliver_all(store, sinks, bots, retry=retry, clock=clock) if deliver_now else WorkerCounts()
    summary.delivered, summary.failed, summary.dead = counts.delivered, counts.failed, counts.dead
    summary.alerted = counts.alerted
    return summary


@dataclass
class WorkerCounts(DeliveryCounts):
    alerted: int = 0


def deliver_all(
    store: Store,
    sinks: Sequence[Sink],
    bots: Sequence[ChatBot],
    *,
    retry: RetryPolicy,
    clock: Callable[[], float] = time.time,
) -> WorkerCounts:
    """One pass of the delivery worker: tickets due now, then the alerts due now."""
    tickets = deliver(store, sinks, retry=retry, clock=clock, skip=[b.name for b in bots])
    alerts = dispatch(store, bots, retry=retry, clock=clock)
    counts = WorkerCounts(tickets.delivered, tickets.failed + alerts.failed, tickets.dead + alerts.dead)
    counts.alerted = alerts.delivered
    return counts


def run_worker(
    store: Store,
    sinks: Sequence[Sink],
    bots: Sequence[ChatBot],
    *,
    retry: RetryPolicy,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    until_idle: bool = True,
    deadline: float | None = None,
    poll: float = 30.0,
) -> WorkerCounts:
    """Deliver until nothing is owed (`until_idle`) or forever, sleeping until the next row is due.

    Holds the export lock only while it works, so `lingting export` can decide in between. With
    `until_idle` it returns once every row is delivered or dead, or at `deadline` (Unix time).
    `poll` (the longest sleep) must be a positive number of seconds: 0 would never sleep.
    """
    if not 0 < poll < float("inf"):
        raise ValueError(f"poll must be a positive number of seconds, not {poll!r}")
    total = WorkerCounts()
    outbox = Outbox(store)
    while True:
        with ExportLock(store.path):
            counts = deliver_all(store, sinks, bots, retry=retry, clock=clock)
        total.delivered += counts.delivered
        total.failed += counts.failed
        total.dead += counts.dead
        total.alerted += counts.alerted
        upcoming = outbox.next_attempt()
        if until_idle and upcoming is None:
            return total
        now = clock()
        if deadline is not None and now >= deadline:
            return total
        wake = now + poll
        if upcoming is not None:
            wake = min(wake, max(_seconds(upcoming), now + 0.01))
        if deadline is not None:
            wake = min(wake, deadline)
        sleep(max(wake - now, 0.0))


def _seconds(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
