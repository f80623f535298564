"""Sentiment score (0 = most negative, 1 = most positive) and polarity.

The score starts from a model: for Chinese, snownlp's naive Bayes retrained on Weibo posts (for
posts) or food-delivery reviews (for reviews) and used as the feature weights of logistic
regressions over characters and words (sentiment/models.py);
for English, VADER (made for social media text). Both are calibrated so that their own negative
threshold lands on 0.4, the default `negative_threshold`. 0.5 when the language has no model.
Then the evidence we trust more adjusts it:

- a plain question ("怎么设置回调地址", no complaint term, no angry word) is not negative: at least 0.5;
- a problem said to be over (不卡了, no longer crashes) is at least 0.5;
- the author's own star rating weighs 60 % and bounds the score (1-2 stars negative, 4-5 positive);
- complaint-lexicon terms: a strong one forces the score below the threshold, a weak one (docs,
  usability, a typo, a bare error code) leans it there. A developer's bug report is factual and
  often polite ("请问大家, SDK 在安卓14上闪退怎么办, 谢谢") and models read it as neutral.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from sentiment.lexicon import Theme
from sentiment.models import Models, calibrate

POSITIVE_THRESHOLD = 0.6
NEUTRAL = 0.5
MODEL_TEXT_LIMIT = 2000
"""Characters given to the model; the start of a long post carries its tone."""
VADER_NEGATIVE_BELOW = 0.475
"""VADER's compound score -0.05 (its authors' negative threshold) on the 0-1 scale."""
MODEL_NAMES = {"zh": "snownlp-nb-lr", "en": "vader"}

_RATING_SCORE = {1: 0.0, 2: 0.2, 3: 0.5, 4: 0.8, 5: 1.0}
_RATING_WEIGHT = 0.6


@functools.cache
def _vader() -> Callable[[str], float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return lambda text: (float(analyzer.polarity_scores(text)["compound"]) + 1.0) / 2.0


def model_scores(texts: Sequence[str], lang: str, models: Models, register: str = "post") -> list[float]:
    """The model's calibrated score for each of `texts` in `register` ("post" or "review"); 0.5 for
    an empty text or a language without a model."""
    cut = [t.strip()[:MODEL_TEXT_LIMIT] for t in texts]
    scores = [NEUTRAL] * len(cut)
    todo = [i for i, t in enumerate(cut) if t]
    if lang == "zh":
        found = models.sentiment_zh.scores([cut[i] for i in todo], register)
    elif lang == "en":
        found = [calibrate(_vader()(cut[i]), VADER_NEGATIVE_BELOW) for i in todo]
    else:
        found = [NEUTRAL] * len(todo)
    for i, score in zip(todo, found, strict=True):
        scores[i] = score
    return scores


def model_score(text: str, lang: str, models: Models, register: str = "post") -> float:
    return model_scores([text], lang, models, register)[0]


def model_name(text: str, lang: str) -> str:
    return MODEL_NAMES.get(lang, "none") if text.strip() else "none"


def adjust_score(
    score: float,
    *,
    themes: Sequence[Theme],
    resolved: bool,
    asks: bool = False,
    rating: int | None,
    negative_threshold: float,
) -> float:
    """The model's score corrected by the evidence: a plain question, resolved problems, star
    rating, complaint themes."""
    if asks or resolved:
        # "怎么设置回调地址" (snownlp as shipped: 0.03) asks; "不卡了" and "not crashing anymore,
        # great" are relief, whatever a model makes of the negative word in them.
        score = max(score, NEUTRAL)
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
