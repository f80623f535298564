"""The word lists behind the analysis, read from `config/lexicons/*.toml` (data, not code).

`load_lexicon()` reads and compiles them once. The term syntax (word boundaries for Latin terms,
capitals-only short terms, `*` prefix, `not` phrases) is described in `config/lexicons/README.md`.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sentiment.terms import GroupedMatcher, TermMatcher

CATEGORIES = ("functional", "experience", "bug", "feature_request", "service", "question", "other")
PROBLEM_CATEGORIES = frozenset({"functional", "experience", "bug", "service"})
SEVERITIES = ("critical", "severe", "degraded", "minor", "cosmetic")
FAILURE_GROUPS = ("report", "failure", "dissatisfied")
ATTRIBUTIONS = ("sdk", "integration", "network", "billing", "docs")
MODULES = ("rtc", "rtm", "im", "push", "recording", "ai_agent")
PLATFORMS = (
    "android", "ios", "harmonyos", "windows", "macos", "linux", "web",
    "flutter", "react_native", "unity", "electron",
)  # fmt: skip


class LexiconError(ValueError):
    """A lexicon file is missing, not TOML, or has a wrong key or value."""


@dataclass(frozen=True)
class Theme:
    """A complaint theme (crash, lag, billing, ...) and what it points to."""

    name: str
    category: str
    severity: str
    force: bool
    attribution: str | None
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Platform:
    name: str
    kind: str  # framework | os | web
    versioned: bool
    matcher: TermMatcher
    models: TermMatcher
    """Device names (iPhone 15, Pixel 8): they name the platform, their number is no OS version."""


@dataclass(frozen=True)
class Negation:
    zh_near: tuple[str, ...]
    zh_far: tuple[str, ...]
    zh_exempt: tuple[str, ...]
    zh_after: tuple[str, ...]
    zh_asks: tuple[str, ...]
    en_negators: frozenset[str]
    en_exempt: tuple[str, ...]
    en_after: frozenset[str]
    en_keeps: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    themes: Mapping[str, Theme]
    complaints: TermMatcher
    theme_of: Mapping[str, str]
    """Complaint term (casefolded) -> theme name."""
    category_cues: Mapping[str, TermMatcher]
    scope: TermMatcher
    business: TermMatcher
    critical: TermMatcher
    """A key function gone (messages lost, a crash, cannot join): impact high from one author."""
    pressure: TermMatcher
    churn: TermMatcher
    churn_moves: TermMatcher
    alternatives: TermMatcher
    modules: Mapping[str, TermMatcher]
    platforms: tuple[Platform, ...]
    attribution: Mapping[str, TermMatcher]
    steps: TermMatcher
    logs: TermMatcher
    negation: Negation
    cue_groups: GroupedMatcher
    """`category_cues` in one pass."""
    module_groups: GroupedMatcher
    """`modules` in one pass."""
    attribution_groups: GroupedMatcher
    """`attribution` in one pass."""
    platform_groups: GroupedMatcher
    """The platforms' names in one pass (versions may follow: "android14")."""
    device_groups: GroupedMatcher
    """The platforms' device models in one pass."""
    asks: TermMatcher
    """Help-seeking phrases: a plain question is not negative (sentiment.toml)."""
    angry: TermMatcher
    """Words of anger or disgust: a question with one is a complaint (sentiment.toml)."""
    failure: GroupedMatcher
    """A failure told flatly: report-template headings, failure words, "works, but" words (failure.toml)."""


def _read(name: str) -> dict[str, Any]:
    path = resources.files("config") / "lexicons" / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"config/lexicons/{name}: missing / 词典文件缺失") from None
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"config/lexicons/{name}: not valid TOML ({exc}) / 不是有效的 TOML") from None


def _table(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise LexiconError(f"{where}: needs a [{key}] table / 缺少 [{key}]")
    return value


def _words(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}.{key}: must be a list of strings / 必须是字符串列表")
    return list(value)


def _terms(table: Mapping[str, Any], where: str) -> list[str]:
    return _words(table, "zh", where) + _words(table, "en", where)


def _matcher(table: Mapping[str, Any], where: str, **options: bool) -> TermMatcher:
    return TermMatcher(_terms(table, where), ignore=_words(table, "not", where), **options)


def _choice(table: Mapping[str, Any], key: str, allowed: Iterable[str], where: str) -> str:
    value = table.get(key)
    allowed = tuple(allowed)
    if value not in allowed:
        raise LexiconError(f"{where}.{key} is {value!r}; allowed: {', '.join(allowed)} / 取值不允许")
    return str(value)


def _themes(data: Mapping[str, Any]) -> tuple[dict[str, Theme], TermMatcher, dict[str, str]]:
    themes: dict[str, Theme] = {}
    theme_of: dict[str, str] = {}
    ignore: list[str] = []
    for name, table in _table(data, "themes", "complaint.toml").items():
        where = f"complaint.toml [themes.{name}]"
        attribution = table.get("attribution")
        if attribution is not None:
            attribution = _choice(table, "attribution", ATTRIBUTIONS, where)
        theme = Theme(
            name=name,
            category=_choice(table, "category", ("functional", "experience", "bug", "service"), where),
            severity=_choice(table, "severity", SEVERITIES, where),
            force=_choice(table, "push", ("force", "lean"), where) == "force",
            attribution=attribution,
            terms=tuple(_terms(table, where)),
        )
        for term in theme.terms:
            key = term.casefold().strip().lstrip("*")
            if key in theme_of:
                raise LexiconError(f"{where}: {term!r} is also in theme {theme_of[key]!r} / 词条重复")
            theme_of[key] = name
        ignore += _words(table, "not", where)
        themes[name] = theme
    all_terms = [t for theme in themes.values() for t in theme.terms]
    return themes, TermMatcher(all_terms, ignore=ignore, inflect=True), theme_of


def _negation(data: Mapping[str, Any]) -> Negation:
    zh = _table(data, "zh", "negation.toml")
    en = _table(data, "en", "negation.toml")

    def words(table: Mapping[str, Any], key: str, lang: str) -> tuple[str, ...]:
        return tuple(_words(table, key, f"negation.toml [{lang}]"))

    return Negation(
        zh_near=words(zh, "near", "zh"),
        zh_far=words(zh, "far", "zh"),
        zh_exempt=tuple(sorted(words(zh, "exempt", "zh"), key=len, reverse=True)),
        zh_after=words(zh, "after", "zh"),
        zh_asks=words(zh, "asks", "zh"),
        en_negators=frozenset(w.lower() for w in words(en, "negators", "en")),
        en_exempt=tuple(w.lower() for w in words(en, "exempt", "en")),
        en_after=frozenset(w.lower() for w in words(en, "after", "en")),
        en_keeps=frozenset(w.lower() for w in words(en, "keeps", "en")),
    )


def _named(section: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(section) - set(allowed))
    if unknown:
        raise LexiconError(f"{where}: unknown name(s) {', '.join(unknown)} / 名称不认识")


def _grouped(section: Mapping[str, Any], where: str, **options: bool) -> GroupedMatcher:
    groups = {name: _terms(table, f"{where} [{name}]") for name, table in section.items()}
    ignore = [w for name, table in section.items() for w in _words(table, "not", f"{where} [{name}]")]
    return GroupedMatcher(groups, ignore=ignore, **options)


@functools.cache
def load_lexicon() -> Lexicon:
    """Read and compile every lexicon file (once per process)."""
    themes, complaints, theme_of = _themes(_read("complaint.toml"))

    category = _read("category.toml")
    _named(category, CATEGORIES, "category.toml")
    cues = {name: _matcher(table, f"category.toml [{name}]", inflect=True) for name, table in category.items()}

    priority = _read("priority.toml")
    impact = _table(priority, "impact", "priority.toml")
    urgency = _table(priority, "urgency", "priority.toml")

    def group(section: Mapping[str, Any], key: str, where: str, **options: bool) -> TermMatcher:
        return _matcher(_table(section, key, where), f"{where} [{key}]", **options)

    sentiment = _read("sentiment.toml")
    failure = _read("failure.toml")
    _named(failure, FAILURE_GROUPS, "failure.toml")
    followup = _read("followup.toml")
    modules = _table(followup, "modules", "followup.toml")
    _named(modules, MODULES, "followup.toml [modules]")
    platforms = _table(followup, "platforms", "followup.toml")
    _named(platforms, PLATFORMS, "followup.toml [platforms]")
    attribution = _table(followup, "attribution", "followup.toml")
    _named(attribution, ATTRIBUTIONS, "followup.toml [attribution]")

    return Lexicon(
        themes=themes,
        complaints=complaints,
        theme_of=theme_of,
        category_cues=cues,
        scope=group(impact, "scope", "priority.toml [impact]"),
        business=group(impact, "business", "priority.toml [impact]"),
        critical=group(impact, "critical", "priority.toml [impact]", inflect=True),
        pressure=group(urgency, "pressure", "priority.toml [urgency]"),
        churn=group(urgency, "churn", "priority.toml [urgency]", inflect=True),
        churn_moves=group(urgency, "churn_moves", "priority.toml [urgency]"),
        alternatives=group(urgency, "alternatives", "priority.toml [urgency]"),
        modules={name: _matcher(t, f"followup.toml [modules.{name}]") for name, t in modules.items()},
        platforms=tuple(
            Platform(
                name=name,
                kind=_choice(t, "kind", ("framework", "os", "web"), f"followup.toml [platforms.{name}]"),
                versioned=bool(t.get("versioned", False)),
                matcher=_matcher(t, f"followup.toml [platforms.{name}]", digits_after=True),
                models=TermMatcher(_words(t, "models", f"followup.toml [platforms.{name}]"), digits_after=True),
            )
            for name, t in platforms.items()
        ),
        attribution={name: _matcher(t, f"followup.toml [attribution.{name}]") for name, t in attribution.items()},
        steps=group(followup, "steps", "followup.toml"),
        logs=group(followup, "logs", "followup.toml"),
        negation=_negation(_read("negation.toml")),
        cue_groups=_grouped(category, "category.toml", inflect=True),
        module_groups=_grouped(modules, "followup.toml [modules]"),
        attribution_groups=_grouped(attribution, "followup.toml [attribution]"),
        platform_groups=_grouped(platforms, "followup.toml [platforms]", digits_after=True),
        device_groups=GroupedMatcher(
            {name: _words(t, "models", f"followup.toml [platforms.{name}]") for name, t in platforms.items()},
            digits_after=True,
        ),
        asks=_matcher(_table(sentiment, "asks", "sentiment.toml"), "sentiment.toml [asks]"),
        angry=_matcher(_table(sentiment, "negative", "sentiment.toml"), "sentiment.toml [negative]"),
        failure=_grouped(failure, "failure.toml", inflect=True),
    )
