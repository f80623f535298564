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


def _chinese_half(reason: str) -> str:
    """Reasons read "中文 / English"; the table has room for the Chinese, the tickets carry both."""
    return reason.split(" / ", 1)[0]


def flagged_table(clusters: Iterable[dict[str, Any]]) -> Table:
    table = Table(title="Flagged clusters / 待处理的反馈聚类", show_lines=False)
    for col in ("id", "priority 优先级", "category 类别", "source 来源", "title 标题", "authors 作者", "reasons 原因"):
        table.add_column(col, overflow="fold")
    for c in clusters:
        title = c.get("seed_title") or c.get("seed_text") or ""
        table.add_row(
            safe(c["id"]),
            safe(c["priority"]),
            safe(c["category"]),
            safe(c.get("sources") or c.get("seed_source")),
            safe(title, 60),
            safe(c["distinct_authors"]),
            safe("; ".join(_chinese_half(r) for r in c["reasons"][:3]), 120),
        )
    return table


def run_table(runs: Iterable[dict[str, Any]]) -> Table:
    table = Table(title="Crawl summary / 抓取汇总")
    for col in ("source 数据源", "requests 请求", "posts 帖子", "new 新增", "flagged 标记", "errors 错误"):
        table.add_column(col)
    for r in runs:
        table.add_row(
            safe(f"{r['source_name']} ({r['source']})"),
            safe(r["requests"]),
            safe(r["posts_parsed"]),
            safe(r["new_posts"]),
            safe(r["flagged"]),
            safe(r["errors"]),
        )
    return table


def print_run_errors(console: Console, runs: Iterable[dict[str, Any]]) -> None:
    for r in runs:
        for sample in r["error_samples"]:
            console.print(Text("  ! ") + safe(f"[{r['source_name']}] {sample}", 300))
