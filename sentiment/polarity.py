"""Sentiment score (0 = most negative, 1 = most positive) and polarity.

The score starts from a general-purpose model: snownlp for Chinese, VADER for English (compound
mapped to [0, 1]), 0.5 when the language is neither. Then the evidence we trust more adjusts it:
the author's own star rating, and the complaint lexicon.

Why the lexicon overrides the model: snownlp learned from shopping reviews and VADER from general
social media; neither knows that 闪退 or "crash" is a failure. A developer's bug report is factual
and often polite ("请问大家, SDK 在安卓14上闪退怎么办, 谢谢"), so the models read it as neutral or
positive: snownlp scores "VoxLink SDK 4.2.1 在安卓14上闪退" 0.53 and VADER scores "The app keeps
crashing on Android 14" exactly neutral. A strong complaint term therefore forces the score below
the negative threshold; a weak one (docs, usability, a typo, a bare error code) only leans it there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from sentiment.lexicon import Theme

POSITIVE_THRESHOLD = 0.6
MODEL_TEXT_LIMIT = 2000
"""Characters given to the model; the start of a long post carries its tone, and snownlp is slow."""

_RATING_SCORE = {1: 0.0, 2: 0.2, 3: 0.5, 4: 0.8, 5: 1.0}
_RATING_WEIGHT = 0.6


@functools.cache
def _snownlp() -> Callable[[str], float]:
    from snownlp import SnowNLP  # loads its model on import: done once, on first use

    return lambda text: float(SnowNLP(text).sentiments)


@functools.cache
def _vader() -> Callable[[str], float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda text: (float(analyzer.polarity_scores(text)["compound"]) + 1.0) / 2.0


def model_score(text: str, lang: str) -> float:
    """The sentiment model's own score for `text`; 0.5 for an empty text or a language without a model."""
    text = text.strip()[:MODEL_TEXT_LIMIT]
    if not text:
        return 0.5
    if lang == "zh":
        return _snownlp()(text)
    if lang == "en":
        return _vader()(text)
    return 0.5


def adjust_score(
    score: float,
    *,
    themes: Sequence[Theme],
    resolved: bool,
    rating: int | None,
    negative_threshold: float,
) -> float:
    """The model's score corrected by the evidence: resolved problems, star rating, complaint themes."""
    if resolved:
        # "不卡了", "no longer crashes": relief, not a complaint, whatever the model makes of the
        # negative word in it (VADER reads "not crashing anymore, great" as negative).
        score = max(score, 0.5)
    if rating is not None and rating in _RATING_SCORE:
        # The author's own stars say more than a model does about a short review.
        score = (1 - _RATING_WEIGHT) * score + _RATING_WEIGHT * _RATING_SCORE[rating]
        if rating <= 2:
            score = min(score, negative_threshold * 0.9)
        elif rating >= 4:
            score = max(score, POSITIVE_THRESHOLD + 0.05)
    forced = [t for t in themes if t.force]
    if forced:
        ceiling = negative_threshold * (0.6 if len(forced) == 1 else 0.45)
        score = min(score, ceiling)
    elif themes:
        score = min(score, (score + negative_threshold) / 2)
    return round(min(1.0, max(0.0, score)), 4)


def polarity_of(score: float, negative_threshold: float) -> str:
    if score < negative_threshold:
        return "negative"
    if score > POSITIVE_THRESHOLD:
        return "positive"
    return "neutral"
