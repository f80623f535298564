"""`lingting parse` and `lingting analyze`: the parsers and the analysis on files, as JSON Lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from config.settings import Product, Settings
from crawler.parsers import SOURCES as PARSER_SOURCES
from lingting.options import UserError, config_given, config_option, load_config


@click.command()
@click.argument("source", type=click.Choice(PARSER_SOURCES))
@click.argument("file", type=click.File("rb"))
@click.option("--url", default="", help="响应的原始 URL / the URL the response came from")
@click.option("--platform", default=None, help="订阅源代表的平台, 如 weibo / platform a feed stands for, e.g. weibo")
def parse(source: str, file: IO[bytes], url: str, platform: str | None) -> None:
    """把保存的响应解析为 JSON Lines / Parse a saved response into normalized posts (JSON Lines).

    Recognises which kind of response the file is (e.g. a V2EX topic list or replies, a Discourse
    latest/topic/posts/search page or feed, an Algolia search or item tree, an RSS/Atom feed, a
    Reddit listing or thread, Stack Exchange questions/answers/comments, a GitHub issue search or
    comments, App Store reviews in JSON or XML, a Weibo search/long text, a Tieba search/thread/楼中楼
    page in any charset, a Bilibili search/comments/sub-replies answer).

    \b
    Example / 示例:
      lingting parse v2ex latest.json > posts.jsonl
    """
    from crawler.parsers import ParseError
    from crawler.parsers import parse as parse_body

    try:
        result = parse_body(source, file.read(), url, platform=platform)
    except ParseError as exc:
        raise UserError(f"{file.name}: {exc}") from None
    for post in result.posts:
        click.echo(json.dumps(post.to_dict(), ensure_ascii=False, default=str))
    click.echo(f"{result.kind}: {len(result.posts)} post(s), {len(result.skipped)} skipped / 跳过", err=True)
    for reason in result.skipped:
        click.echo(f"  skipped / 跳过: {reason}", err=True)


def _products(config_path: Path, given: bool, names: tuple[str, ...]) -> tuple[list[Product], Settings | None]:
    if names:
        return [Product(name=n) for n in names], None
    if config_path.exists():
        settings = load_config(config_path)
        return settings.products, settings
    if given:
        raise UserError(f"{config_path}: no such file / 找不到配置文件")
    click.echo(
        "no lingting.toml: relevance is judged against no product; use --product or --config "
        "/ 未找到配置, 相关性无产品可依",
        err=True,
    )
    return [], None


ANALYZE_BATCH = 256


def _analyze_input(line: str) -> dict[str, Any]:
    """One input line of `lingting analyze`, checked: what `Analyzer.analyze_many` takes."""
    from sentiment.analyzer import TEXT_FIELDS

    item = json.loads(line)
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise ValueError("needs an object with a string `text` / 需要含 text 字段的对象")
    if any(item.get(k) is not None and not isinstance(item.get(k), str) for k in TEXT_FIELDS):
        raise ValueError(f"{', '.join(TEXT_FIELDS)} must be strings / 这些字段须为字符串")
    return {k: item.get(k) for k in ("text", "rating", *TEXT_FIELDS)}


@click.command()
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@config_option("取产品名与阈值的配置 / config for product names and thresholds")
@click.option("--product", "-p", "product_names", multiple=True, help="产品名 (可重复) / product name (repeatable)")
@click.pass_context
def analyze(ctx: click.Context, file: IO[str], config_path: Path, product_names: tuple[str, ...]) -> None:
    """分析 JSON Lines 文本 / Analyze JSON Lines: one result per input line, in order.

    Each input line has `text` (optional: `title`, `lang`, `source`, `rating`, `thread_title`,
    `register`: "post" or "review", `about`: a product's name, for a post known to be about it).
    Each output line has lang, relevant, sentiment (0 = most negative), polarity, complaint,
    category, priority, reasons, missing_info and more.

    \b
    Example / 示例:
      echo '{"text": "声链安卓端闪退, 急"}' | lingting analyze -p 声链
    """
    from sentiment import Analyzer

    products, settings = _products(config_path, config_given(ctx), product_names)
    analyzer = Analyzer(products, settings.analysis if settings else None)
    bad = 0
    # Lines are analyzed in batches (the Chinese model runs faster on many texts at once); typed
    # at a terminal, each line is answered at once.
    batch_size = 1 if file.isatty() else ANALYZE_BATCH
    batch: list[tuple[int, dict[str, Any] | str]] = []

    def flush() -> None:
        items = [item for _, item in batch if isinstance(item, dict)]
        results = iter(analyzer.analyze_many(items))
        for number, item in batch:
            out = next(results).to_dict() if isinstance(item, dict) else {"error": f"line {number}: {item}"}
            click.echo(json.dumps(out, ensure_ascii=False))
        batch.clear()

    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        try:
            batch.append((number, _analyze_input(line)))
        except ValueError as exc:
            bad += 1
            batch.append((number, str(exc)))
            click.echo(f"line / 行 {number}: {exc}", err=True)
        if len(batch) >= batch_size:
            flush()
    flush()
    if bad:
        sys.exit(1)
