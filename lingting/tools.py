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
    """The products to judge relevance by and the config's analysis settings. `--product` names
    replace the config's products; a config named as well still gives its thresholds."""
    if names:
        return [Product(name=n) for n in names], load_config(config_path) if given else None
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


class BadLine(ValueError):
    """An input line of `lingting analyze` that cannot be analyzed; the message says why."""


def _reject_constant(name: str) -> Any:
    raise BadLine(f"{name} is not a JSON number / {name} 不是合法的 JSON 数值")


def _checked_str(value: str, key: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a `\ud800` escape: no character at all
        raise BadLine(f"`{key}` holds a \\u escape that is no character / {key} 含无效的 \\u 转义") from None
    return value


def _analyze_input(raw: bytes, number: int) -> dict[str, Any]:
    """One input line of `lingting analyze` as bytes, decoded and checked: what `Analyzer.analyze_many`
    takes, or a `BadLine` saying what is wrong with it."""
    from sentiment.analyzer import TEXT_FIELDS

    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadLine(
            f"byte {exc.object[exc.start]:#04x} at column {exc.start + 1} is not UTF-8 (GBK? convert the file:"
            f" iconv -f GBK -t UTF-8) / 第 {exc.start + 1} 个字节不是 UTF-8 编码"
        ) from None
    if not line.strip():
        raise BadLine("blank line, nothing to analyze / 空行, 无可分析内容")
    try:
        item = json.loads(line, parse_constant=_reject_constant)
    except RecursionError:
        raise BadLine("not JSON: nested too deep / 不是 JSON: 嵌套过深") from None
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON: {exc.msg} at column {exc.colno} / 不是 JSON") from None
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise BadLine("needs an object with a string `text` / 需要含 text 字段的对象")
    if any(item.get(k) is not None and not isinstance(item.get(k), str) for k in TEXT_FIELDS):
        raise BadLine(f"{', '.join(TEXT_FIELDS)} must be strings / 这些字段须为字符串")
    for key in ("text", *TEXT_FIELDS):
        if isinstance(item.get(key), str):
            _checked_str(item[key], key)
    return {k: item.get(k) for k in ("text", "rating", *TEXT_FIELDS)}


@click.command()
@click.argument("file", type=click.File("rb"), default="-")
@config_option("取产品名与阈值的配置 / config for product names and thresholds")
@click.option("--product", "-p", "product_names", multiple=True, help="产品名 (可重复) / product name (repeatable)")
@click.pass_context
def analyze(ctx: click.Context, file: IO[bytes], config_path: Path, product_names: tuple[str, ...]) -> None:
    """分析 JSON Lines 文本 / Analyze JSON Lines: one result per input line, in order.

    Each input line has `text` (optional: `title`, `lang`, `source`, `rating`, `thread_title`,
    `register`: "post" or "review", `about`: a product's name, for a post known to be about it).
    Each output line has lang, relevant, sentiment (0 = most negative), polarity, complaint,
    category, priority, reasons, missing_info and more. A line that cannot be analyzed (not UTF-8,
    not JSON, blank) gets `{"line": N, "error": ...}` in its place, the run goes on, and the exit
    code is 1 / 无法分析的行输出错误对象, 其余照常, 退出码为 1.

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
            out = next(results).to_dict() if isinstance(item, dict) else {"line": number, "error": item}
            click.echo(json.dumps(out, ensure_ascii=False))
        batch.clear()

    # Read as bytes and decoded line by line: one line in another encoding is one bad line.
    for number, raw in enumerate(file, start=1):
        try:
            batch.append((number, _analyze_input(raw, number)))
        except BadLine as exc:
            bad += 1
            batch.append((number, f"line {number}: {exc}"))
            click.echo(f"line / 行 {number}: {exc}", err=True)
        if len(batch) >= batch_size:
            flush()
    flush()
    if bad:
        click.echo(f"{bad} line(s) could not be analyzed / 行无法分析", err=True)
        sys.exit(1)
