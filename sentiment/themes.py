"""Themes: the grouping above the incident cluster that reports count over weeks (pure, I/O-free).

A cluster is one incident; a theme is the same problem, or the same wish, told again and again in
other words, sources and languages. A cluster's theme is decided from what the analysis already
found in its posts, so 掉线 and "keeps disconnecting" meet through the complaint lexicon's concept
(`disconnect`), and 希望支持鸿蒙 and "please support HarmonyOS" through `themes.toml`:

- a problem: the complaint concept most of its posts name (`disconnect`, `crash`, `billing`, ...);
- a request (category `feature_request`): `request:<subject>`, the subject being the feature it
  names (`themes.toml`), else the platform, else the product module, else its top keyword;
- anything else: `other`.

Names are chosen at report time from the theme's posts: the lexicon terms found, per language,
then TF-IDF keywords over jieba (rjieba) tokens.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from config import Product
from sentiment.lexicon import PROBLEM_CATEGORIES, SEVERITIES, _grouped, _read, _words, load_lexicon
from sentiment.terms import GroupedMatcher, TermMatcher

REQUEST = "request:"
OTHER = "other"
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"^[a-z][a-z0-9+#.'-]{2,}$")


@dataclass(frozen=True)
class ThemePost:
    """What theme assignment reads of a post: its text and what the analysis found in it."""

    text: str
    category: str | None = None
    complaint_terms: Sequence[str] = ()
    platform: str | None = None
    product_area: str | None = None


@dataclass(frozen=True)
class ClusterTheme:
    theme: str
    kind: str
    """problem | request | other"""


@dataclass(frozen=True)
class ThemeWords:
    features: GroupedMatcher
    stop_zh: frozenset[str]
    stop_en: frozenset[str]
    generic: frozenset[str]
    """Complaint concepts that name no particular problem: a theme only when nothing else is named."""


@functools.cache
def load_theme_words() -> ThemeWords:
    data = _read("themes.toml")
    stop = data.get("stopwords", {})
    return ThemeWords(
        features=_grouped(data.get("features", {}), "themes.toml [features]"),
        stop_zh=frozenset(_words(stop, "zh", "themes.toml [stopwords]")),
        stop_en=frozenset(w.lower() for w in _words(stop, "en", "themes.toml [stopwords]")),
        generic=frozenset(_words(data.get("concepts", {}), "generic", "themes.toml [concepts]")),
    )


def is_chinese(term: str) -> bool:
    return bool(_CJK.search(term))


def concept_of(term: str) -> str | None:
    """The complaint-lexicon concept of a found term (掉线 and disconnect both give `disconnect`)."""
    return load_lexicon().theme_of.get(term.casefold().strip().lstrip("*"))


def features_in(text: str) -> list[str]:
    """The `themes.toml` features a text names, most often named first."""
    found = {name: hits for name, hits in load_theme_words().features.find(text).items() if hits}
    return sorted(found, key=lambda name: -len(found[name]))


def tokens(text: str, exclude: Iterable[str] = ()) -> list[str]:
    """Content words of a text: jieba words of two or more Chinese characters, Latin words of three
    or more letters; stop words and the `exclude` words (product names) left out."""
    import rjieba  # imported on first use: only keyword extraction needs it

    words = load_theme_words()
    skip = {e.casefold() for e in exclude}
    out: list[str] = []
    for raw in rjieba.cut(text):
        word = raw.strip().lower()
        if not word or word in skip:
            continue
        if is_chinese(word):
            if len(word) >= 2 and word not in words.stop_zh and not any(s in word for s in skip):
                out.append(word)
        elif _LATIN_WORD.match(word) and word not in words.stop_en:
            out.append(word)
    return out


def _majority(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def cluster_theme(posts: Sequence[ThemePost], exclude: Iterable[str] = ()) -> ClusterTheme:
    """The theme of one cluster from its posts (its lead posts are enough)."""
    categories = Counter(p.category for p in posts if p.category)
    requests = categories.get("feature_request", 0)
    problems = sum(n for c, n in categories.items() if c in PROBLEM_CATEGORIES)
    concepts = Counter(c for p in posts for c in {concept_of(t) for t in p.complaint_terms} if c)
    if requests and requests >= problems:
        return ClusterTheme(REQUEST + request_subject(posts, exclude), "request")
    if concepts:
        # A named problem beats a generic one ("huge delay, unusable": lag); ties go to the more severe
        # concept (花屏 and 马赛克: video, not lag), then to the one listed first.
        themes = load_lexicon().themes
        order = list(themes)

        generic = load_theme_words().generic

        def rank(name: str) -> tuple[bool, int, int, int]:
            severity = SEVERITIES.index(themes[name].severity) if name in themes else len(SEVERITIES)
            return name not in generic, concepts[name], -severity, -order.index(name) if name in order else 0

        return ClusterTheme(max(concepts, key=rank), "problem")
    return ClusterTheme(OTHER, "other")


def request_subject(posts: Sequence[ThemePost], exclude: Iterable[str] = ()) -> str:
    features = Counter(f for p in posts for f in set(features_in(p.text)))
    if features:
        return features.most_common(1)[0][0]
    subject = _majority(p.platform for p in posts) or _majority(p.product_area for p in posts)
    if subject:
        return subject
    words = Counter(w for p in posts for w in tokens(p.text, exclude))
    return words.most_common(1)[0][0] if words else "general"


@dataclass(frozen=True)
class ThemeName:
    zh: list[str]
    en: list[str]
    keywords: list[str]

    @property
    def label(self) -> str:
        """Top terms in both languages: 掉线 · 断线 / disconnect · dropped calls."""
        zh = " · ".join(self.zh[:2])
        en = " · ".join(self.en[:2])
        return " / ".join(part for part in (zh, en) if part) or ", ".join(self.keywords[:2]) or "—"


def _theme_terms(theme: str, texts: Sequence[str], complaint_terms: Sequence[Sequence[str]]) -> Counter[str]:
    if theme.startswith(REQUEST):
        subject = theme[len(REQUEST) :]
        words = load_theme_words().features
        lexicon = load_lexicon()
        counts: Counter[str] = Counter()
        for text in texts:
            for groups in (words.find(text), lexicon.platform_groups.find(text), lexicon.module_groups.find(text)):
                counts.update(hit.term for hit in groups.get(subject, []))
        return counts
    return Counter(t for terms in complaint_terms for t in terms if concept_of(t) == theme)


def name_themes(
    samples: Mapping[str, tuple[Sequence[str], Sequence[Sequence[str]]]],
    exclude: Iterable[str] = (),
    top: int = 5,
) -> dict[str, ThemeName]:
    """Names for themes from a sample of each one's posts: {theme: (texts, complaint terms per post)}.

    Lexicon terms found (the concept's words, or the requested feature's), per language, most
    frequent first; the keywords are TF-IDF over jieba tokens, each theme's sample one document."""
    exclude = list(exclude)
    docs = {theme: Counter(w for text in texts for w in tokens(text, exclude)) for theme, (texts, _) in samples.items()}
    df = Counter(w for counts in docs.values() for w in counts)
    n = len(docs)
    names: dict[str, ThemeName] = {}
    for theme, (texts, terms) in samples.items():
        counts = docs[theme]
        total = sum(counts.values()) or 1
        scored = sorted(counts, key=lambda w: (-(counts[w] / total) * math.log((1 + n) / (1 + df[w])), w))
        lexical = _theme_terms(theme, texts, terms)
        by_freq = sorted(lexical, key=lambda t: (-lexical[t], t))
        zh = [t for t in by_freq if is_chinese(t)]
        en = [t.lower() for t in by_freq if not is_chinese(t)]
        if not zh and not en:  # keywords name a theme only when the lexicon found nothing: they are less sure
            zh = [w for w in scored if is_chinese(w)][:2]
            en = [w for w in scored if not is_chinese(w)][:2]
        names[theme] = ThemeName(zh=zh[:top], en=list(dict.fromkeys(en))[:top], keywords=scored[:top])
    return names


class BrandMatcher:
    """The brands a post speaks of: the configured products it is relevant to (as the analysis
    found), and the competitors whose names it contains."""

    def __init__(self, products: Sequence[Product]) -> None:
        self._own = {term.casefold(): p.name for p in products for term in p.terms}
        self._competitors = {c.casefold(): c for p in products for c in p.competitors}
        self._matcher = TermMatcher(self._competitors.values())
        self.own_names = tuple(dict.fromkeys(p.name for p in products))

    def brands(self, text: str, relevance_terms: Iterable[str]) -> list[str]:
        own = [self._own.get(t.casefold(), t) for t in relevance_terms if t.casefold() in self._own]
        rivals = [self._competitors[h.term.casefold()] for h in self._matcher.find(text)]
        return list(dict.fromkeys(own + [r for r in rivals if r not in own]))
