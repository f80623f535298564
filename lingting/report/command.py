"""`lingting report`: the trend report as a file (HTML, Markdown or JSON), in Chinese or English."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click

from config.settings import Settings
from lingting.options import UserError, config_option, load_config, user_errors

FORMATS = ("html", "md", "json")
_RELATIVE = re.compile(r"^(\d+)([dw])$")


def parse_since(value: str, until: date) -> date:
    """`90d`, `12w` (the last N days or weeks, `until` included) or a date (YYYY-MM-DD)."""
    relative = _RELATIVE.match(value.strip())
    if relative:
        days = int(relative.group(1)) * (7 if relative.group(2) == "w" else 1)
        if days < 1:
            raise UserError("--since must cover at least one day / --since 至少一天")
        return until - timedelta(days=days - 1)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"--since {value!r}: use 90d, 12w or a date like 2026-09-01 / 请写 90d、12w 或日期") from None


def parse_until(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"--until {value!r}: use a date like 2026-11-30 / 请写日期, 如 2026-11-30") from None


def render(report: dict[str, object], fmt: str) -> str:
    from lingting.report.html import render_report_html
    from lingting.report.markdown import render_markdown

    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    return render_report_html(report) if fmt == "html" else render_markdown(report)


@click.command()
@config_option()
@click.option("--since", default="90d", show_default=True, help="起始: 90d、12w 或日期 / start: 90d, 12w or a date")
@click.option("--until", default=None, help="截止日期 (含), 默认今天 UTC / last day (included), default today (UTC)")
@click.option("--product", default=None, help="只看该产品 / only this configured product")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="默认按 --out 后缀, 否则 md")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="输出文件 / output file")
@click.option("--lang", type=click.Choice(("zh", "en")), default=None, help="语言 / language ([report] lang)")
@click.option("--send-digest", is_flag=True, help="同时把摘要发到聊天机器人 / also send the digest to the chat robots")
def report(
    config_path: Path,
    since: str,
    until: str | None,
    product: str | None,
    fmt: str | None,
    out: Path | None,
    lang: str | None,
    send_digest: bool,
) -> None:
    """趋势报告: 反复出现的问题、需求信号、峰值、情感、声量份额 / The trend report.

    Recurring problems (themes across sources and languages), demand signals, spikes, sentiment
    per source and week, share of voice against the configured competitors, and the open P0/P1.

    \b
    Examples / 示例:
      lingting report --since 90d --format html --out report.html
      lingting report --since 2026-09-01 --until 2026-11-30 --product VoxLink --lang en --out r.md
      lingting report --format json | jq .demand
    """
    from lingting.report.build import build_report
    from store import Store

    settings = load_config(config_path)
    last = parse_until(until)
    first = parse_since(since, last)
    if first > last:
        raise UserError(f"--since {first} is after --until {last} / 起始晚于截止")
    fmt = fmt or (out.suffix.lstrip(".").replace("markdown", "md") if out and out.suffix else "md")
    if fmt not in FORMATS:
        raise UserError(f"--out {out}: say --format {'|'.join(FORMATS)} / 请用 --format 指定格式")
    if not settings.database_path.exists():
        raise UserError(
            f"no database at {settings.database_path}: run `lingting crawl` first"
            " / 数据库不存在, 请先运行 lingting crawl"
        )
    store = Store(settings.database_path)
    try:
        with user_errors():
            data = build_report(store, settings, first, last, product=product, lang=lang or settings.report.lang)
        text = render(data, fmt)
        if out is None:
            click.echo(text, nl=False)
        else:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise UserError(f"cannot write {out}: {exc.strerror} / 无法写入 {out}") from None
            click.echo(f"wrote / 已写入 {out}", err=True)
        if send_digest:
            from exporter import ExportConfigError
            from lingting.report.digest import send_digest as send

            with user_errors(ExportConfigError):
                failed = send(store, settings, until=last)
            if failed:
                raise UserError(f"digest not delivered to {', '.join(failed)} / 摘要未能发送到 {', '.join(failed)}")
    finally:
        store.close()


def after_crawl(settings: Settings, echo: Callable[[str], None]) -> None:
    """After a crawl: alert the new spikes of our products once each, if chat robots are set up.
    A robot whose secret is missing is reported, and the crawl's result stands."""
    if not settings.export.alerts:
        return
    from exporter import ExportConfigError
    from lingting.report.digest import check_spikes
    from store import Store

    store = Store(settings.database_path)
    try:
        sent = check_spikes(store, settings)
    except ExportConfigError as exc:
        echo(f"spike alerts not sent / 峰值告警未发送: {exc}")
        return
    finally:
        store.close()
    if sent:
        echo(f"spike alerts sent / 已发送峰值告警: {sent}")
