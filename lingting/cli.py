"""The `lingting` command. Every help text is in Chinese and English."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import click
from rich.console import Console

from config.settings import Settings
from lingting import prune_cmd, review_cmd, sources_cmd, tools
from lingting import train as training
from lingting.options import LingtingGroup, UserError, config_option, load_config, user_errors
from lingting.report import command as report_command
from lingting.service import commands as service_commands
from lingting.tables import print_run_errors, run_table, safe
from lingting.web import cli as web_cli

MIN_POLL_SECONDS = 1.0
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@click.group(cls=LingtingGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="lingting")
def main() -> None:
    """聆听 lingting: 监听论坛与社交媒体上关于产品的反馈, 标记投诉, 聚类去重, 生成工单。

    Listens to forums and social media for what people say about your product, flags complaints,
    groups copies, and files the important ones as tickets.

    \b
    Start here / 从这里开始:
      lingting demo          离线演示 / offline demo against the bundled sample site
      lingting init          写一个带注释的 lingting.toml / write a commented config
      lingting run           抓取并导出工单 / crawl, then export tickets
    """


@main.command()
@click.option(
    "--path", type=click.Path(dir_okay=False, path_type=Path), default=Path("lingting.toml"), show_default=True
)
@click.option("--force", is_flag=True, help="覆盖已有文件 / overwrite an existing file")
def init(path: Path, force: bool) -> None:
    """写一个带注释的配置文件 / Write a commented lingting.toml.

    \b
    Example / 示例:
      lingting init && $EDITOR lingting.toml && lingting run
    """
    if path.exists() and not force:
        raise UserError(f"{path} already exists; use --force to overwrite / 文件已存在, 可用 --force 覆盖")
    if not path.parent.is_dir():
        raise UserError(f"no folder {path.parent} to write {path.name} in; create it first / 文件夹不存在, 请先创建")
    text = resources.files("config").joinpath("lingting.example.toml").read_text(encoding="utf-8")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror} / 无法写入该文件") from None
    console.print(f"wrote / 已写入 {path}. Edit the products and sources, then run `lingting run`.")


def _crawl(config_path: Path, settings: Settings, sources: tuple[str, ...], verbose: bool) -> bool:
    """Crawl and print the run summary; True when every source crawled was healthy."""
    from crawler.analysis import build_analyzer
    from crawler.ingest_process import IngestError
    from lingting.crawl import CrawlSetupError, run_crawl
    from sentiment.models import ModelError
    from store import Store, runs_of

    # A database or models that cannot be opened are told before any crawl; the crawl runs in this
    # process, so its pipelines find the models already loaded.
    store = Store(settings.database_path)
    with user_errors(CrawlSetupError, ModelError, IngestError):
        build_analyzer(settings)
        run_id = run_crawl(config_path, settings, list(sources) or None, verbose=verbose)
    runs = runs_of(store, run_id)
    console.print(run_table(runs, console.size.width))
    print_run_errors(console, runs)
    report_command.after_crawl(settings, err_console.print)  # a spike of our product: one chat alert
    failed = [r["source_name"] for r in runs if r["health"] != "ok"]
    if failed:
        hint = "" if verbose else "; -v shows the crawler's log / 加 -v 可查看抓取日志"
        console.print(
            safe(f"{len(failed)} source(s) not healthy: {', '.join(failed)} / {len(failed)} 个数据源异常{hint}", 400)
        )
    return not failed


def _export(settings: Settings) -> None:
    from lingting.export_cli import run_export

    with export_errors():
        run_export(settings, console, err_console)


@contextmanager
def export_errors() -> Iterator[None]:
    from exporter import ExportBusy, ExportConfigError

    with user_errors(ExportConfigError, ExportBusy):
        yield


@main.command()
@config_option()
@click.option(
    "--source", "-s", "sources", multiple=True, help="只抓取该数据源 (可重复) / only this source (repeatable)"
)
@click.option("--verbose", "-v", is_flag=True, help="显示 Scrapy 日志 / show Scrapy's log")
def crawl(config_path: Path, sources: tuple[str, ...], verbose: bool) -> None:
    """抓取、分析并入库 / Crawl, analyze and store posts.

    Exits with 1 when a source is not healthy (failing, blocked, backing off); the summary says why.
    有数据源异常 (失败、被封禁、暂停) 时退出码为 1, 汇总中说明原因。

    \b
    Examples / 示例:
      lingting crawl
      lingting crawl --source v2ex --source hn
    """
    if not _crawl(config_path, load_config(config_path), sources, verbose):
        sys.exit(1)


@main.command(name="export")
@config_option()
@click.option("--dry-run", is_flag=True, help="只显示将导出什么、发往哪里 / show what would go where; write nothing")
@click.option("--status", is_flag=True, help="发件箱: 各目标的状态与失败原因 / outbox counts and failures per sink")
@click.option("--replay-dead", is_flag=True, help="失败的投递重新排队并投递 / owe dead deliveries again, then deliver")
@click.option("--sink", "sinks", multiple=True, help="与 --replay-dead 合用: 只重发该目标 / only this sink")
def export_cmd(config_path: Path, dry_run: bool, status: bool, replay_dead: bool, sinks: tuple[str, ...]) -> None:
    """按策略把标记的聚类导出为工单并投递 / Export flagged clusters as tickets, as policy says, and deliver them.

    Decides new intake revisions into the outbox (by default P0 at once, P1/P2 once a reviewer
    confirms), delivers what is due to the sinks and sends the chat alerts. Secrets come only from
    the environment variables the config names.

    \b
    Examples / 示例:
      lingting export -c lingting.toml
      lingting export --dry-run          # 预演: 将导出什么, 发往哪里
      lingting export --status           # 发件箱状态与失败原因
      lingting export --replay-dead --sink zendesk:0
    """
    from lingting import export_cli

    modes = [flag for flag, on in (("--dry-run", dry_run), ("--status", status), ("--replay-dead", replay_dead)) if on]
    if len(modes) > 1:
        raise UserError(f"{' and '.join(modes)} contradict each other; give one / 这些选项互相矛盾, 只能选一个")
    if sinks and not replay_dead:
        raise UserError(
            "--sink says which dead deliveries --replay-dead resends; it does nothing alone"
            " / --sink 只能与 --replay-dead 同用"
        )
    settings = load_config(config_path)
    with export_errors():
        if dry_run:
            export_cli.show_dry_run(settings, console)
        elif status:
            export_cli.show_status(settings, console)
        else:
            if replay_dead:
                export_cli.replay_dead(settings, sinks, console)
            export_cli.run_export(settings, console, err_console)


@main.command()
@config_option()
@click.option("--watch", is_flag=True, help="持续运行, 到期即投递 / keep running, delivering as rows fall due")
@click.option(
    "--poll", type=float, default=30.0, show_default=True, help="与 --watch 合用: 最长等待秒数 / longest sleep, seconds"
)
@click.pass_context
def deliver(ctx: click.Context, config_path: Path, watch: bool, poll: float) -> None:
    """投递发件箱中到期的工单与通知 / Deliver the tickets and alerts the outbox owes.

    Without --watch: one pass over what is due now. With --watch: the delivery worker, sleeping
    until the next retry or digest falls due (Ctrl-C stops it; a restart resumes where it stopped).

    \b
    Examples / 示例:
      lingting deliver -c lingting.toml
      lingting deliver --watch --poll 10
    """
    from lingting.export_cli import run_deliver

    if not math.isfinite(poll) or poll < MIN_POLL_SECONDS:
        # 0 would wake the worker in a loop that never sleeps; a row due sooner wakes it anyway.
        raise UserError(f"--poll {poll:g}: give at least {MIN_POLL_SECONDS:g} second(s) / --poll 至少 1 秒")
    if not watch and ctx.get_parameter_source("poll") == click.core.ParameterSource.COMMANDLINE:
        raise UserError("--poll is how long --watch sleeps; one pass does not sleep / --poll 只能与 --watch 同用")
    settings = load_config(config_path)
    with export_errors():
        run_deliver(settings, console, watch=watch, poll=poll)


@main.command()
@config_option()
@click.option(
    "--source", "-s", "sources", multiple=True, help="只抓取该数据源 (可重复) / only this source (repeatable)"
)
@click.option("--verbose", "-v", is_flag=True, help="显示 Scrapy 日志 / show Scrapy's log")
def run(config_path: Path, sources: tuple[str, ...], verbose: bool) -> None:
    """抓取后导出工单 / Crawl, then export tickets.

    What the healthy sources found is exported; the exit code is 1 when a source is not healthy.
    正常数据源的结果照常导出; 有数据源异常时退出码为 1。

    \b
    Example / 示例:
      lingting run -c lingting.toml
    """
    settings = load_config(config_path)
    healthy = _crawl(config_path, settings, sources, verbose)
    _export(settings)  # what the healthy sources found is exported all the same
    _show_flagged(settings)
    if not healthy:
        sys.exit(1)


def _show_flagged(settings: Settings) -> None:
    from lingting.review_cmd import show_flagged

    show_flagged(settings)


@main.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("lingting-demo"),
    show_default=True,
)
@click.option("--port", type=int, default=0, help="演示站点端口, 0 为随机 / sample site port, 0 picks a free one")
@click.option("--verbose", "-v", is_flag=True, help="显示 Scrapy 日志 / show Scrapy's log")
def demo(folder: Path, port: int, verbose: bool) -> None:
    """离线演示: 启动本地示例站点并完整运行一次 / Offline demo: crawl the bundled sample site.

    Starts the sample site on 127.0.0.1, crawls it with the real spiders, analyzes, clusters and
    exports, then shows the flagged clusters and the tickets file. Each demo starts fresh.

    \b
    Example / 示例:
      lingting demo --dir /tmp/lingting-demo
    """
    from lingting.demo import write_demo_config
    from lingting.demo_site import DemoSite

    site = DemoSite(port=port)
    try:
        site.start()
    except OSError as exc:
        raise UserError(
            f"cannot serve the sample site on port {port}: {exc.strerror}; pick another --port or 0"
            f" / 端口 {port} 无法使用 (可能已被占用), 请换一个 --port 或用 0"
        ) from None
    with site:
        config_path = write_demo_config(folder, site.base_url)
        console.print(f"sample site / 示例站点: {site.base_url}  config / 配置: {config_path}")
        settings = load_config(config_path)
        healthy = _crawl(config_path, settings, (), verbose)
    _export(settings)
    _show_flagged(settings)
    _show_review_page(config_path, settings)
    if not healthy:
        sys.exit(1)


def _show_review_page(config_path: Path, settings: Settings) -> None:
    from lingting.web.demo_login import DEMO_USER, create_demo_login

    password = create_demo_login(settings)
    web = settings.web
    console.print(
        "\nReview the results in the web page / 在网页中审核结果:\n"
        f"  lingting serve -c {config_path}\n"
        f"  then open / 然后打开 http://{web.host}:{web.port}/  "
        f"user / 用户 {DEMO_USER}  password / 密码 {password}",
        markup=False,
        soft_wrap=True,
    )


main.add_command(review_cmd.flagged)
main.add_command(review_cmd.review)
main.add_command(tools.parse)
main.add_command(tools.analyze)
main.add_command(sources_cmd.sources)
main.add_command(prune_cmd.prune)
main.add_command(training.train)
main.add_command(training.reanalyze)
main.add_command(service_commands.schedule)
main.add_command(service_commands.status)
main.add_command(service_commands.backup)
main.add_command(report_command.report)
main.add_command(web_cli.serve)
main.add_command(web_cli.users)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
