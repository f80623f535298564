"""`lingting review` and `lingting flagged`: the review queue in a terminal, over the same action
path as the web page (lingting/review_actions.py), each decision recorded with its reviewer."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from config.settings import Settings
from lingting.options import UserError, config_option, load_config
from lingting.tables import chinese_half, safe
from store import ReviewError, Store
from store.review_queue import TABS, QueueFilter, count_matching, queue_page
from store.reviews import CATEGORIES, DISMISS_REASONS, PRIORITIES

console = Console(highlight=False)
STATE_ZH = {"pending": "待审核", "confirmed": "已确认", "dismissed": "已忽略", "exported": "已导出"}


FIXED_COLUMNS = 46
"""Cells taken by every column but the title, with borders and padding, at their widest."""


def flagged_table(
    settings: Settings, store: Store, flt: QueueFilter, *, limit: int, reasons: bool, width: int = 80
) -> Table:
    """The queue at 80 columns: one line per cluster, the title cut to fit; reasons on request."""
    from sentiment.category import CATEGORY_NAMES_ZH

    page = queue_page(store, flt, limit=limit)
    total = count_matching(store, flt)
    table = Table(
        title=f"Flagged clusters / 待处理的反馈: {len(page.items)} / {total}",
        show_lines=reasons,
        pad_edge=False,
        expand=False,
    )
    title_width = max(width - FIXED_COLUMNS, 16)
    table.add_column("id", justify="right", no_wrap=True, min_width=2)
    table.add_column("P", no_wrap=True, min_width=2)
    table.add_column("类别", no_wrap=True, min_width=4)
    table.add_column("人", justify="right", no_wrap=True, min_width=2)
    table.add_column("状态", no_wrap=True, min_width=6)
    table.add_column("标题 title", no_wrap=not reasons, overflow="ellipsis", max_width=title_width)
    why = _reasons(store, [i.cluster_id for i in page.items]) if reasons else {}
    for item in page.items:
        title: Text = safe(item.title, title_width if not reasons else 200)
        if reasons:
            title.append("\n")
            title.append(safe("; ".join(chinese_half(r) for r in why.get(item.cluster_id, [])[:4]), 300))
        table.add_row(
            safe(item.cluster_id),
            safe(item.priority or "-"),
            safe(CATEGORY_NAMES_ZH.get(item.category or "", item.category or "-").removesuffix("类"), 6),
            safe(item.distinct_authors),
            safe(STATE_ZH.get(item.state, item.state)),
            title,
        )
    return table


def _reasons(store: Store, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for cid in ids:
        row = store.cluster(cid)
        out[cid] = list(row["reasons"]) if row else []
    return out


def show_flagged(settings: Settings, *, tab: str = "all", limit: int = 30, reasons: bool = False) -> None:
    store = Store(settings.database_path)
    try:
        flt = QueueFilter(tab=tab)
        if count_matching(store, flt) == 0:
            console.print("no flagged clusters / 没有需要处理的反馈")
            return
        console.print(flagged_table(settings, store, flt, limit=limit, reasons=reasons, width=console.width))
    finally:
        store.close()


@click.command()
@config_option()
@click.option("--tab", type=click.Choice(TABS), default="all", show_default=True, help="标签页 / which tab")
@click.option("--limit", "-n", type=click.IntRange(1, 500), default=30, show_default=True, help="行数 / rows")
@click.option("--reasons", is_flag=True, help="显示优先级原因 / show the reasons of each priority")
def flagged(config_path: Path, tab: str, limit: int, reasons: bool) -> None:
    """列出标记的聚类, 最严重的在前 / List flagged clusters, loudest first.

    One line per cluster at 80 columns: id, priority, category, distinct authors (人), state, title.

    \b
    Examples / 示例:
      lingting flagged -c lingting-demo/lingting.toml
      lingting flagged --tab pending --reasons -n 10
    """
    show_flagged(load_config(config_path), tab=tab, limit=limit, reasons=reasons)


@dataclass(frozen=True)
class ReviewRequest:
    """What `lingting review` was asked to do, as its options say."""

    cluster_ids: tuple[int, ...]
    confirm: bool
    dismiss: bool
    reason: str | None
    category: str | None
    priority: str | None
    assign: str | None
    note: str | None
    undo: bool
    merge_with: int | None
    split_post: int | None
    reviewer: str

    def action(self) -> str:
        """The one action asked for; contradictions and missing pieces are a UserError."""
        chosen = [
            name
            for name, given in (
                ("--confirm", self.confirm), ("--dismiss", self.dismiss), ("--assign", self.assign is not None),
                ("--undo", self.undo), ("--merge", self.merge_with is not None),
                ("--split-post", self.split_post is not None),
            )
            if given
        ]  # fmt: skip
        if len(chosen) > 1:
            together = " and ".join(chosen)
            raise UserError(f"{together} cannot go together; choose one / 不能同时使用: {'、'.join(chosen)}")
        action = chosen[0].lstrip("-").replace("-post", "") if chosen else None
        action = action or ("relabel" if self.category or self.priority else "note" if self.note else None)
        if action is None:
            raise UserError(
                "say what to do: --confirm, --dismiss --reason R, --relabel C, --priority P, --assign NAME,"
                " --note TEXT, --undo, --merge OTHER or --split-post POST / 请指定操作"
            )
        if action in ("undo", "split") and self.cluster_ids:
            raise UserError(f"--{action} takes no cluster id / --{action} 不需要聚类编号")
        if action not in ("undo", "split") and not self.cluster_ids:
            raise UserError("give a cluster id / 请给出聚类编号")
        if action == "merge" and len(self.cluster_ids) != 1:
            raise UserError("--merge OTHER takes one cluster id / --merge 只合并一个聚类")
        if self.reason is not None and action != "dismiss":
            raise UserError("--reason goes with --dismiss / --reason 只用于 --dismiss")
        return action


@click.command()
@config_option()
@click.argument("cluster_ids", type=int, nargs=-1)
@click.option("--confirm", is_flag=True, help="确认, 按策略导出 / confirm: goes out through the outbox")
@click.option("--dismiss", is_flag=True, help="忽略, 需 --reason / dismiss (needs --reason)")
@click.option("--reason", type=click.Choice(DISMISS_REASONS), default=None, help="忽略原因 / why dismissed")
@click.option("--relabel", "category", type=click.Choice(CATEGORIES), default=None, help="改为该类别 / category")
@click.option("--priority", type=click.Choice(PRIORITIES), default=None, help="改为该优先级 / set this priority")
@click.option("--assign", default=None, help="指派给 (空字符串取消) / assign to ('' unassigns)")
@click.option("--note", default=None, help="备注 / a note")
@click.option("--undo", is_flag=True, help="撤销我最近的一次决定 / undo my latest decision")
@click.option("--merge", "merge_with", type=int, default=None, help="与该聚类合并 / merge with this cluster")
@click.option("--split-post", "split_post", type=int, default=None, help="把该帖子拆成新聚类 / split this post out")
@click.option("--reviewer", default=lambda: os.environ.get("USER") or "cli", help="审核人 / who reviews ($USER)")
def review(config_path: Path, **options: Any) -> None:
    """审核聚类: 确认、忽略、重新标注、指派、备注、撤销、合并、拆分 / Review clusters.

    Every decision is a new entry of the decision log with its reviewer; several ids act on each
    (one entry per cluster). A confirm queues the ticket in the outbox at once.

    \b
    Examples / 示例:
      lingting review 12 --confirm
      lingting review 7 9 --dismiss --reason spam
      lingting review 7 --relabel feature_request --priority P3
      lingting review 7 --assign wang --note "问过用户了"
      lingting review --undo
      lingting review 7 --merge 9
      lingting review --split-post 1234
    """
    request = ReviewRequest(**options)
    action = request.action()
    settings = load_config(config_path)
    store = Store(settings.database_path)
    try:
        _run(settings, store, action, request)
    except ReviewError as exc:
        raise UserError(str(exc)) from None
    finally:
        store.close()


def _run(settings: Settings, store: Store, action: str, r: ReviewRequest) -> None:
    from lingting import review_actions  # the exporter and the analysis: loaded when a decision is made

    if action == "merge" and r.merge_with is not None:
        kept = review_actions.merge(settings, store, r.cluster_ids[0], r.merge_with, r.reviewer)
        console.print(f"merged / 已合并: {r.cluster_ids[0]} + {r.merge_with} -> {kept}")
        return
    if action == "split" and r.split_post is not None:
        new = review_actions.split(settings, store, r.split_post, r.reviewer)
        console.print(f"post / 帖子 {r.split_post} -> new cluster / 新聚类 {new}")
        return
    if action == "undo":
        result = review_actions.undo(settings, store, r.reviewer)
        if not result.review_ids:
            console.print(f"nothing to undo for {r.reviewer} / 没有可撤销的决定")
            return
    else:
        result = review_actions.apply_decision(
            settings, store, r.cluster_ids, action, reviewer=r.reviewer, category=r.category, priority=r.priority,
            reason=r.reason, note=r.note, assignee=r.assign,
        )  # fmt: skip
    ids = ", ".join(map(str, result.cluster_ids))
    console.print(f"cluster / 聚类 {ids}: {action} recorded by {r.reviewer} / 已记录")
    for intake_id, revision in result.queued:
        console.print(f"  queued / 已排队: {intake_id} r{revision}")
