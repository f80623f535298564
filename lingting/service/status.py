"""`lingting status`: each job's last run, result, next run and back-off, the scheduler's
heartbeat, and the outbox backlog (the same table as `lingting export --status`)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from config.settings import Settings
from lingting.export_cli import show_status
from lingting.service.runner import HEARTBEAT_SECONDS
from lingting.tables import safe
from store import Store
from store import schedule as state


def _when(at: float | None, now: float) -> str:
    if at is None:
        return "—"
    stamp = datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    delta = at - now
    span = f"{abs(delta) / 60:.0f} min" if abs(delta) >= 90 else f"{abs(delta):.0f} s"
    return f"{stamp} ({'in ' + span if delta >= 0 else span + ' ago'})"


def show_schedule(settings: Settings, console: Console, now: float | None = None) -> None:
    now = time.time() if now is None else now
    store = Store(settings.database_path)
    try:
        jobs = state.job_states(store)
        backoffs = state.active_backoffs(store, now)
        beats = state.heartbeats(store)
    finally:
        store.close()
    beat = beats.get("scheduler")
    if beat is None:
        console.print("scheduler / 调度器: never started / 从未启动 (lingting schedule, lingting serve)")
    else:
        if beat.state == "stopped":
            word = "stopped / 已停止"
        elif beat.state == "failed":
            word = "failed, see its log / 出错停止, 请查看日志"
        elif now - beat.at <= 3 * HEARTBEAT_SECONDS:
            word = "running / 运行中"
        else:
            word = "not running (ended without stopping) / 未运行 (异常退出)"
        console.print(f"scheduler / 调度器: {word}, pid {beat.pid}, last seen / 最近心跳 {_when(beat.at, now)}")

    table = Table(title="Schedule / 调度")
    for col in (
        "job 任务",
        "every 间隔",
        "last run 上次",
        "result 结果",
        "next run 下次",
        "back-off 退避",
        "runs 次数",
    ):
        table.add_column(col, overflow="fold")
    shown = set()
    for source in settings.sources:
        name = f"crawl:{source.name}"
        shown.add(name)
        row = jobs.get(name)
        backoff = backoffs.get(source.name)
        backoff_text = f"until {backoff.until}: {backoff.reason}" if backoff else "—"
        every = f"{source.every_minutes:g} min"
        if not source.enabled:
            table.add_row(safe(name), every, "—", "disabled / 已停用", "—", safe(backoff_text, 80), "—")
            continue
        table.add_row(safe(name), every, *_job_cells(row, now), safe(backoff_text, 80), _runs(row))
    for name, row in jobs.items():
        if name not in shown:  # a job of an earlier config, or a kind (reports) this config does not list
            table.add_row(safe(f"{name} (not configured / 未配置)"), "—", *_job_cells(row, now), "—", _runs(row))
    console.print(table)


def _job_cells(row: state.JobState | None, now: float) -> tuple[str, str | Text, str]:
    if row is None:
        return "never / 从未", "—", "at the next start / 下次启动时"
    if row.running_pid is not None:
        result: str | Text = f"running / 运行中 (pid {row.running_pid})"
    else:
        result = safe(f"{row.last_outcome or '—'}{': ' + row.last_error if row.last_error else ''}", 120)
    return _when(row.last_started_at, now), result, _when(row.next_run_at, now)


def _runs(row: state.JobState | None) -> str:
    if row is None:
        return "0"
    return f"{row.runs} ({row.failures} failed / 失败)" if row.failures else str(row.runs)


def show(settings: Settings, console: Console) -> None:
    show_schedule(settings, console)
    show_status(settings, console)
