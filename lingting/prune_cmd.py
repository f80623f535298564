"""`lingting prune`: drop what `[store] retention_days` lets go of (also done after every crawl)."""

from __future__ import annotations

from pathlib import Path

import click

from lingting.options import config_option, load_config


@click.command(name="prune")
@config_option()
@click.option(
    "--days", type=click.IntRange(min=1), help="保留天数, 覆盖配置 / keep this many days (default: the config's)"
)
def prune(config_path: Path, days: int | None) -> None:
    """清理旧的原始记录与缓存页面, 帖子保留 / Drop old raw records and cached pages; posts are kept.

    Raw source records of posts first seen more than `[store] retention_days` ago and cached
    response bodies stored before then are dropped; the file is then checkpointed and optimized.
    `lingting crawl` does this after every crawl.

    \b
    Examples / 示例:
      lingting prune
      lingting prune --days 30
    """
    from store import Store
    from store.retention import prune as prune_store

    settings = load_config(config_path)
    keep = days if days is not None else settings.store.retention_days
    store = Store(settings.database_path)
    try:
        pruned = prune_store(store, keep)
    finally:
        store.close()
    if keep <= 0:
        click.echo("retention_days = 0: everything is kept / 保留全部, 未清理")
        return
    click.echo(
        f"older than {keep} days / 早于 {keep} 天: {pruned.raw_records} raw record(s) dropped / 条原始记录已清理, "
        f"{pruned.cached_responses} cached page(s) dropped / 个缓存页面已清理; posts kept / 帖子均保留"
    )
