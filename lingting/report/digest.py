"""The weekly digest: the report's top themes, demand signals and spikes in a few chat lines, sent
through the configured robots with a link to the report page. The scheduler calls `send_digest`;
`lingting report --send-digest` does it by hand. Crawled words are made inert (`plain`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from config.settings import Settings
from exporter.alerts import ChatBot, build_bots
from exporter.alerts.digest import plain, safe_url
from exporter.transport import DeliveryError
from lingting.report.alerts import TextMessage, send_spike_alerts
from lingting.report.build import build_report
from lingting.report.text import theme_label, word
from store import Outbox, Store
from store.outbox import moment

TOP = 5


def digest_message(report: dict[str, Any], link: str = "") -> TextMessage:
    """The digest of one report (its language), ready for any robot."""
    lang = report["period"]["lang"]
    period = report["period"]
    summary = report["summary"]
    lines = [
        f"{word('period', lang)}: {period['since']} – {period['until']} · {word('posts', lang)}"
        f" {summary['posts']['value']} · {word('complaints', lang)} {summary['complaints']['value']}"
        f" ({summary['complaints']['change']:+d})",
        "",
        f"**{word('themes', lang)}**",
    ]
    lines += [
        f"- {plain(theme_label(t), 60)}: {t['authors']} {word('authors', lang)}" for t in report["themes"][:TOP]
    ] or [f"- {word('none', lang)}"]
    acts = [d for d in report["demand"]["items"] if d["act"]]
    if acts:
        lines += ["", f"**{word('demand', lang)}**"]
        lines += [f"- {plain(theme_label(d), 60)}: {d['people']} {word('people', lang)}" for d in acts[:TOP]]
    own = [s for s in report["spikes"] if s["own"]]
    if own:
        lines += ["", f"**{word('spikes', lang)}**"]
        lines += [
            f"- {plain(theme_label(s), 60)}: {s['authors']} @ {s['peak_at']} ({s['ratio']:g}×)" for s in own[:TOP]
        ]
    url = safe_url(link)
    if url:
        lines += ["", f"[{word('title', lang)}]({url})"]
    return TextMessage(
        "digest", (), heading=f"{word('title', lang)} {period['since']} – {period['until']}", lines=tuple(lines)
    )


def send_digest(
    store: Store,
    settings: Settings,
    *,
    until: date | None = None,
    days: int = 7,
    env: Mapping[str, str] | None = None,
    bots: Sequence[ChatBot] | None = None,
    clock: Callable[[], float] = time.time,
) -> list[str]:
    """Build the last `days` days' report and send its digest to every robot; the robots that
    failed (their names). Secrets come from the environment (`build_bots`)."""
    until = until or datetime.fromtimestamp(clock(), UTC).date()
    report = build_report(store, settings, until - timedelta(days=days - 1), until, lang=settings.report.lang)
    message = digest_message(report, settings.report.url or "")
    failed: list[str] = []
    outbox = Outbox(store)
    for bot in bots if bots is not None else build_bots(settings, env=env):
        try:
            bot.send_message(message)
        except DeliveryError:
            failed.append(bot.name)
            continue
        outbox.record_alert(bot.name, "digest", [], moment(clock()))
    return failed


def check_spikes(
    store: Store,
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    bots: Sequence[ChatBot] | None = None,
    clock: Callable[[], float] = time.time,
) -> int:
    """After a crawl: bring the trends up to date, find the spikes of the last day and alert the
    new ones of our products (once each). Returns the spikes alerted."""
    today = datetime.fromtimestamp(clock(), UTC).date()
    report = build_report(store, settings, today - timedelta(days=1), today, lang=settings.report.lang)
    labels = {s["theme"]: theme_label(s) for s in report["spikes"]}
    robots = bots if bots is not None else build_bots(settings, env=env)
    return send_spike_alerts(store, settings, robots, labels, clock=clock) if robots else 0
