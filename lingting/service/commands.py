"""`lingting schedule`, `lingting status` and `lingting backup`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from lingting.options import UserError, config_option, load_config, user_errors

console = Console(highlight=False)


@click.command()
@config_option()
@click.option("--log-json", is_flag=True, help="每行一个 JSON 日志 / one JSON object per log line")
def schedule(config_path: Path, log_json: bool) -> None:
    """定时抓取、导出与投递, 前台运行直到 SIGTERM 或 Ctrl-C / Run the scheduler and the delivery worker.

    Each enabled source is crawled every `every_minutes` (in a child process, with the time limit
    `[service] crawl_timeout_minutes`); an export and delivery follow each crawl; the outbox is
    delivered as rows fall due. SIGTERM or Ctrl-C ends the running crawls at a checkpoint; the next
    start picks up where the schedule stands. `lingting serve` runs the same next to the web app.

    \b
    Examples / 示例:
      lingting schedule -c lingting.toml
      lingting schedule --log-json 2>> /var/log/lingting/service.jsonl
    """
    from exporter import ExportConfigError
    from lingting.service.logs import configure_logging
    from lingting.service.runner import Service

    settings = load_config(config_path)
    configure_logging("json" if log_json else settings.service.log_format)
    with user_errors(ExportConfigError):
        service = Service(settings, config_path)
    if not service.jobs:
        console.print("no enabled sources: only the delivery worker runs / 没有启用的数据源, 仅运行投递")
    with service.running():
        service.wait()
    if service.error is not None:
        sys.exit(1)


@click.command()
@config_option()
def status(config_path: Path) -> None:
    """调度与投递状态 / Each source's last run, result, next run and back-off; the outbox backlog.

    \b
    Example / 示例:
      lingting status -c lingting.toml
    """
    from lingting.service.status import show

    show(load_config(config_path), console)


@click.command()
@config_option()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖已有文件 / overwrite an existing file")
def backup(config_path: Path, destination: Path, force: bool) -> None:
    """在线备份数据库 (运行中也可) / Copy the database while the service runs (SQLite online backup).

    \b
    Example / 示例:
      lingting backup -c lingting.toml /var/backups/lingting-$(date +%F).db
    """
    from store import Store
    from store.schedule import backup as backup_database

    settings = load_config(config_path)
    if not settings.database_path.exists():
        raise UserError(f"no database at {settings.database_path} yet / 数据库尚不存在")
    if destination.exists() and not force:
        raise UserError(f"{destination} already exists; use --force to overwrite / 文件已存在, 可用 --force 覆盖")
    if destination.exists():
        destination.unlink()
    store = Store(settings.database_path)
    try:
        backup_database(store, destination)
    finally:
        store.close()
    console.print(f"backed up / 已备份 {settings.database_path} -> {destination}")
