"""What `lingting export` and `lingting deliver` print: the run summary, --dry-run, --status."""

from __future__ import annotations

import time
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from config.settings import JsonlSink, Settings
from lingting.tables import safe


def run_export(settings: Settings, console: Console, err_console: Console) -> None:
    from exporter import export
    from store import Store

    summary = export(Store(settings.database_path), settings)
    console.print(
        f"tickets / 工单: {len(summary.planned)} new revision(s) / 新版本, {summary.delivered} delivered / 已投递, "
        f"{summary.failed} to retry / 待重试, {summary.dead} dead / 失败; "
        f"{summary.awaiting_review} awaiting review / 待审核, {summary.unchanged} unchanged / 无变化; "
        f"{summary.alerted} alerted / 已通知"
    )
    for problem in summary.invalid:
        err_console.print(safe(problem, 300))
    paths = [str(settings.path(s.path)) for s in settings.export.sinks if isinstance(s, JsonlSink)]
    if paths:
        console.print(f"tickets file / 工单文件: {', '.join(paths)}")
    if summary.failed or summary.dead:
        console.print("see / 详见: lingting export --status")


def show_dry_run(settings: Settings, console: Console) -> None:
    """What would go where, writing nothing and needing no secret."""
    from exporter import describe, plan
    from store import Store

    summary = plan(Store(settings.database_path), settings)
    where = describe(settings)
    console.print("Would export / 将导出 (dry run, nothing written / 预演, 不写入):")
    for item in summary.planned:
        record = item.event["data"]
        head = Text(f"{item.intake_id} r{item.revision} {record['priority']} {record['category']} ")
        console.print(head + safe(record["title"], 60), soft_wrap=True)
        for name, wait in item.destinations.items():
            later = f" (in the digest after {wait / 60:g} min / {wait / 60:g} 分钟后汇总)" if wait else ""
            console.print(f"  → {name}  {where.get(name, '?')}{later}", soft_wrap=True, markup=False)
    if summary.held:
        held = Table(title="Not exported / 不导出")
        for col in ("cluster 聚类", "priority 优先级", "title 标题", "why 原因"):
            held.add_column(col, overflow="fold")
        for h in summary.held:
            held.add_row(safe(h.cluster_id), safe(h.priority), safe(h.title, 60), safe(h.why))
        console.print(held)
    console.print(
        f"{len(summary.planned)} new revision(s) / 新版本, {summary.unchanged} unchanged / 无变化, "
        f"{summary.awaiting_review} awaiting review / 待审核 (lingting review ID --confirm)"
    )


def show_status(settings: Settings, console: Console) -> None:
    from store import Outbox, Store

    outbox = Outbox(Store(settings.database_path))
    counts = outbox.status_by_sink()
    table = Table(title="Outbox / 发件箱")
    for col in ("sink 目标", "pending 待发", "delivered 已投递", "failed 重试中", "dead 失败"):
        table.add_column(col, justify="right" if col[0] != "s" else "left")
    configured = settings.export.destination_names()
    for name in sorted(set(counts) | set(configured)):
        c = counts.get(name, {})
        label = name if name in configured else f"{name} (not configured / 未配置)"
        table.add_row(safe(label), *(safe(c.get(s, 0)) for s in ("pending", "delivered", "failed", "dead")))
    console.print(table)
    for status, title in (("failed", "Retrying / 重试中"), ("dead", "Dead / 失败 (lingting export --replay-dead)")):
        rows = outbox.rows(status, limit=20)
        if not rows:
            continue
        detail = Table(title=title)
        for col in (
            "id",
            "intake id",
            "rev",
            "sink 目标",
            "attempts 次数",
            "next 下次",
            "last error 错误",
            "response 响应",
        ):
            detail.add_column(col, overflow="fold")
        for r in rows:
            detail.add_row(
                safe(r["id"]), safe(r["intake_id"]), safe(r["revision"]), safe(r["sink"]), safe(r["attempts"]),
                safe(r["next_attempt_at"] if status == "failed" else "—"), safe(r["last_error"], 160),
                safe(r["response"], 160),
            )  # fmt: skip
        console.print(detail)


def replay_dead(settings: Settings, sinks: Sequence[str], console: Console) -> int:
    from store import Outbox, Store

    unknown = sorted(set(sinks) - set(settings.export.destination_names()))
    if unknown:
        raise KeyError(f"no sink named {', '.join(unknown)} / 没有该导出目标")
    n = Outbox(Store(settings.database_path)).replay_dead(list(sinks) or None)
    console.print(f"{n} dead deliveries owed again / 条失败投递已重新排队")
    return n


def run_deliver(settings: Settings, console: Console, *, watch: bool, poll: float) -> None:
    from exporter import build_bots, build_sinks, retry_policy, run_worker
    from store import Store

    store = Store(settings.database_path)
    try:
        counts = run_worker(
            store,
            build_sinks(settings),
            build_bots(settings),
            retry=retry_policy(settings),
            until_idle=not watch,
            deadline=None if watch else time.time(),  # one pass
            poll=poll,
        )
    except KeyboardInterrupt:  # a row being sent stays owed and goes on the next start
        console.print("stopped / 已停止")
        return
    console.print(
        f"{counts.delivered} delivered / 已投递, {counts.alerted} alerted / 已通知, "
        f"{counts.failed} to retry / 待重试, {counts.dead} dead / 失败"
    )
