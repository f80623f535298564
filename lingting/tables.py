"""Terminal tables. Crawled text is hostile: markup and control characters are neutralised."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe(value: Any, limit: int = 80) -> Text:
    """Plain text for a table cell: no terminal escapes, no rich markup, one line, bounded."""
    s = _CONTROL.sub("", " ".join(str(value if value is not None else "").split()))
    return Text(s if len(s) <= limit else s[: limit - 1] + "…")


def chinese_half(reason: str) -> str:
    """Reasons read "中文 / English"; a table has room for the Chinese, the tickets carry both."""
    return reason.split(" / ", 1)[0]


HEALTH_ZH = {"ok": "正常", "unhealthy": "异常", "blocked": "被封禁", "backoff": "暂停"}


def health_cell(health: str | None) -> Text:
    health = health or "ok"
    style = {"ok": "green", "unhealthy": "yellow", "blocked": "red", "backoff": "magenta"}.get(health, "")
    return Text(f"{health} {HEALTH_ZH.get(health, '')}".strip(), style=style)


def run_table(runs: Iterable[dict[str, Any]]) -> Table:
    table = Table(title="Crawl summary / 抓取汇总")
    columns = (
        "source 数据源", "requests 请求", "304 未变", "posts 帖子", "new 新增", "flagged 标记", "errors 错误",
        "seconds 耗时", "health 状态",
    )  # fmt: skip
    for col in columns:
        table.add_column(col)
    for r in runs:
        table.add_row(
            safe(f"{r['source_name']} ({r['source']})"),
            safe(r["requests"]),
            safe(r.get("not_modified", 0)),
            safe(r["posts_parsed"]),
            safe(r["new_posts"]),
            safe(r["flagged"]),
            safe(r["errors"]),
            safe(f"{float(r.get('duration_seconds') or 0):.1f}"),
            health_cell(r.get("health")),
        )
    return table


def print_run_errors(console: Console, runs: Iterable[dict[str, Any]]) -> None:
    """Why a source is not healthy (blocked, expired cookie, nothing parsed), then the error samples."""
    for r in runs:
        if (r.get("health") or "ok") != "ok":
            verdict = f"{r['health']} {HEALTH_ZH.get(r['health'], '')}"
            label = f"[{r['source_name']}] {verdict}: {r.get('health_reason') or ''}"
            console.print(Text("  ! ", style="bold red") + safe(label, 400))
        for sample in r["error_samples"]:
            console.print(Text("  ! ") + safe(f"[{r['source_name']}] {sample}", 300))
