"""The report as data: what `lingting report --format json` writes and the HTML and Markdown render.

Top-level keys: `period`, `summary`, `themes`, `demand`, `spikes`, `sentiment`, `share_of_voice`,
`open_tickets`. Every figure is read from the trend tables (brought up to date first) or, for
tickets, from the clusters and exports; nothing is estimated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from config.settings import Settings
from crawler.trends import refresh
from lingting.report.alerts import detect_spikes, times_baseline
from sentiment.themes import name_themes
from store import Store
from store import trend_queries as q
from store.trends import spikes_between

REPORT_KEYS = ("period", "summary", "themes", "demand", "spikes", "sentiment", "share_of_voice", "open_tickets")
PRIORITIES = ("P0", "P1", "P2", "P3")
TOP_THEMES = 12


def change(value: int, previous: int) -> dict[str, Any]:
    pct = None if previous == 0 else round(100.0 * (value - previous) / previous, 1)
    return {"value": value, "previous": previous, "change": value - previous, "change_pct": pct}


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _names(
    store: Store, themes: Sequence[str], since: str, until: str, exclude: Sequence[str]
) -> dict[str, dict[str, Any]]:
    samples = {}
    for theme in dict.fromkeys(themes):
        posts = q.theme_samples(store, theme, since, until)
        samples[theme] = (
            ["\n".join(x for x in (p["title"], p["text"]) if x) for p in posts],
            [p["complaint_terms"] for p in posts],
        )
    named = name_themes(samples, exclude=exclude)
    return {t: {"zh": n.zh, "en": n.en, "keywords": n.keywords, "label": n.label} for t, n in named.items()}


def build_report(
    store: Store, settings: Settings, since: date, until: date, *, product: str | None = None, lang: str = "zh"
) -> dict[str, Any]:
    """The report of the days since..until (inclusive, UTC) for one configured product or all."""
    own = [p.name for p in settings.products]
    if product is not None and product not in own:
        raise KeyError(f"no product named {product!r} (configured: {', '.join(own)}) / 没有名为 {product!r} 的产品")
    brands = [product] if product else own
    refresh(store, settings)
    detect_spikes(store, settings, since, until)
    days = (until - since).days + 1
    prev_until = since - timedelta(days=1)
    prev_since = prev_until - timedelta(days=days - 1)
    s, u, ps, pu = since.isoformat(), until.isoformat(), prev_since.isoformat(), prev_until.isoformat()
    exclude = [*settings.product_terms, *(c for p in settings.products for c in p.competitors)]

    now_totals, prev_totals = q.totals(store, s, u, brands), q.totals(store, ps, pu, brands)
    tickets, prev_tickets = q.tickets_by_priority(store, s, u), q.tickets_by_priority(store, ps, pu)
    summary = {key: change(now_totals[key], prev_totals[key]) for key in now_totals}
    summary["clusters"] = change(q.flagged_clusters_active(store, s, u), q.flagged_clusters_active(store, ps, pu))
    summary["tickets"] = {p: change(tickets.get(p, 0), prev_tickets.get(p, 0)) for p in PRIORITIES}

    by_theme = [r for r in q.theme_authors(store, s, u, brands) if r["theme"] != "other"]
    problems = [r for r in by_theme if not r["theme"].startswith("request:")][:TOP_THEMES]
    demand_since = (until - timedelta(days=settings.report.demand_days - 1)).isoformat()
    demand_rows = q.demand_authors(store, demand_since, u, brands)
    voice = q.brand_voice(store, s, u)
    rival_themes = {v["brand"]: q.brand_complaint_themes(store, s, u, v["brand"]) for v in voice if not v["own"]}
    spikes = [sp for sp in spikes_between(store, s, u) if sp["brand"] in brands or not sp["own"]]
    named = [r["theme"] for r in problems] + [r["theme"] for r in demand_rows]
    named += [t["theme"] for rows in rival_themes.values() for t in rows] + [sp["theme"] for sp in spikes]
    names = _names(store, named, demand_since if demand_since < s else s, u, exclude)

    weekly: dict[str, list[dict[str, Any]]] = {}
    for row in q.weekly_theme_authors(store, s, u, brands):
        weekly.setdefault(row["theme"], []).append({"week": row["week"], "authors": row["authors"]})
    filed: dict[str, dict[str, Any]] = {}
    for row in q.theme_tickets(store):
        entry = filed.setdefault(row["theme"], {"filed": 0, "by_priority": {}, "states": {}})
        entry["filed"] += 1
        entry["by_priority"][row["priority"]] = entry["by_priority"].get(row["priority"], 0) + 1
        entry["states"][row["delivery"]] = entry["states"].get(row["delivery"], 0) + 1

    themes = [
        {
            "theme": r["theme"], "name": names.get(r["theme"], {}), "authors": r["authors"], "posts": r["posts"] or 0,
            "sources": sorted((r["sources"] or "").split(",")), "first_seen": r["first_day"],
            "last_seen": r["last_day"], "weekly_authors": weekly.get(r["theme"], []),
            "tickets": filed.get(r["theme"], {"filed": 0, "by_priority": {}, "states": {}}),
        }
        for r in problems
    ]  # fmt: skip
    threshold = settings.report.demand_threshold
    demand = {
        "threshold": threshold,
        "window_days": settings.report.demand_days,
        "since": demand_since,
        "until": u,
        "items": [
            {
                "theme": r["theme"], "name": names.get(r["theme"], {}), "people": r["people"],
                "sources": sorted((r["sources"] or "").split(",")), "first_day": r["first_day"],
                "last_day": r["last_day"], "act": r["people"] >= threshold,
            }
            for r in demand_rows
        ],
    }  # fmt: skip
    rows = q.weekly_sentiment(store, s, u, brands)
    for row in rows:
        row["negative_share"] = _share(row["negative"], row["posts"])
        row["complaint_share"] = _share(row["complaints"], row["posts"])
    total_mentions = sum(v["mentions"] for v in voice)
    share_of_voice = [
        {
            "brand": v["brand"], "own": bool(v["own"]), "mentions": v["mentions"],
            "share": _share(v["mentions"], total_mentions), "negative": v["negative"],
            "negative_share": _share(v["negative"], v["mentions"]), "complaints": v["complaints"],
            "complaint_themes": [
                {"theme": t["theme"], "name": names.get(t["theme"], {}), "posts": t["posts"],
                 "complaints": t["complaints"], "negative": t["negative"]}
                for t in rival_themes.get(v["brand"], [])
            ],
        }
        for v in voice
    ]  # fmt: skip
    end_of_period = datetime(until.year, until.month, until.day, 23, 59, 59, tzinfo=UTC)
    open_tickets = []
    for row in q.open_urgent(store):
        first = _parse(row["first_post_at"])
        open_tickets.append(
            {
                "cluster_id": row["cluster_id"], "intake_id": row["intake_id"], "priority": row["priority"],
                "category": row["category"], "title": (row["title"] or row["text"] or "")[:150], "url": row["url"],
                "theme": row["theme"], "authors": row["authors"], "posts": row["size"],
                "first_post_at": row["first_post_at"], "ticketed": bool(row["ticketed"]),
                "age_days": round((end_of_period - first).total_seconds() / 86400, 1) if first else None,
            }
        )  # fmt: skip
    return {
        "period": {
            "since": s, "until": u, "days": days, "previous": {"since": ps, "until": pu},
            "product": product, "brands": brands, "lang": lang,
            "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "summary": summary,
        "themes": themes,
        "demand": demand,
        "spikes": [
            {
                "brand": sp["brand"], "own": bool(sp["own"]), "theme": sp["theme"], "name": names.get(sp["theme"], {}),
                "grain": sp["grain"], "started_at": sp["started_at"], "peak_at": sp["peak_at"],
                "ended_at": sp["ended_at"], "authors": sp["authors"], "baseline": sp["baseline"],
                "ratio": float(times_baseline(sp["authors"], sp["baseline"])), "sources": sp["sources"],
                "alerted": sp["alerted_at"] is not None, "drivers": _drivers(store, sp),
            }
            for sp in spikes
        ],
        "sentiment": rows,
        "share_of_voice": share_of_voice,
        "open_tickets": open_tickets,
    }  # fmt: skip


def _drivers(store: Store, spike: dict[str, Any]) -> list[dict[str, Any]]:
    """What drove a spike: its busiest clusters in the peak's day (hours of the spike, or all)."""
    day = spike["peak_at"][:10]
    if spike["grain"] == "hour":
        first = int(spike["started_at"][11:13]) if spike["started_at"][:10] == day else 0
        last = int(spike["ended_at"][11:13]) if spike["ended_at"][:10] == day else 23
        hours = list(range(first, last + 1))
    else:
        hours = list(range(24))
    return [
        {"cluster_id": d["cluster_id"], "authors": d["authors"], "title": (d["title"] or "")[:150]}
        for d in q.spike_drivers(store, spike["brand"], spike["theme"], day, hours)
    ]


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
