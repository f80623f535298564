"""The trained models behind the analysis, read from `config/models/` or from a folder that
`lingting train` wrote (`[analysis] models = "path"`).

- `sentiment_zh.json.gz`: Chinese sentiment. Two experts, one for social and forum posts (trained
  on Weibo) and one for reviews (food-delivery complaints), chosen by the post's register. Each
  combines two views, linear models over character n-grams and over jieba's words, both with
  emotion-word marks and with features scaled by snownlp's naive-Bayes log-count ratios (NBSVM,
  Wang & Manning 2012). The probability of "positive" is mapped so that the expert's threshold,
  calibrated at training time, lands on `CALIBRATED_NEGATIVE`, the default `negative_threshold`.
- `category.json.gz`: the feedback category, a multinomial logistic regression over words; used
  for the registers and languages it saw enough labeled examples of (`covers`): the shipped one
  knows English app-store reviews.
- `zh_t2s.json.gz`: traditional -> simplified characters, one for one (from snownlp's table), so
  that 閃退 is 闪退 to the lexicons and the models.

Each file has a `*.provenance.json` beside it: data used, sizes, hyper-parameters, held-out
figures, date and the command. Reading these files is the analysis's only I/O besides the
lexicons: packaged data, or the folder the settings name.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from sentiment.emotion_words import EmotionWordsError, emotion_words
from sentiment.features import WORDS_CACHED, readable_gram, zh_words
from sentiment.linear import ModelFormatError, NgramLinearModel, sigmoid, softmax

SENTIMENT_ZH = "sentiment_zh.json.gz"
CATEGORY = "category.json.gz"
T2S = "zh_t2s.json.gz"
MODEL_FILES = (SENTIMENT_ZH, CATEGORY, T2S)
CALIBRATED_NEGATIVE = 0.4
"""The calibrated threshold of every model lands here on the 0-1 sentiment scale (the default
`[analysis] negative_threshold`)."""
MIN_LANGUAGE_EXAMPLES = 200
"""A category model speaks for a register and language only after this many labeled examples."""
MIN_POST_EXAMPLES = 100
"""The post model, which also reads the lexicons' tokens, speaks for a language after this many posts."""


class ModelError(ValueError):
    """A model folder or file is missing or unreadable; the message says which, in words."""


def calibrate(probability: float, negative_below: float) -> float:
    """Map a model's probability of "positive" onto the shared scale, `negative_below` -> 0.4."""
    p = min(1.0, max(0.0, probability))
    if p < negative_below:
        return CALIBRATED_NEGATIVE * p / negative_below
    return CALIBRATED_NEGATIVE + (1 - CALIBRATED_NEGATIVE) * (p - negative_below) / (1 - negative_below)


_FUNCTION = frozenset("的了是在和也就都又把被着过吗呢吧啊呀")
"""Chinese function words: a pair with one of them ("的新") explains nothing to a reader."""


def _readable(ch: str) -> bool:
    """A character a reader recognises as part of a word: Chinese or a Latin letter (no digits, no
    punctuation: "2." or ",太" explain nothing)."""
    return "\u4e00" <= ch <= "\u9fff" or ("a" <= ch <= "z")


@dataclass(frozen=True)
class Expert:
    """The sentiment of one register: its output of each view, combined (stacked) by weights that
    cross-validation chose, and its own calibrated threshold."""

    name: str
    """The output of each view that is this expert's, e.g. "social"."""
    register: str
    """"post" (forums, social media) or "review" (app-store and shop reviews)."""
    intercept: float
    view_weights: tuple[float, ...]
    """One per view of the model."""
    negative_below: float
    """Probabilities of "positive" below this are negative (calibrated on the training data)."""


@dataclass(frozen=True)
class SentimentModel:
    views: tuple[NgramLinearModel, ...]
    """Linear models over different n-grams of the text (characters, words), with one output per expert."""
    experts: tuple[Expert, ...]

    def __post_init__(self) -> None:
        for view in self.views:
            missing = [e.name for e in self.experts if e.name not in view.outputs]
            if missing:
                raise ModelFormatError(f"view {view.features} has no output for {', '.join(missing)}")
        if not self.experts or any(len(e.view_weights) != len(self.views) for e in self.experts):
            raise ModelFormatError("every expert needs one weight per view")

    def expert(self, register: str = "post") -> Expert:
        """The expert for `register`; the first one (social posts) for a register no expert has."""
        return next((e for e in self.experts if e.register == register), self.experts[0])

    def probabilities(self, texts: Sequence[str], register: str = "post") -> list[float]:
        """P(positive) for each of `texts`, all in `register`."""
        expert = self.expert(register)
        out: list[float] = []
        for start in range(0, len(texts), WORDS_CACHED):  # the views share each text's words
            batch = texts[start : start + WORDS_CACHED]
            z = np.full(len(batch), expert.intercept)
            for view, weight in zip(self.views, expert.view_weights, strict=True):
                z += weight * view.logits_many(batch)[:, view.outputs.index(expert.name)]
            out += [sigmoid(float(x)) for x in z]
        return out

    def probability(self, text: str, register: str = "post") -> float:
        """P(positive) for `text`."""
        return self.probabilities([text], register)[0]

    def scores(self, texts: Sequence[str], register: str = "post") -> list[float]:
        """The calibrated scores of `texts` (see `calibrate`)."""
        below = self.expert(register).negative_below
        return [calibrate(p, below) for p in self.probabilities(texts, register)]

    def score(self, text: str, register: str = "post") -> float:
        return self.scores([text], register)[0]

    def cues(self, text: str, *, negative: bool, register: str = "post", limit: int = 3) -> list[str]:
        """The words (two characters or more) that pull the text most toward its polarity: the
        text's own words and word pairs ("好用", "不回"), never a pair with a function word ("的新")."""
        expert = self.expert(register)
        words = zh_words(text)
        whole = {*words, *(a + b for a, b in pairwise(words) if a not in _FUNCTION and b not in _FUNCTION)}
        shares: dict[str, float] = {}
        for view, weight in zip(self.views, expert.view_weights, strict=True):
            for gram, share in zip(*view.shares(text, expert.name), strict=True):
                if (word := readable_gram(gram)) in whole:  # a word's shares from every n-gram of it, summed
                    shares[word] = shares.get(word, 0.0) + weight * share
        sign = -1.0 if negative else 1.0
        found = [w for w, s in shares.items() if s * sign > 0 and len(w) >= 2 and all(_readable(ch) for ch in w)]
        return sorted(found, key=lambda w: -shares[w] * sign)[:limit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "sentiment",
            "experts": [
                {
                    "name": e.name,
                    "register": e.register,
                    "intercept": round(e.intercept, 6),
                    "view_weights": [round(w, 6) for w in e.view_weights],
                    "negative_below": e.negative_below,
                }
                for e in self.experts
            ],
            "views": [v.to_dict() for v in self.views],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SentimentModel:
        if not isinstance(data.get("views"), list):
            raise ModelFormatError("a sentiment model of an older format; run `lingting train` again")
        experts = tuple(
            Expert(
                name=str(e["name"]),
                register=str(e["register"]),
                intercept=float(e["intercept"]),
                view_weights=tuple(float(w) for w in e["view_weights"]),
                negative_below=float(e["negative_below"]),
            )
            for e in data["experts"]
        )
        return cls(views=tuple(NgramLinearModel.from_dict(v) for v in data["views"]), experts=experts)


@dataclass(frozen=True)
class CategoryModel:
    linear: NgramLinearModel
    coverage: Mapping[str, int]
    """Labeled examples per "register:language" the model learned from, e.g. {"review:en": 3000}.
    Registers: "review" (app-store reviews) and "post" (forums, social media)."""

    post_linear: NgramLinearModel | None = None
    """The model for forum and social posts (words and lexicon tokens), when trained on enough posts."""

    def covers(self, lang: str, register: str) -> bool:
        needed = MIN_POST_EXAMPLES if register != "review" and self.post_linear is not None else MIN_LANGUAGE_EXAMPLES
        return self.coverage.get(f"{register}:{lang}", 0) >= needed

    def for_register(self, register: str) -> NgramLinearModel:
        return self.post_linear if register != "review" and self.post_linear is not None else self.linear

    def probabilities(self, text: str, register: str = "review", tokens: list[str] | None = None) -> dict[str, float]:
        """Per category; `tokens`, the lexicon tokens of a post already found (sentiment/signals.py)."""
        linear = self.for_register(register)
        use = tokens if tokens is not None and linear.features == "words+cues" else None
        logits = linear.logits_many([text], None if use is None else [use])[0]
        return dict(zip(linear.outputs, softmax([float(z) for z in logits]), strict=True))

    def cues(
        self, text: str, category: str, limit: int = 3, register: str = "review", tokens: list[str] | None = None
    ) -> list[str]:
        """The words that speak most for `category` (lexicon tokens left out)."""
        linear = self.for_register(register)
        if category not in linear.outputs:
            return []
        extra = tokens if tokens is not None and linear.features == "words+cues" else None
        shares = linear.contributions(text, category, extra)
        return [g for g, share in shares if share > 0 and not g.startswith("§")][:limit]

    def to_dict(self) -> dict[str, Any]:
        data = {"kind": "category", "coverage": dict(self.coverage), "model": self.linear.to_dict()}
        if self.post_linear is not None:
            data["post_model"] = self.post_linear.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoryModel:
        coverage = {str(k): int(v) for k, v in dict(data["coverage"]).items()}
        post = NgramLinearModel.from_dict(data["post_model"]) if data.get("post_model") else None
        return cls(linear=NgramLinearModel.from_dict(data["model"]), coverage=coverage, post_linear=post)


@dataclass(frozen=True)
class Models:
    sentiment_zh: SentimentModel
    category: CategoryModel
    t2s: Mapping[int, str]
    """str.translate table: traditional character -> simplified character."""
    origin: str
    """"packaged" or the folder the models came from."""


def t2s_from_dict(data: Mapping[str, Any]) -> dict[int, str]:
    pairs = dict(data["chars"])
    if not all(isinstance(k, str) and isinstance(v, str) and len(k) == len(v) == 1 for k, v in pairs.items()):
        raise ModelFormatError("chars must map one character to one character")
    return {ord(k): v for k, v in pairs.items()}


def _read(place: Traversable | Path, name: str, origin: str) -> dict[str, Any]:
    try:
        data = json.loads(gzip.decompress((place / name).read_bytes()).decode("utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{origin}/{name}: missing; run `lingting train` / 模型文件缺失") from None
    except (OSError, EOFError, ValueError) as exc:
        raise ModelError(f"{origin}/{name}: not a gzip JSON model ({exc}) / 模型文件损坏") from None
    if not isinstance(data, dict):
        raise ModelError(f"{origin}/{name}: not a model / 不是模型文件")
    return data


@functools.cache
def load_models(folder: str | None = None) -> Models:
    """The shipped models (`folder` None) or those in `folder`; read once per process."""
    place: Traversable | Path
    if folder is None:
        place, origin = resources.files("config") / "models", "config/models"
    else:
        place, origin = Path(folder).expanduser(), folder
        if not place.is_dir():
            raise ModelError(f"{folder}: no such model folder / 模型目录不存在")
    try:
        models = Models(
            sentiment_zh=SentimentModel.from_dict(_read(place, SENTIMENT_ZH, origin)),
            category=CategoryModel.from_dict(_read(place, CATEGORY, origin)),
            t2s=t2s_from_dict(_read(place, T2S, origin)),
            origin="packaged" if folder is None else str(folder),
        )
    except (ModelFormatError, KeyError, TypeError) as exc:
        raise ModelError(f"{origin}: {exc} / 模型文件格式不对") from None
    try:
        emotion_words()  # the sentiment views need them: missing, say so now, not at the first post
    except EmotionWordsError as exc:
        raise ModelError(str(exc)) from None
    return models
