"""Sending the alerts the outbox owes: P0 at once, the rest in one digest per window, within
each robot's rate limit.

Alert rows are outbox rows whose destination is a robot. Urgent rows go one message each while
the robot's budget lasts; the last message the budget allows carries every urgent row left.
The others wait until the oldest has waited `window_minutes`, then go as one digest. A message
sent and its rows marked delivered are one transaction; the sends within the last minute
(`alert_messages`) set each robot's budget, across runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from exporter.alerts.bots import ChatBot
from exporter.alerts.digest import AlertItem, AlertMessage
from exporter.alerts.ratelimit import SlidingWindow
from exporter.delivery import DeliveryCounts, settle_failure
from exporter.retry import RetryPolicy
from exporter.transport import DeliveryError
from store import Outbox, Store
from store.outbox import moment


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def dispatch(
    store: Store,
    bots: Sequence[ChatBot],
    *,
    retry: RetryPolicy | None = None,
    clock: Callable[[], float] = time.time,
) -> DeliveryCounts:
    retry = retry or RetryPolicy()
    outbox = Outbox(store)
    counts = DeliveryCounts()
    for bot in bots:
        now = clock()
        limit = SlidingWindow(
            bot.per_minute, 60.0, [_seconds(t) for t in outbox.alert_sends_since(bot.name, moment(now - 60))]
        )
        due = outbox.due(moment(now), limit=1000, sinks=[bot.name])
        urgent = [r for r in due if r["event"]["data"]["priority"] in bot.immediate]
        while urgent and limit.remaining(clock()) > 0:
            group = urgent if limit.remaining(clock()) == 1 else urgent[:1]
            urgent = urgent[len(group) :]
            _send(outbox, bot, "immediate", group, limit, retry, clock, counts)
        if any(r["event"]["data"]["priority"] not in bot.immediate for r in due):
            # A digest row's window has passed: it takes along every other one still waiting.
            owed = outbox.due(moment(now + 10 * 365 * 86400), limit=1000, sinks=[bot.name])
            rest = [
                r
                for r in owed
                if r["event"]["data"]["priority"] not in bot.immediate
                and (r["status"] == "pending" or r["next_attempt_at"] <= moment(now))
            ]
            if limit.remaining(clock()) > 0:
                _send(outbox, bot, "digest", rest, limit, retry, clock, counts)
            else:
                urgent += [r for r in due if r in rest]
        if urgent:  # over the robot's rate limit: due again when it allows
            outbox.postpone([r["id"] for r in urgent], moment(clock() + limit.wait(clock())))
    return counts


def _send(
    outbox: Outbox,
    bot: ChatBot,
    kind: Literal["immediate", "digest"],
    rows: list[dict[str, Any]],
    limit: SlidingWindow,
    retry: RetryPolicy,
    clock: Callable[[], float],
    counts: DeliveryCounts,
) -> None:
    message = AlertMessage("digest" if len(rows) > 1 else kind, tuple(AlertItem.from_event(r["event"]) for r in rows))
    try:
        bot.send_message(message)
    except DeliveryError as exc:
        for row in rows:
            settle_failure(outbox, row, exc, retry, clock(), counts)
        return
    now = clock()
    limit.note(now)
    outbox.record_alert(bot.name, kind, [r["id"] for r in rows], moment(now))
    counts.delivered += len(rows)
