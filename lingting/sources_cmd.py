"""`lingting sources`: each configured source's health, last run, last success and back-off."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from config.settings import Settings
from lingting.options import config_option, load_config, user_errors
from lingting.tables import health_cell, safe


def _when(iso: str | None) -> str:
    """2026-11-25T02:17:15Z -> 2026-11-25 02:17 (UTC)."""
    return (iso or "").replace("T", " ")[:16] or "-"


def source_rows(settings: Settings) -> list[dict[str, Any]]:
    """One row per configured source: its latest run, latest healthy run and back-off in force."""
    from store import Store, crawl_state, last_success, source_runs

    store = Store(settings.database_path)
    rows = []
    for source in settings.sources:
        latest = next(iter(source_runs(store, source.name, limit=1)), None)
        rows.append(
            {
                "name": source.name,
                "type": source.type,
                "enabled": source.enabled,
                "latest": latest,
                "success": last_success(store, source.name),
                "backoff": crawl_state.backoff_of(store, source.name),
            }
        )
    return rows


def sources_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Sources / 数据源 (UTC)")
    for col in ("source 数据源", "last run 上次", "health 状态", "last ok 上次成功", "posts 帖子 (new 新)", "why 原因"):
        table.add_column(col, overflow="fold")
    for row in rows:
        latest, success, backoff = row["latest"], row["success"], row["backoff"]
        name = f"{row['name']} ({row['type']})" + ("" if row["enabled"] else " off 停用")
        why = latest["health_reason"] or "" if latest else ""
        if backoff is not None:
            why = f"back-off until {_when(backoff.until)} / 暂停至 {_when(backoff.until)}: {backoff.reason}"
        table.add_row(
            safe(name),
            safe(_when(latest["finished_at"]) if latest else "never 从未"),
            health_cell(latest["health"]) if latest else safe("-"),
            safe(_when(success["finished_at"]) if success else "never 从未"),
            safe(f"{latest['posts_parsed']} ({latest['new_posts']})" if latest else "-"),
            safe(why, 200),
        )
    return table


@click.command(name="sources")
@config_option()
@click.option(
    "--reset", "reset", multiple=True, help="解除该数据源的暂停 (可重复) / lift a source's back-off (repeatable)"
)
@click.option("--check", is_flag=True, help="有异常的数据源时退出码为 1 / exit 1 if a source is not healthy")
def sources(config_path: Path, reset: tuple[str, ...], check: bool) -> None:
    """数据源健康状况: 上次抓取、上次成功、暂停 / Each source's health, last run, last success and back-off.

    A source is unhealthy when it used to yield posts and now yields none, or when too many of its
    responses or records cannot be read; blocked when the site refused the crawler (403/429, a
    captcha, a login wall or an expired cookie). A blocked source is skipped until its back-off
    ends; --reset lifts it (e.g. after renewing the cookie).

    \b
    Examples / 示例:
      lingting sources
      lingting sources --reset weibo      # 更新 Cookie 后解除暂停
      lingting sources --check || notify-send "lingting: a source is unhealthy"
    """
    from store import Store, crawl_state

    settings = load_config(config_path)
    with user_errors():
        for name in reset:
            settings.source(name)  # an unknown name is an error, not a silent no-op
    console = Console(highlight=False)
    for name in reset:
        lifted = crawl_state.clear_backoff(Store(settings.database_path), name)
        console.print(f"{name}: back-off lifted / 已解除暂停" if lifted else f"{name}: no back-off / 没有暂停")
    rows = source_rows(settings)
    if not rows:
        console.print("no sources configured / 配置中没有数据源")
        return
    console.print(sources_table(rows))
    if check and any(row["latest"] is None or row["latest"]["health"] != "ok" for row in rows if row["enabled"]):
        sys.exit(1)
