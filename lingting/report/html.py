"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, no font or
image file, and a Content-Security-Policy that forbids the page to fetch anything, so it works
offline and opens the same from a file, a mail or the review workspace
(`render_report_html(report)` is what a route serves). Every crawled word is escaped."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from exporter.alerts.digest import safe_url
from lingting.report import svg
from lingting.report.text import change_text, theme_label, weeks_of, word

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
STYLE = """
body{font-family:system-ui,-apple-system,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;
margin:24px auto;max-width:1040px;color:#111827;padding:0 16px;line-height:1.45}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.meta{color:#4b5563;font-size:13px}table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid #e5e7eb;padding:5px 8px;text-align:left;vertical-align:middle}
th{background:#f9fafb;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.d{white-space:nowrap}
.up{color:#b91c1c}.down{color:#15803d}.act{background:#fef3c7;font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:22px}.note{color:#6b7280;font-size:12px}svg{max-width:100%;height:auto}
"""


def _cell(value: Any, numeric: bool = False, *, nowrap: bool = False) -> str:
    css = ' class="n"' if numeric else ' class="d"' if nowrap else ""
    return f"<td{css}>{escape(str(value))}</td>"


def _table(head: list[str], rows: list[str], empty: str) -> str:
    if not rows:
        return f"<p class='note'>{escape(empty)}</p>"
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _delta(entry: dict[str, Any]) -> str:
    css = "up" if entry["change"] > 0 else "down" if entry["change"] < 0 else ""
    return f'<span class="{css}">{escape(change_text(entry))}</span>'


def render_report_html(report: dict[str, Any]) -> str:
    """The whole page for one report (the dict `build_report` returns)."""
    lang = report["period"]["lang"]

    def w(key: str) -> str:
        return word(key, lang)

    period, summary = report["period"], report["summary"]
    parts = [
        f"<h1>{escape(w('title'))}</h1>",
        f"<p class='meta'>{escape(w('period'))}: {escape(period['since'])} – {escape(period['until'])}"
        f" · {escape(w('previous'))}: {escape(period['previous']['since'])} – {escape(period['previous']['until'])}"
        f" · {escape(w('product'))}: {escape(period['product'] or w('all_products'))}</p>",
        f"<h2>{escape(w('summary'))}</h2><div class='cards'>",
    ]
    for key in ("posts", "complaints", "negative", "requests", "clusters"):
        e = summary[key]
        parts.append(
            f"<div class='card'>{escape(w(key))}<b>{e['value']}</b>"
            f"<span class='note'>{escape(w('previous'))} {e['previous']} · </span>{_delta(e)}</div>"
        )
    for p, e in summary["tickets"].items():
        parts.append(
            f"<div class='card'>{escape(w('tickets'))} {escape(p)}<b>{e['value']}</b>"
            f"<span class='note'>{escape(w('previous'))} {e['previous']} · </span>{_delta(e)}</div>"
        )
    parts.append("</div>")
    parts += _themes(report, w)
    parts += _demand(report, w)
    parts += _spikes(report, w)
    parts += _sentiment(report, w)
    parts += _voice(report, w)
    parts += _open(report, w)
    parts.append(f"<p class='note'>{escape(w('generated'))} {escape(period['generated_at'])}</p>")
    title = f"{w('title')} {period['since']} – {period['until']}"
    return (
        f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>\n"
    )


def _themes(report: dict[str, Any], w: Callable[[str], str]) -> list[str]:
    weeks = weeks_of(report)
    themes = report["themes"]
    out = [f"<h2>{escape(w('themes'))}</h2>"]
    if themes and weeks:
        series = []
        for t in themes[:6]:
            per_week = {x["week"]: x["authors"] for x in t["weekly_authors"]}
            series.append((theme_label(t), [float(per_week.get(wk, 0)) for wk in weeks]))
        out.append(svg.line_chart(w("per_week"), weeks, series))
    rows = []
    for t in themes:
        per_week = {x["week"]: x["authors"] for x in t["weekly_authors"]}
        filed = t["tickets"]
        by_p = ", ".join(f"{p}×{n}" for p, n in sorted(filed["by_priority"].items()))
        states = ", ".join(f"{s} {n}" for s, n in sorted(filed["states"].items()))
        rows.append(
            "<tr>" + _cell(theme_label(t)) + _cell(t["authors"], True)
            + f"<td>{svg.sparkline([per_week.get(wk, 0) for wk in weeks])}</td>"
            + _cell(t["first_seen"] or "", nowrap=True) + _cell(t["last_seen"] or "", nowrap=True)
            + _cell(", ".join(t["sources"]))
            + _cell(f"{filed['filed']} {by_p} {states}".strip()) + "</tr>"
        )  # fmt: skip
    head = [w("theme"), w("authors"), w("per_week"), w("first_seen"), w("last_seen"), w("sources"), w("filed")]
    return [*out, _table(head, rows, w("nothing"))]


def _demand(report: dict[str, Any], w: Callable[[str], str]) -> list[str]:
    demand = report["demand"]
    rows = [
        f"<tr class='{'act' if d['act'] else ''}'>" + _cell(theme_label(d)) + _cell(d["people"], True)
        + _cell(", ".join(d["sources"])) + _cell(f"{d['first_day']} – {d['last_day']}", nowrap=True)
        + _cell(w("act") if d["act"] else "") + "</tr>"
        for d in demand["items"]
    ]  # fmt: skip
    note = w("demand_note").format(days=demand["window_days"], threshold=demand["threshold"])
    return [
        f"<h2>{escape(w('demand'))}</h2><p class='note'>{escape(note)}</p>",
        _table([w("theme"), w("people"), w("sources"), w("period"), w("act")], rows, w("nothing")),
    ]


def _spikes(report: dict[str, Any], w: Callable[[str], str]) -> list[str]:
    rows = [
        "<tr>" + _cell(s["brand"] + ("" if s["own"] else f" ({w('competitor')})")) + _cell(theme_label(s))
        + _cell(s["peak_at"].replace("T", " ").replace(":00:00Z", ":00"), nowrap=True) + _cell(w(s["grain"]))
        + _cell(s["authors"], True) + _cell(f"{s['baseline']:g}", True)
        + _cell(f"{s['ratio']:g}×", True) + _cell(", ".join(s["sources"]))
        + _cell(w("yes") if s["alerted"] else w("no"))
        + _cell(" · ".join(f"{d['title'][:40]} ({d['authors']})" for d in s["drivers"])) + "</tr>"
        for s in report["spikes"]
    ]  # fmt: skip
    head = [w("brand"), w("theme"), w("when"), w("grain"), w("authors"), w("baseline"), w("ratio"), w("sources")]
    return [f"<h2>{escape(w('spikes'))}</h2>", _table([*head, w("alerted"), w("drivers")], rows, w("nothing"))]


def _sentiment(report: dict[str, Any], w: Callable[[str], str]) -> list[str]:
    rows = report["sentiment"]
    weeks = sorted({r["week"] for r in rows})
    out = [f"<h2>{escape(w('sentiment'))}</h2>"]
    if not rows:
        return [*out, f"<p class='note'>{escape(w('nothing'))}</p>"]
    totals: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        entry = totals.setdefault((r["brand"], r["week"]), [0, 0, 0])
        entry[0] += r["posts"]
        entry[1] += r["negative"]
        entry[2] += r["complaints"]
    series = []
    for brand in sorted({b for b, _ in totals}):
        for index, key in ((1, "negative_share"), (2, "complaint_share")):
            values = [
                totals[(brand, wk)][index] / totals[(brand, wk)][0] if (brand, wk) in totals else None for wk in weeks
            ]
            series.append((f"{brand} {w(key)}", values))
    out.append(svg.line_chart(w("sentiment"), weeks, series, percent=True))
    sources = sorted({r["source"] for r in rows})
    cells: list[list[float | None]] = []
    for source in sources:
        by_week = {r["week"]: r for r in rows if r["source"] == source}
        cells.append(
            [
                sum(r["negative"] for r in rows if r["source"] == source and r["week"] == wk) / by_week[wk]["posts"]
                if wk in by_week and by_week[wk]["posts"]
                else None
                for wk in weeks
            ]
        )
    out.append(f"<p class='note'>{escape(w('by_source'))}</p>")
    out.append(svg.heatmap(w("by_source"), sources, weeks, cells))
    return out


def _voice(report: dict[str, Any], w: Callable[[str], str]) -> list[str]:
    voice = report["share_of_voice"]
    out = [f"<h2>{escape(w('voice'))}</h2>"]
    if voice:
        bars = [(v["brand"], v["mentions"], v["negative"]) for v in voice]
        out.append(svg.bar_chart(w("voice"), bars, legend=(w("mentions"), w("negative"))))
    rows = [
        "<tr>" + _cell(v["brand"] + ("" if v["own"] else " *")) + _cell(v["mentions"], True)
        + _cell(f"{v['share']:.0%}", True) + _cell(f"{v['negative_share']:.0%}", True)
        + _cell(", ".join(f"{theme_label(t)} ({t['posts']})" for t in v["complaint_themes"]))
        + "</tr>"
        for v in voice
    ]  # fmt: skip
    head = [w("brand"), w("mentions"), w("share"), w("negative_share"), w("rival_themes")]
    return [*out, _table(head, rows, w("nothing"))]


def _open(report: dict[str, Any], w: Callable[[str], str]) -> list[str]:
    rows = []
    for t in report["open_tickets"]:
        url = safe_url(t["url"] or "")
        title = escape(t["title"])
        link = f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{title}</a>' if url else title
        rows.append(
            "<tr>" + _cell(t["priority"]) + f"<td>{link}</td>" + _cell(t["authors"], True)
            + _cell(f"{t['age_days']:g}" if t["age_days"] is not None else "", True)
            + _cell(w("yes") if t["ticketed"] else w("awaiting")) + _cell(t["intake_id"]) + "</tr>"
        )  # fmt: skip
    head = [w("priority"), w("post_title"), w("authors"), w("age"), w("ticketed"), "intake_id"]
    return [f"<h2>{escape(w('open'))}</h2>", _table(head, rows, w("nothing"))]
