"""Reply-draft templates: data files users edit (config/replies/<lang>.toml, shipped).

A `replies/<lang>.toml` beside the user's lingting.toml overrides the shipped one key by key, so an
upgrade never overwrites a team's wording. Languages without a file are drafted in English.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from config.loader import ConfigError

REPLY_LANGS = ("zh", "en")
ITEMS = ("product_area", "sdk_version", "platform", "steps", "logs")
_TEXT_KEYS = ("greeting", "ask", "closing", "nothing_missing", "product_fallback")


@dataclass(frozen=True)
class ReplyTemplates:
    lang: str
    greeting: str
    ask: str
    closing: str
    nothing_missing: str
    product_fallback: str
    items: dict[str, str]


def _read(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: {exc} / 回复模板格式错误") from None


def reply_templates(lang: str | None, base_dir: Path | None = None) -> ReplyTemplates:
    """The templates for `lang` ("zh", "en"; anything else gets English)."""
    lang = lang if lang in REPLY_LANGS else "en"
    shipped = resources.files("config").joinpath("replies", f"{lang}.toml").read_text(encoding="utf-8")
    data = _read(shipped, f"config/replies/{lang}.toml")
    override = base_dir / "replies" / f"{lang}.toml" if base_dir is not None else None
    if override is not None and override.is_file():
        mine = _read(override.read_text(encoding="utf-8"), str(override))
        data = {**data, **{k: v for k, v in mine.items() if k != "items"}}
        data["items"] = {**data.get("items", {}), **mine.get("items", {})}
    for key in _TEXT_KEYS:
        if not isinstance(data.get(key), str):
            raise ConfigError(f"replies/{lang}.toml: {key} must be text / 回复模板缺少 {key}")
    items = {k: str(v) for k, v in data.get("items", {}).items() if k in ITEMS}
    text = {k: str(data[k]) for k in _TEXT_KEYS}
    return ReplyTemplates(lang=lang, items=items, **text)
