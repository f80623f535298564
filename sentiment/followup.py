"""What a post says for follow-up and what support must still ask (DESIGN.md, Missing information).

Extracted: product module, SDK version, platform (with OS version), error codes, and whether steps
to reproduce and logs are given. Missing info is listed for complaint-like categories only
(functional, bug, experience: all five items; service: the module only); a question, a feature
request or praise needs no follow-up questions. Attribution is a hint of where the cause may lie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sentiment.complaint import ComplaintEvidence
from sentiment.lexicon import ATTRIBUTIONS, Lexicon
from sentiment.terms import Hit

FOLLOWUP_ITEMS = ("product_area", "sdk_version", "platform", "steps", "logs")
_ASK_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "functional": FOLLOWUP_ITEMS,
    "bug": FOLLOWUP_ITEMS,
    "experience": FOLLOWUP_ITEMS,
    "service": ("product_area",),
}

_VERSION = r"v?(?P<ver>\d+\.\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.]+)?)(?![\d.]*\d)"
_SDK_VERSION = re.compile(
    r"(?:(?P<sdk>sdk)[A-Za-z0-9_-]*\s*(?:version|版本号?|ver\.?)?"
    r"|(?<![A-Za-z])(?:version|ver\.?|v(?=\d)|upgraded? to|updated? to|rolled back to|downgraded to)"
    r"|版本号?|升级到|更新到|升到|回退到|降级到)"
    r"\s*(?:是|为|[:：@=])?\s*" + _VERSION,
    re.IGNORECASE,
)
_VERSION_SUFFIX = re.compile(r"(?<![\w.])v?(\d+\.\d+(?:\.\d+){1,2})\s*(?:版本|版)", re.IGNORECASE)
_OS_CONTEXT = re.compile(r"系统|手机|浏览器|微信|os\b|android|安卓|ios|鸿蒙|harmony|windows|mac|chrome", re.IGNORECASE)
_OS_VERSION = re.compile(r"\s?v?(\d{1,4}(?:\.\d{1,3}){0,2})(?![\d.]*\d)")
_ERROR_CODES = (
    re.compile(
        r"(?:错误码|错误代码|(?<![A-Za-z])(?:error[\s_-]?code|err[\s_-]?code|errcode|code|error))"
        r"\s*(?:是|为|[:：=#])?\s*(-?\d{1,8})(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(r"\b(ERR_[A-Z0-9_]{2,})\b"),
)
_NUMBERED_STEPS = re.compile(
    r"(?:^|[\s:：,，;；])(?:1[.、)）]|①|第一步|step\s*1)\s*\D.*?(?:2[.、)）]|②|第二步|step\s*2)\s*\D", re.S | re.I
)
_STACK = re.compile(r"\b\w+(?:Exception|Error)\b|\bat [\w.$]+\(|File \".+\", line \d+|#\d{2} pc [0-9a-f]+")


@dataclass(frozen=True)
class Details:
    product_area: str | None
    sdk_version: str | None
    platform: str | None
    error_codes: list[str]
    has_steps: bool
    has_logs: bool


def _sdk_version(text: str) -> str | None:
    for m in _SDK_VERSION.finditer(text):
        # "iOS 版本 17.2", "Android version 14.1" are the OS's version, not the SDK's.
        if m.group("sdk") or not _OS_CONTEXT.search(text[max(0, m.start() - 10) : m.start()]):
            return m.group("ver")
    suffixed = _VERSION_SUFFIX.search(text)
    return suffixed.group(1) if suffixed else None


def _platform(text: str, lexicon: Lexicon) -> str | None:
    found: list[tuple[int, int, int, str]] = []  # (framework first, versioned first, position, label)
    named = lexicon.platform_groups.find(text)
    devices = lexicon.device_groups.find(text)
    for platform in lexicon.platforms:
        for hit in named[platform.name]:
            label = platform.name
            m = _OS_VERSION.match(text, hit.end) if platform.versioned else None
            if m:
                label = f"{platform.name} {m.group(1)}"
            found.append((platform.kind != "framework", m is None, hit.start, label))
        found += [(platform.kind != "framework", True, hit.start, platform.name) for hit in devices[platform.name]]
    return min(found)[3] if found else None


def _distinct(hits: list[Hit]) -> int:
    return len({hit.term.casefold() for hit in hits})


def _product_area(text: str, lexicon: Lexicon) -> str | None:
    # Distinct terms, not occurrences: a generic word said five times (消息) is still one clue.
    counts = [(_distinct(hits), name) for name, hits in lexicon.module_groups.find(text).items()]
    best = max((count for count, _ in counts), default=0)
    return next((name for count, name in counts if count == best), None) if best else None


def error_codes(text: str) -> list[str]:
    codes = [m.group(1) for pattern in _ERROR_CODES for m in pattern.finditer(text)]
    return list(dict.fromkeys(codes))


def extract_details(text: str, lexicon: Lexicon) -> Details:
    codes = error_codes(text)
    return Details(
        product_area=_product_area(text, lexicon),
        sdk_version=_sdk_version(text),
        platform=_platform(text, lexicon),
        error_codes=codes,
        has_steps=bool(lexicon.steps.find(text) or _NUMBERED_STEPS.search(text)),
        has_logs=bool(codes or lexicon.logs.find(text) or _STACK.search(text)),
    )


def missing_info(category: str, details: Details) -> list[str]:
    """What support must still ask for, in the order of FOLLOWUP_ITEMS."""
    present = {
        "product_area": details.product_area is not None,
        "sdk_version": details.sdk_version is not None,
        "platform": details.platform is not None,
        "steps": details.has_steps,
        "logs": details.has_logs,
    }
    return [item for item in _ASK_BY_CATEGORY.get(category, ()) if not present[item]]


def attribute(text: str, evidence: ComplaintEvidence, lexicon: Lexicon) -> str:
    """sdk | integration | network | billing | docs | unknown: each cue counts 2, a theme's hint 1."""
    scores = {name: 2 * _distinct(hits) for name, hits in lexicon.attribution_groups.find(text).items()}
    for theme in evidence.themes:
        if theme.attribution:
            scores[theme.attribution] = scores.get(theme.attribution, 0) + 1
    best = max(scores.values(), default=0)
    if best == 0:
        return "unknown"
    return next(name for name in [*lexicon.attribution, *ATTRIBUTIONS] if scores.get(name, 0) == best)
