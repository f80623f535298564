"""The delivery worker: walk the outbox, deliver what is due, settle every row.

A row is marked only after its sink answered, so a crash (even SIGKILL) between sending and
marking leaves it pending and it is sent again on restart; receivers dedup on the event id
(`Idempotency-Key`, `webhook-id`), Jira and GitHub by searching first. Nothing is lost, and no
ticket is made twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from exporter.retry import RetryPolicy
from exporter.sinks import DeliveryError, Sink
from store import Outbox, Store
from store.outbox import moment

log = logging.getLogger(__name__)
Clock = Callable[[], float]


@dataclass
class DeliveryCounts:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def settle_failure(
    outbox: Outbox, row: dict[str, Any], exc: DeliveryError, retry: RetryPolicy, now: float, counts: DeliveryCounts
) -> None:
    """Retry later with backoff, or dead (a permanent error, or out of attempts)."""
    attempts = int(row["attempts"]) + 1
    if not exc.retry:
        outbox.mark_dead(row["id"], str(exc), exc.response)
        counts.dead += 1
    elif retry.exhausted(attempts):
        outbox.mark_dead(row["id"], f"gave up after {attempts} attempts / 已重试 {attempts} 次: {exc}", exc.response)
        counts.dead += 1
    else:
        wait = retry.delay(attempts, exc.retry_after)
        outbox.mark_failed(row["id"], str(exc), moment(now + wait), exc.response)
        counts.failed += 1
    log.warning("delivery to %s failed / 投递失败: %s", row["sink"], exc)


def deliver(
    store: Store,
    sinks: Sequence[Sink],
    *,
    retry: RetryPolicy | None = None,
    clock: Clock = time.time,
    skip: Sequence[str] = (),
) -> DeliveryCounts:
    """Deliver every ticket row due now (rows of the destinations in `skip`, the chat alerts, are
    left to their dispatcher). A row whose sink is no longer configured fails and backs off."""
    retry = retry or RetryPolicy()
    outbox = Outbox(store)
    by_name = {s.name: s for s in sinks}
    names = [n for n in outbox.status_by_sink() if n not in skip]
    counts = DeliveryCounts()
    while rows := outbox.due(moment(clock()), limit=200, sinks=names):
        for row in rows:
            sink = by_name.get(row["sink"])
            try:
                if sink is None:
                    raise DeliveryError(
                        f"sink {row['sink']} is no longer configured / 该导出目标已不在配置中", retry=True
                    )
                ref = sink.deliver(row["event"], previous_ref=row["previous_ref"])
            except DeliveryError as exc:
                settle_failure(outbox, row, exc, retry, clock(), counts)
                continue
            except OSError as exc:  # the JSONL file: disk full, permissions
                settle_failure(
                    outbox, row, DeliveryError(f"{type(exc).__name__}: {exc}", retry=True), retry, clock(), counts
                )
                continue
            outbox.mark_delivered(row["id"], ref, moment(clock()))
            counts.delivered += 1
    return counts
