"""Spikes found in the store and told in the team chat.

`detect_spikes` reads distinct authors per hour and per day from the trend tables, finds the
spikes of every brand x problem theme (`spikes.detect`) and keeps them (`trend_spikes`, where a
spike within the cooldown of a kept one extends it). `send_spike_alerts` sends each recent spike
of our own products once, through the configured chat robots; a competitor's spike is reported,
never alerted. Crawled words in a message are made inert as the ticket alerts make them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from config.report import ReportSettings
from config.settings import Settings
from exporter.alerts import ChatBot
from exporter.alerts.digest import AlertMessage, plain
from exporter.transport import DeliveryError
from lingting.report.spikes import SpikeRule, detect, robust_threshold
from store import Outbox, Store
from store.outbox import moment
from store.trend_queries import daily_authors, hourly_authors, spike_sources
from store.trends import mark_spike_alerted, record_spike, spikes_to_alert


def rule_of(settings: ReportSettings) -> SpikeRule:
    return SpikeRule(
        k=settings.spike_k,
        min_authors=settings.spike_min_authors,
        baseline_days=settings.spike_baseline_days,
        cooldown_hours=settings.spike_cooldown_hours,
    )


def _stamp(day: date, hour: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def detect_spikes(store: Store, settings: Settings, since: date, until: date) -> int:
    """Find and keep the spikes whose hours (or days) fall within since..until; how many runs found."""
    rule = rule_of(settings.report)
    own = {p.name for p in settings.products}
    start = since - timedelta(days=rule.baseline_days)
    days = (until - start).days + 1
    hourly: dict[tuple[str, str], list[int]] = {}
    for brand, theme, day, hour, authors in hourly_authors(store, start.isoformat(), until.isoformat()):
        index = (date.fromisoformat(day) - start).days * 24 + hour
        hourly.setdefault((brand, theme), [0] * days * 24)[index] = authors
    daily: dict[tuple[str, str], list[int]] = {}
    for brand, theme, day, authors in daily_authors(store, start.isoformat(), until.isoformat()):
        daily.setdefault((brand, theme), [0] * days)[(date.fromisoformat(day) - start).days] = authors
    found = 0
    offset = rule.baseline_days
    for (brand, theme), series in hourly.items():
        for run in detect(series, robust_threshold(rule, 24), rule.cooldown_hours, offset * 24, rule.min_authors):
            peak_day = start + timedelta(days=run.peak // 24)
            hours = [i % 24 for i in range(run.start, run.end + 1) if (i // 24) == run.peak // 24]
            spike = {
                "brand": brand, "own": brand in own, "theme": theme, "grain": "hour",
                "started_at": _stamp(start + timedelta(days=run.start // 24), run.start % 24),
                "peak_at": _stamp(peak_day, run.peak % 24),
                "ended_at": _stamp(start + timedelta(days=run.end // 24), run.end % 24),
                "authors": run.authors, "baseline": run.baseline,
                "sources": spike_sources(store, brand, theme, peak_day.isoformat(), hours),
            }  # fmt: skip
            record_spike(store, spike, rule.cooldown_hours)
            found += 1
    for (brand, theme), series in daily.items():
        for run in detect(
            series, robust_threshold(rule, 1), max(rule.cooldown_hours // 24, 1), offset, rule.min_authors
        ):
            peak_day = start + timedelta(days=run.peak)
            spike = {
                "brand": brand, "own": brand in own, "theme": theme, "grain": "day",
                "started_at": _stamp(start + timedelta(days=run.start)), "peak_at": _stamp(peak_day),
                "ended_at": _stamp(start + timedelta(days=run.end), 23),
                "authors": run.authors, "baseline": run.baseline,
                "sources": spike_sources(store, brand, theme, peak_day.isoformat(), list(range(24))),
            }  # fmt: skip
            record_spike(store, spike, rule.cooldown_hours)
            found += 1
    return found


@dataclass(frozen=True)
class TextMessage(AlertMessage):
    """A chat message that is no ticket list: a heading and lines already made inert."""

    heading: str = ""
    lines: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.heading

    def markdown(self, dialect: str = "markdown", *, limit: int = 3500) -> str:
        head = f"*{self.heading}*" if dialect == "slack" else f"### {self.heading}"
        text = "\n".join([head, "", *self.lines])
        return text if len(text) <= limit else text[: limit - 1] + "…"


def times_baseline(authors: int, baseline: float) -> str:
    return f"{authors / max(baseline, 1.0):.0f}"


def spike_message(spike: dict[str, Any], theme_label: str) -> TextMessage:
    """聆听 峰值: 掉线: 12 authors in the last hour, 8x the 14-day hourly median, on v2ex, weibo."""
    label = plain(theme_label, 60)
    sources = ", ".join(plain(s, 30) for s in spike["sources"][:5]) or "—"
    grain_zh, grain_en = ("小时", "hour") if spike["grain"] == "hour" else ("天", "day")
    ratio = times_baseline(spike["authors"], spike["baseline"])
    return TextMessage(
        "digest",
        (),
        heading=f"聆听 峰值 / lingting spike: {plain(spike['brand'], 30)} · {label}",
        lines=(
            f"- {label}: {spike['authors']} 位用户/{grain_zh}, 为过去 14 天同{grain_zh}中位数的 {ratio} 倍;"
            f" 来源 {sources}",
            f"- {label}: {spike['authors']} authors in one {grain_en}, {ratio}x the 14-day {grain_en}ly median,"
            f" on {sources}",
            f"- {spike['peak_at']} (UTC)",
        ),
    )


def send_spike_alerts(
    store: Store,
    settings: Settings,
    bots: Sequence[ChatBot],
    labels: dict[str, str],
    *,
    clock: Callable[[], float] = time.time,
) -> int:
    """Alert each recent own-brand spike once, to every robot; a failed send is tried again on the
    next call (the spike stays unalerted). Returns the spikes alerted."""
    now = clock()
    max_age = settings.report.spike_alert_max_age_hours * 3600
    recent = datetime.fromtimestamp(now - max_age, UTC).strftime("%Y-%m-%dT%H:00:00Z")
    outbox = Outbox(store)
    sent = 0
    for spike in spikes_to_alert(store, recent):
        if spike["grain"] != "hour":  # a day's spike shows in the report; its hours were alerted
            continue
        message = spike_message(spike, labels.get(spike["theme"], spike["theme"]))
        delivered = bool(bots)
        for bot in bots:
            if len(outbox.alert_sends_since(bot.name, moment(clock() - 60))) >= bot.per_minute:
                delivered = False  # over the robot's rate limit: the next call sends it
                continue
            try:
                bot.send_message(message)
            except DeliveryError:
                delivered = False
                continue
            outbox.record_alert(bot.name, "immediate", [], moment(clock()))
        if delivered:
            mark_spike_alerted(store, int(spike["id"]), moment(clock()))
            sent += 1
    return sent
