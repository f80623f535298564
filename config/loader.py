"""Load `lingting.toml` and turn validation failures into one readable sentence per problem."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.settings import Settings


class ConfigError(Exception):
    """The config file is missing, not TOML, or has a wrong key or value. The message is for people."""


def _where(loc: tuple[int | str, ...], data: dict[str, Any]) -> str:
    """`sources[1].type` from pydantic's ('sources', 1, 'v2ex', 'type'), dropping union tags."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
            node = node[item] if isinstance(node, list) and item < len(node) else None
        elif isinstance(node, dict) and item not in node and node.get("type") == item:
            continue  # the discriminator tag pydantic inserts for a tagged union
        else:
            parts.append(f".{item}" if parts else item)
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required / 必填"
    if kind == "extra_forbidden":
        return "is not a known key / 不是可用的配置项"
    if kind == "union_tag_invalid":
        expected = err.get("ctx", {}).get("expected_tags", "")
        tag = err.get("ctx", {}).get("tag", "")
        return f"has an unknown type {tag!r}; allowed: {expected} / 类型不支持"
    if kind == "union_tag_not_found":
        return "needs a `type` key / 缺少 type"
    if kind == "literal_error":
        return f"is {err.get('input')!r}; allowed: {err.get('ctx', {}).get('expected', '')} / 取值不允许"
    msg = str(err.get("msg", kind)).removeprefix("Value error, ")
    if _has_chinese(msg):
        return msg  # our own validators say it in both languages
    return f"{msg} / {_CHINESE.get(kind, '取值无效')}"


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


_CHINESE = {
    "greater_than": "取值太小",
    "greater_than_equal": "取值太小",
    "less_than": "取值太大",
    "less_than_equal": "取值太大",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "string_type": "须为文本",
    "string_pattern_mismatch": "格式不对",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "list_type": "须为列表",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "dict_type": "须为表",
    "model_type": "须为表",
    "model_attributes_type": "须为表",
    "url_parsing": "不是有效网址",
}
"""pydantic's messages are English; the Chinese half of the common ones (else a general one)."""


def settings_from_toml(text: str, *, origin: str = "lingting.toml", base_dir: Path | None = None) -> Settings:
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # Windows editors start UTF-8 files with a BOM
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML ({exc}) / 不是有效的 TOML") from None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        lines = [f"{origin}: {len(exc.errors())} problem(s) / 配置有误:"]
        for err in exc.errors():
            lines.append(f"  - {_where(tuple(err['loc']), data)} {_message(dict(err))}")
        raise ConfigError("\n".join(lines)) from None
    if base_dir is not None:
        settings.base_dir = base_dir
        if settings.analysis.models:
            # The analyzer only sees AnalysisSettings, so resolve against the config file here.
            settings.analysis.models = str(settings.path(settings.analysis.models))
        # Checked only for a config file: a text alone has no folder its paths are relative to.
        if settings.analysis.models and not Path(settings.analysis.models).is_dir():
            raise ConfigError(
                f"{origin}: analysis.models: no folder {settings.analysis.models}; run `lingting train` to write"
                " one, or remove the key to use the shipped models / 模型文件夹不存在"
            )
    return settings


def load_settings(path: str | Path) -> Settings:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"{p}: no such file; run `lingting init` to write one / 找不到配置文件, 可先运行 lingting init"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text / 不是 UTF-8 文本") from None
    return settings_from_toml(text, origin=str(p), base_dir=p.resolve().parent)
