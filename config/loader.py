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
    msg = str(err.get("msg", kind))
    return msg.removeprefix("Value error, ")


def settings_from_toml(text: str, *, origin: str = "lingting.toml", base_dir: Path | None = None) -> Settings:
    try:
        data = tomllib.loads(text)
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
    return settings


def load_settings(path: str | Path) -> Settings:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{p}: no such file; run `lingting init` to write one / 找不到配置文件, 可先运行 lingting init"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text / 不是 UTF-8 文本") from None
    return settings_from_toml(text, origin=str(p), base_dir=p.resolve().parent)
