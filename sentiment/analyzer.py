"""The analysis of one post: language, relevance, sentiment, complaint, category, priority, follow-up.

`Analyzer` is built once from the configured products and settings; `analyze()` is pure (no I/O but
the packaged lexicons, read once) and gives an `Analysis`, which the store keeps as JSON
(`to_dict()`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from config import AnalysisSettings, Product
from sentiment.category import category_reason, classify
from sentiment.complaint import find_complaints
from sentiment.followup import attribute, extract_details, missing_info
from sentiment.language import normalize_language
from sentiment.lexicon import load_lexicon
from sentiment.polarity import adjust_score, model_score, polarity_of
from sentiment.priority import PriorityRules
from sentiment.relevance import ProductMatcher


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
    """Relevant, negative, and with complaint evidence from the lexicon."""
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

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _rating(value: object) -> int | None:
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
    return int(number) if number == int(number) and 1 <= number <= 5 else None


class Analyzer:
    """Analyzes posts for the configured products. Build once; `analyze` as often as needed."""

    def __init__(self, products: Sequence[Product], settings: AnalysisSettings | None = None) -> None:
        self.settings = settings or AnalysisSettings()
        self._lexicon = load_lexicon()
        self._products = ProductMatcher(products)
        self._priority = PriorityRules(self._lexicon, self._products.competitors)

    def analyze(
        self,
        text: str,
        *,
        title: str | None = None,
        lang: str | None = None,
        source: str | None = None,
        rating: int | None = None,
    ) -> Analysis:
        """Analyze one post. `source` is accepted for per-source calibration; not used yet."""
        original = "\n".join(part for part in (title, text) if part and part.strip())
        # NFKC folds full-width letters and punctuation (ＳＤＫ，) so the lexicons match them.
        norm = unicodedata.normalize("NFKC", original)
        rating = _rating(rating)
        threshold = self.settings.negative_threshold
        language = normalize_language(lang, norm)
        relevance = self._products.match(norm)
        evidence = find_complaints(norm, self._lexicon)
        score = adjust_score(
            model_score(original, language),
            themes=evidence.themes,
            resolved=evidence.resolved,
            rating=rating,
            negative_threshold=threshold,
        )
        polarity = polarity_of(score, threshold)
        category, category_terms = classify(norm, evidence=evidence, polarity=polarity, lexicon=self._lexicon)
        decision = self._priority.decide(
            norm,
            category=category,
            category_reason=category_reason(category, category_terms),
            evidence=evidence,
            negative=polarity == "negative",
            rating=rating,
        )
        details = extract_details(norm, self._lexicon)
        return Analysis(
            lang=language,
            relevant=relevance.relevant,
            relevance_terms=relevance.terms,
            sentiment=score,
            polarity=polarity,
            complaint=relevance.relevant and polarity == "negative" and bool(evidence.live),
            complaint_terms=evidence.terms,
            category=category,
            priority=decision.priority,
            impact=decision.impact,
            urgency=decision.urgency,
            reasons=decision.reasons,
            missing_info=missing_info(category, details),
            product_area=details.product_area,
            sdk_version=details.sdk_version,
            platform=details.platform,
            error_codes=details.error_codes,
            attribution=attribute(norm, evidence, self._lexicon),
        )

    def analyze_many(self, items: Iterable[Mapping[str, Any]]) -> list[Analysis]:
        """Analyze posts given as dicts with `text` and optional `title`, `lang`, `source`, `rating`, in order."""
        results: list[Analysis] = []
        for item in items:
            title, lang, source = item.get("title"), item.get("lang"), item.get("source")
            results.append(
                self.analyze(
                    str(item.get("text") or ""),
                    title=str(title) if title is not None else None,
                    lang=str(lang) if lang is not None else None,
                    source=str(source) if source is not None else None,
                    rating=_rating(item.get("rating")),
                )
            )
        return results
