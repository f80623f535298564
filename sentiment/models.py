"""The trained models behind the analysis, read from `config/models/` or from a folder that
`lingting train` wrote (`[analysis] models = "path"`).

- `sentiment_zh.json.gz`: Chinese sentiment. Two experts, one for social posts (Weibo) and one for
  short reviews (food-delivery complaints), and a register gate that weighs them by how much a
  text reads like either; each is a linear model over character n-grams whose features are scaled
  by snownlp's naive-Bayes log-count ratios (NBSVM, Wang & Manning 2012). The probability of
  "positive" is mapped so that the threshold calibrated at training time lands on
  `CALIBRATED_NEGATIVE`, the default `negative_threshold`.
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
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

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


class ModelError(ValueError):
    """A model folder or file is missing or unreadable; the message says which, in words."""


def calibrate(probability: float, negative_below: float) -> float:
    """Map a model's probability of "positive" onto the shared scale, `negative_below` -> 0.4."""
    p = min(1.0, max(0.0, probability))
    if p < negative_below:
        return CALIBRATED_NEGATIVE * p / negative_below
    return CALIBRATED_NEGATIVE + (1 - CALIBRATED_NEGATIVE) * (p - negative_below) / (1 - negative_below)


def _readable(ch: str) -> bool:
    """A character a reader recognises as part of a word: Chinese or a Latin letter (no digits, no
    punctuation: "2." or ",太" explain nothing)."""
    return "\u4e00" <= ch <= "\u9fff" or ("a" <= ch <= "z")


@dataclass(frozen=True)
class SentimentModel:
    linear: NgramLinearModel
    experts: tuple[str, ...]
    """Output names of the experts; with two, output `gate` is the logit of the first."""
    negative_below: float
    """Probabilities of "positive" below this are negative (calibrated on the training data)."""

    def probability(self, text: str) -> float:
        """P(positive) for `text`."""
        logits = dict(zip(self.linear.outputs, self.linear.logits(text), strict=True))
        if len(self.experts) == 1:
            return sigmoid(logits[self.experts[0]])
        first, second = self.experts
        weight = sigmoid(logits["gate"])
        return weight * sigmoid(logits[first]) + (1 - weight) * sigmoid(logits[second])

    def score(self, text: str) -> float:
        return calibrate(self.probability(text), self.negative_below)

    def cues(self, text: str, *, negative: bool, limit: int = 3) -> list[str]:
        """The n-grams (two characters or more) that pull the text most toward its polarity."""
        logits = dict(zip(self.linear.outputs, self.linear.logits(text), strict=True))
        expert = self.experts[0] if len(self.experts) == 1 or logits["gate"] >= 0 else self.experts[1]
        sign = -1.0 if negative else 1.0
        shares = self.linear.contributions(text, expert)
        found = [g for g, share in shares if share * sign > 0 and len(g) >= 2 and all(_readable(ch) for ch in g)]
        return found[:limit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "sentiment",
            "experts": list(self.experts),
            "negative_below": self.negative_below,
            "model": self.linear.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SentimentModel:
        linear = NgramLinearModel.from_dict(data["model"])
        experts = tuple(str(e) for e in data["experts"])
        needed = set(experts) | ({"gate"} if len(experts) == 2 else set())
        if not 1 <= len(experts) <= 2 or not needed <= set(linear.outputs):
            raise ModelFormatError(f"experts {experts} do not match outputs {linear.outputs}")
        return cls(linear=linear, experts=experts, negative_below=float(data["negative_below"]))


@dataclass(frozen=True)
class CategoryModel:
    linear: NgramLinearModel
    coverage: Mapping[str, int]
    """Labeled examples per "register:language" the model learned from, e.g. {"review:en": 3000}.
    Registers: "review" (app-store reviews) and "post" (forums, social media)."""

    def covers(self, lang: str, register: str) -> bool:
        return self.coverage.get(f"{register}:{lang}", 0) >= MIN_LANGUAGE_EXAMPLES

    def probabilities(self, text: str) -> dict[str, float]:
        return dict(zip(self.linear.outputs, softmax(self.linear.logits(text)), strict=True))

    def cues(self, text: str, category: str, limit: int = 3) -> list[str]:
        """The words that speak most for `category`."""
        if category not in self.linear.outputs:
            return []
        return [g for g, share in self.linear.contributions(text, category) if share > 0][:limit]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "category", "coverage": dict(self.coverage), "model": self.linear.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoryModel:
        coverage = {str(k): int(v) for k, v in dict(data["coverage"]).items()}
        return cls(linear=NgramLinearModel.from_dict(data["model"]), coverage=coverage)


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
        return Models(
            sentiment_zh=SentimentModel.from_dict(_read(place, SENTIMENT_ZH, origin)),
            category=CategoryModel.from_dict(_read(place, CATEGORY, origin)),
            t2s=t2s_from_dict(_read(place, T2S, origin)),
            origin="packaged" if folder is None else str(folder),
        )
    except (ModelFormatError, KeyError, TypeError) as exc:
        raise ModelError(f"{origin}: {exc} / 模型文件格式不对") from None
