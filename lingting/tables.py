"""Terminal tables. Crawled text is hostile: markup and control characters are neutralised."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from exporter.inert import clean


def safe(value: Any, limit: int = 80) -> Text:
    """Plain text for a table cell: no terminal escapes, no rich markup, one line, bounded."""
    s = " ".join(clean(str(value if value is not None else "")).split())
    return Text(s if len(s) <= limit else s[: limit - 1] + "…")


def chinese_half(reason: str) -> str:
    """Reasons read "中文 / English"; a table has room for the Chinese, the tickets carry both."""
    return reason.split(" / ", 1)[0]


HEALTH_ZH = {"ok": "正常", "unhealthy": "异常", "blocked": "被封禁", "backoff": "暂停"}


def health_cell(health: str | None) -> Text:
    health = health or "ok"
    style = {"ok": "green", "unhealthy": "yellow", "blocked": "red", "backoff": "magenta"}.get(health, "")
    return Text(f"{health} {HEALTH_ZH.get(health, '')}".strip(), style=style)


WIDE_SUMMARY = 120
"""Below this many columns the crawl summary keeps only what says whether a source worked."""


def run_table(runs: Iterable[dict[str, Any]], width: int = WIDE_SUMMARY) -> Table:
    """The crawl summary, one row per source; at a narrow terminal (80 columns) the counts that
    only explain (requests, 304s, seconds) and the source's type are left out, one line a row."""
    wide = width >= WIDE_SUMMARY
    table = Table(title="Crawl summary / 抓取汇总")
    columns: tuple[str, ...]
    if wide:
        columns = (
            "source 数据源", "requests 请求", "304 未变", "posts 帖子", "new 新增", "flagged 标记", "errors 错误",
            "limits 超限", "seconds 耗时", "health 状态",
        )  # fmt: skip
    else:
        columns = (
            "source\n数据源", "posts\n帖子", "new\n新增", "flagged\n标记", "errors\n错误", "limits\n超限",
            "health\n状态",
        )  # fmt: skip
    for col in columns:
        table.add_column(col, no_wrap=not wide)
    for r in runs:
        limits = safe(sum(int(r.get(key) or 0) for key, _, _ in LIMITS))
        if wide:
            table.add_row(
                safe(f"{r['source_name']} ({r['source']})"),
                safe(r["requests"]),
                safe(r.get("not_modified", 0)),
                safe(r["posts_parsed"]),
                safe(r["new_posts"]),
                safe(r["flagged"]),
                safe(r["errors"]),
                limits,
                safe(f"{float(r.get('duration_seconds') or 0):.1f}"),
                health_cell(r.get("health")),
            )
        else:
            table.add_row(
                safe(r["source_name"], 18),
                safe(r["posts_parsed"]),
                safe(r["new_posts"]),
                safe(r["flagged"]),
                safe(r["errors"]),
                limits,
                health_cell(r.get("health")),
            )
    return table


LIMITS = (
    ("refused", "request(s) refused (off-site redirect or private address)", "个请求被拒绝 (跨站重定向或内网地址)"),
    ("too_large", "answer(s) over the size limit dropped", "个响应超过大小上限, 已丢弃"),
    ("cut_posts", "post(s) cut to their head", "条帖子过长, 已截断"),
    ("capped_evidence", "post(s) with more evidence terms than listed", "条帖子的证据词过多, 只列出一部分"),
)


def limits_hit(run: dict[str, Any]) -> str:
    """The limits a source's run hit, in words ("" for none)."""
    parts = [(int(run.get(key) or 0), en, zh) for key, en, zh in LIMITS]
    hit = [(n, en, zh) for n, en, zh in parts if n]
    if not hit:
        return ""
    english = ", ".join(f"{n} {en}" for n, en, _ in hit)
    return f"limits: {english} / 限制: " + ", ".join(f"{n} {zh}" for n, _, zh in hit)


def _alike(samples: Iterable[str]) -> list[tuple[str, int]]:
    """Samples grouped by what went wrong (the words after the address), first of each with its count."""
    groups: dict[str, list[str]] = {}
    for sample in samples:
        what = sample.split(": ", 1)[-1]
        groups.setdefault(what, []).append(sample)
    return [(found[0], len(found)) for found in groups.values()]


def print_run_errors(console: Console, runs: Iterable[dict[str, Any]]) -> None:
    """Why a source is not healthy, the limits it hit, then its error samples, one line per kind of error."""
    for r in runs:
        reason = r.get("health_reason") or ""
        if (r.get("health") or "ok") != "ok":
            verdict = f"{r['health']} {HEALTH_ZH.get(r['health'], '')}"
            console.print(Text("  ! ", style="bold red") + safe(f"[{r['source_name']}] {verdict}: {reason}", 400))
        if limits := limits_hit(r):
            console.print(Text("  ! ") + safe(f"[{r['source_name']}] {limits}", 400))
        for sample, n in _alike(r["error_samples"]):
            if sample in reason:
                continue  # the reason quotes it, and counts the errors
            more = f" (+{n - 1} more like it / 另有 {n - 1} 条相同)" if n > 1 else ""
            console.print(Text("  ! ") + safe(f"[{r['source_name']}] {sample}{more}", 300))
