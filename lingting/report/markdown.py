"""The report as Markdown: the same figures as the JSON, as tables. Crawled words (theme names,
titles) are made inert as the chat alerts make them: no link, markup or HTML can open."""

from __future__ import annotations

from typing import Any

from exporter.alerts.digest import plain
from lingting.report.text import change_text, theme_label, weeks_of, word


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell.replace("|", "｜") for cell in row) + " |" for row in rows]
    return [*out, ""]


def render_markdown(report: dict[str, Any]) -> str:
    lang = report["period"]["lang"]

    def w(key: str) -> str:
        return word(key, lang)

    period = report["period"]
    lines = [
        f"# {w('title')}",
        "",
        f"{w('period')}: {period['since']} – {period['until']} ({period['days']} d) · {w('previous')}:"
        f" {period['previous']['since']} – {period['previous']['until']} · {w('product')}:"
        f" {plain(period['product'] or w('all_products'), 40)}",
        "",
        f"## {w('summary')}",
        "",
    ]
    summary = report["summary"]
    rows = [
        [w(key), str(summary[key]["value"]), str(summary[key]["previous"]), change_text(summary[key])]
        for key in ("posts", "complaints", "negative", "requests", "clusters")
    ]
    rows += [
        [f"{w('tickets')} {p}", str(e["value"]), str(e["previous"]), change_text(e)]
        for p, e in summary["tickets"].items()
    ]
    lines += _table([w("metric"), w("this"), w("previous"), w("change")], rows)

    lines += [f"## {w('themes')}", ""]
    weeks = weeks_of(report)
    rows = []
    for t in report["themes"]:
        per_week = {x["week"]: x["authors"] for x in t["weekly_authors"]}
        filed = t["tickets"]
        tickets = ", ".join(f"{p}×{n}" for p, n in sorted(filed["by_priority"].items())) or w("none")
        states = ", ".join(f"{s} {n}" for s, n in sorted(filed["states"].items()))
        rows.append(
            [
                plain(theme_label(t), 60), str(t["authors"]), " ".join(str(per_week.get(wk, 0)) for wk in weeks),
                t["first_seen"] or "", t["last_seen"] or "", ", ".join(t["sources"]),
                f"{filed['filed']} ({tickets}{'; ' + states if states else ''})",
            ]
        )  # fmt: skip
    head = [w("theme"), w("authors"), f"{w('per_week')} ({weeks[0] if weeks else ''}…)", w("first_seen")]
    lines += _table([*head, w("last_seen"), w("sources"), w("filed")], rows) if rows else [w("nothing"), ""]

    demand = report["demand"]
    lines += [
        f"## {w('demand')}",
        "",
        w("demand_note").format(days=demand["window_days"], threshold=demand["threshold"]),
    ]
    lines.append("")
    rows = [
        [
            plain(theme_label(d), 60), str(d["people"]), ", ".join(d["sources"]), f"{d['first_day']} – {d['last_day']}",
            f"**{w('act')}**" if d["act"] else "",
        ]
        for d in demand["items"]
    ]  # fmt: skip
    lines += (
        _table([w("theme"), w("people"), w("sources"), w("period"), w("act")], rows) if rows else [w("nothing"), ""]
    )

    lines += [f"## {w('spikes')}", ""]
    rows = [
        [
            plain(s["brand"], 30) + ("" if s["own"] else f" ({w('competitor')})"), plain(theme_label(s), 60),
            s["peak_at"], w(s["grain"]), str(s["authors"]), f"{s['baseline']:g}", f"{s['ratio']:g}×",
            ", ".join(s["sources"]), w("yes") if s["alerted"] else w("no"),
            " · ".join(f"{plain(d['title'], 40)} ({d['authors']})" for d in s["drivers"]),
        ]
        for s in report["spikes"]
    ]  # fmt: skip
    head = [w("brand"), w("theme"), w("when"), w("grain"), w("authors"), w("baseline"), w("ratio"), w("sources")]
    lines += _table([*head, w("alerted"), w("drivers")], rows) if rows else [w("nothing"), ""]

    lines += [f"## {w('sentiment')}", ""]
    rows = [
        [
            plain(r["brand"], 30), r["source"], r["week"], str(r["posts"]), f"{r['negative_share']:.0%}",
            f"{r['complaint_share']:.0%}", f"{r['mean_sentiment']:.2f}",
        ]
        for r in report["sentiment"]
    ]  # fmt: skip
    head = [w("brand"), w("sources"), w("week"), w("posts"), w("negative_share"), w("complaint_share"), "sentiment"]
    lines += _table(head, rows) if rows else [w("nothing"), ""]

    lines += [f"## {w('voice')}", ""]
    rows = [
        [
            plain(v["brand"], 30) + ("" if v["own"] else " *"), str(v["mentions"]), f"{v['share']:.0%}",
            f"{v['negative_share']:.0%}",
            ", ".join(f"{plain(theme_label(t), 40)} ({t['posts']})" for t in v["complaint_themes"]),
        ]
        for v in report["share_of_voice"]
    ]  # fmt: skip
    head = [w("brand"), w("mentions"), w("share"), w("negative_share"), w("rival_themes")]
    lines += _table(head, rows) if rows else [w("nothing"), ""]

    lines += [f"## {w('open')}", ""]
    rows = [
        [
            t["priority"], plain(t["title"], 80), str(t["authors"]), f"{t['age_days']:g}" if t["age_days"] else "",
            w("yes") if t["ticketed"] else w("awaiting"), t["intake_id"],
        ]
        for t in report["open_tickets"]
    ]  # fmt: skip
    head = [w("priority"), w("post_title"), w("authors"), w("age"), w("ticketed"), "intake_id"]
    lines += _table(head, rows) if rows else [w("nothing"), ""]
    lines.append(f"_{w('generated')} {period['generated_at']}_")
    return "\n".join(lines) + "\n"
