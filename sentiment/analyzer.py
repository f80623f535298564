"""The analysis of one post: language, relevance, sentiment, complaint, category, priority, follow-up.

`Analyzer` is built once from the configured products and settings; `analyze()` is pure (no I/O but
the lexicons and models, read once) and gives an `Analysis`, which the store keeps as JSON
(`to_dict()`). Every decision is explained in words: `flag_reasons` (why it is, or is not, a
complaint) and `reasons` (category, impact, urgency, priority).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from config import AnalysisSettings, Product
from sentiment.category import category_reason, classify
from sentiment.complaint import find_complaints
from sentiment.explain import flag_reasons
from sentiment.followup import attribute, extract_details, missing_info
from sentiment.incident import says_me_too
from sentiment.language import normalize_language
from sentiment.lexicon import PROBLEM_CATEGORIES, load_lexicon
from sentiment.models import load_models
from sentiment.polarity import adjust_score, model_name, model_score, model_scores, polarity_of
from sentiment.priority import PriorityRules
from sentiment.relevance import ProductMatcher
from sentiment.signals import NO_FAILURE, find_failure
from sentiment.textnorm import normalize_text

REVIEW_SOURCES = frozenset({"appstore", "app_store", "googleplay", "google_play"})
"""Sources whose posts are app-store reviews (also recognised by a star rating)."""
REGISTERS = ("post", "review")
EVIDENCE_ITEMS = 30
"""At most this many distinct terms or error codes are listed as a post's evidence: a hostile post
repeating thousands of codes must not make an analysis record larger than the post."""
TEXT_FIELDS = ("title", "lang", "source", "thread_title", "register", "about")
"""The optional text fields of a post given to `analyze_many` (beside `text` and `rating`)."""


@dataclass(frozen=True)
class Analysis:
    lang: str
    """"zh", "en" or "und"."""
    relevant: bool
    """Mentions a configured product (name or alias) and none of its exclusion words."""
    relevance_terms: list[str]
    sentiment: float
    """0 = most negative, 1 = most positive."""
    polarity: str
    """negative | neutral | positive"""
    complaint: bool
    """Relevant, and negative with complaint evidence from the lexicon, or of a problem category with
    a failure or dissatisfaction described (sentiment/signals.py)."""
    complaint_terms: list[str]
    """Complaint-lexicon terms found (not negated), whatever the relevance."""
    category: str
    """functional | experience | bug | feature_request | service | question | other"""
    priority: str
    impact: str
    urgency: str
    reasons: list[str]
    """Each reason in words, Chinese then English."""
    missing_info: list[str]
    """What support must still ask: product_area, sdk_version, platform, steps, logs."""
    product_area: str | None
    sdk_version: str | None
    platform: str | None
    error_codes: list[str]
    attribution: str
    """sdk | integration | network | billing | docs | unknown"""
    sentiment_model: str = "none"
    """The model behind `sentiment` before the evidence adjusted it: snownlp-nb-lr, vader or none."""
    flag_reasons: list[str] = field(default_factory=list)
    """Why the post is, or is not, a complaint: relevance, sentiment, evidence; Chinese then English."""
    symptoms: list[str] = field(default_factory=list)
    """The complaint themes of its live terms (crash, disconnect, messaging, ...), in text order
    (title first): what is wrong, the first one foremost."""
    me_too: bool = False
    """It says the same happens to its author (同样, +1, same here): another author of its thread's incident."""
    evidence_capped: bool = False
    """A list of evidence (relevance or complaint terms, error codes) held more than EVIDENCE_ITEMS
    distinct items and lists only the first of them (counted in the crawl's run summary)."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _bounded(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))[:EVIDENCE_ITEMS]


def _over_cap(*lists: list[str]) -> bool:
    return any(len(dict.fromkeys(items)) > EVIDENCE_ITEMS for items in lists)


def stars_of(value: object) -> int | None:
    """A 1-5 star rating, or None for anything else (missing, out of range, not a number)."""
    number: float
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if not 1 <= number <= 5:  # also NaN, which compares false, and the infinities
        return None
    return int(number) if number == int(number) else None


@dataclass(frozen=True)
class _Post:
    """A post as the analysis reads it: normalized text (title first), language, register
    ("post" or "review") and star rating."""

    text: str
    lang: str
    register: str
    rating: int | None


class Analyzer:
    """Analyzes posts for the configured products. Build once; `analyze` as often as needed."""

    def __init__(self, products: Sequence[Product], settings: AnalysisSettings | None = None) -> None:
        self.settings = settings or AnalysisSettings()
        self._lexicon = load_lexicon()
        self._models = load_models(self.settings.models)
        self._products = ProductMatcher(products)
        self._priority = PriorityRules(self._lexicon, self._products.competitors)

    def analyze(
        self,
        text: str,
        *,
        title: str | None = None,
        lang: str | None = None,
        source: str | None = None,
        rating: object = None,
        thread_title: str | None = None,
        register: str | None = None,
        about: str | None = None,
    ) -> Analysis:
        """Analyze one post (`title` is its own title). `thread_title`, for a comment, is the title of
        the thread it answers: context for relevance only. `register` is "review" for a review
        (its own sentiment expert and category coverage) or "post"; by default a star `rating` or
        an app-store `source` makes a review. `rating` is 1-5 stars (a number or its text); anything
        else counts as no rating. `about` names the configured product the post is known to be
        about (a review of its own app): relevant whatever its words."""
        post = self._prepare(text, title=title, lang=lang, source=source, rating=rating, register=register)
        raw = model_score(post.text, post.lang, self._models, post.register)
        return self._finish(post, raw, thread_title, about)

    def _prepare(
        self,
        text: str,
        *,
        title: str | None,
        lang: str | None,
        source: str | None,
        rating: object,
        register: str | None,
    ) -> _Post:
        norm = normalize_text("\n".join(part for part in (title, text) if part and part.strip()), self._models.t2s)
        stars = stars_of(rating)
        if register not in REGISTERS:
            register = "review" if stars is not None or (source or "").lower() in REVIEW_SOURCES else "post"
        return _Post(norm, normalize_language(lang, norm), register, stars)

    def _finish(self, post: _Post, raw: float, thread_title: str | None, about: str | None = None) -> Analysis:
        norm, language, register, rating = post.text, post.lang, post.register, post.rating
        t2s = self._models.t2s
        threshold = self.settings.negative_threshold
        lexicon = self._lexicon
        relevance = self._products.match(norm, normalize_text(thread_title, t2s) if thread_title else None, about=about)
        evidence = find_complaints(norm, lexicon)
        # The lexicons speak of RTC/IM products: in a post about one, 卡 and 挂了 are faults and
        # 怎么设置 asks for help; elsewhere they are as often idioms (心态崩了, 挂科) or rhetoric,
        # so a post about no product keeps its model's score (and its author's stars).
        on_topic = relevance.relevant
        asks = on_topic and not evidence.live and bool(lexicon.asks.find(norm)) and not lexicon.angry.find(norm)
        score = adjust_score(
            raw,
            themes=evidence.themes if on_topic else [],
            resolved=on_topic and evidence.resolved,
            asks=asks,
            rating=rating,
            negative_threshold=threshold,
        )
        polarity = polarity_of(score, threshold)
        failure = find_failure(norm, lexicon) if on_topic else NO_FAILURE
        # The post model, like the lexicon corrections, speaks for posts about a product; a post about
        # none is never flagged, and the lexicon rules name its category at a fraction of the cost.
        decided = classify(
            norm,
            evidence=evidence,
            polarity=polarity,
            lexicon=lexicon,
            model=self._models.category if on_topic or register == "review" else None,
            lang=language,
            register=register,
            failure=failure,
        )
        decision = self._priority.decide(
            norm,
            category=decided.category,
            category_reason=category_reason(decided.category, decided.terms, by_model=decided.by_model),
            evidence=evidence,
            negative=polarity == "negative",
            rating=rating,
        )
        details = extract_details(norm, lexicon)
        complaint = relevance.relevant and (
            (polarity == "negative" and bool(evidence.live))
            or (
                decided.category in PROBLEM_CATEGORIES
                and not evidence.resolved
                and (bool(evidence.live) or failure.described or bool(failure.dissatisfied) or polarity == "negative")
            )
        )
        cues = (
            self._models.sentiment_zh.cues(norm, negative=polarity == "negative", register=register)
            if language == "zh" and relevance.relevant and polarity != "neutral"
            else []
        )
        return Analysis(
            lang=language,
            relevant=relevance.relevant,
            relevance_terms=_bounded(relevance.terms),
            sentiment=score,
            polarity=polarity,
            complaint=complaint,
            complaint_terms=_bounded(evidence.terms),
            category=decided.category,
            priority=decision.priority,
            impact=decision.impact,
            urgency=decision.urgency,
            reasons=decision.reasons,
            missing_info=missing_info(decided.category, details),
            product_area=details.product_area,
            sdk_version=details.sdk_version,
            platform=details.platform,
            error_codes=_bounded(details.error_codes),
            attribution=attribute(norm, evidence, lexicon),
            sentiment_model=model_name(norm, language),
            symptoms=[theme.name for theme in evidence.themes],
            me_too=says_me_too(norm),
            flag_reasons=flag_reasons(
                relevance=relevance,
                score=score,
                raw=raw,
                polarity=polarity,
                threshold=threshold,
                evidence=evidence,
                asks=asks,
                rating=rating,
                cues=cues,
                complaint=complaint,
                failure=[*failure.terms, *failure.dissatisfied],
            ),
            evidence_capped=_over_cap(relevance.terms, evidence.terms, details.error_codes),
        )

    def analyze_many(self, items: Iterable[Mapping[str, Any]]) -> list[Analysis]:
        """Analyze posts given as dicts with `text` and optional `title`, `lang`, `source`, `rating`,
        `thread_title`, `register`, `about`, in order; what `analyze` gives each, with the Chinese
        model run in batches."""
        posts: list[tuple[_Post, str | None, str | None]] = []
        for item in items:
            title, lang, source, thread, register, about = (item.get(k) for k in TEXT_FIELDS)
            post = self._prepare(
                str(item.get("text") or ""),
                title=str(title) if title is not None else None,
                lang=str(lang) if lang is not None else None,
                source=str(source) if source is not None else None,
                rating=item.get("rating"),
                register=str(register) if register else None,
            )
            posts.append((post, str(thread) if thread is not None else None, str(about) if about else None))
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (post, _, _) in enumerate(posts):
            groups.setdefault((post.lang, post.register), []).append(i)
        raw = [0.0] * len(posts)
        for (lang, register), members in groups.items():
            texts = [posts[i][0].text for i in members]
            for i, score in zip(members, model_scores(texts, lang, self._models, register), strict=True):
                raw[i] = score
        return [self._finish(post, raw[i], thread, about) for i, (post, thread, about) in enumerate(posts)]
