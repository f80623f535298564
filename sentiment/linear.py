"""A linear model over n-gram features: what `sentiment/training.py` trains and the analysis runs.

Features are sklearn's `TfidfVectorizer(sublinear_tf=True)` computes them: for each n-gram of the
model's vocabulary, (1 + log count) x idf, the vector scaled to unit length; each output is an
intercept plus the dot product with that output's weights. Scoring is a dictionary look-up per
n-gram and one small numpy product: no scikit-learn at analysis time.

The file form (JSON) keeps n-grams, idf and weights in parallel lists, rounded to what matters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sentiment.features import char_grams, word_grams

FORMAT = "lingting-ngram-linear/1"
FEATURES: Mapping[str, Callable[[str], list[str]]] = {"chars": char_grams, "words": word_grams}


class ModelFormatError(ValueError):
    """A model file that is not a lingting n-gram model, or is damaged."""


@dataclass(frozen=True, eq=False)
class NgramLinearModel:
    features: str
    """Which n-grams: "chars" or "words" (sentiment/features.py)."""
    outputs: tuple[str, ...]
    intercepts: tuple[float, ...]
    grams: tuple[str, ...]
    idf: npt.NDArray[np.float64]
    """Per n-gram."""
    weights: npt.NDArray[np.float64]
    """n-grams x outputs."""
    index: Mapping[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.idf.shape != (len(self.grams),) or self.weights.shape != (len(self.grams), len(self.outputs)):
            raise ModelFormatError("grams, idf and weights differ in shape")
        object.__setattr__(self, "index", {g: i for i, g in enumerate(self.grams)})

    def grams_of(self, text: str) -> list[str]:
        return FEATURES[self.features](text)

    def _vector(self, text: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """(vocabulary rows, their TF-IDF values scaled to unit length)."""
        found = [row for row in map(self.index.get, self.grams_of(text)) if row is not None]
        if not found:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        rows, counts = np.unique(np.array(found, dtype=np.intp), return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[rows]
        return rows, values / math.sqrt(float(values @ values))

    def logits(self, text: str) -> list[float]:
        """One linear output per entry of `outputs`."""
        rows, values = self._vector(text)
        if not len(rows):
            return list(self.intercepts)
        return [float(x) for x in values @ self.weights[rows] + self.intercepts]

    def contributions(self, text: str, output: str) -> list[tuple[str, float]]:
        """(n-gram, its share of `output`'s logit), largest magnitude first: why the model decided."""
        rows, values = self._vector(text)
        if not len(rows):
            return []
        shares = values * self.weights[rows, self.outputs.index(output)]
        return sorted(((self.grams[r], float(v)) for r, v in zip(rows, shares, strict=True)), key=lambda x: -abs(x[1]))

    def to_dict(self) -> dict[str, Any]:
        order = sorted(range(len(self.grams)), key=self.grams.__getitem__)
        return {
            "format": FORMAT,
            "features": self.features,
            "outputs": list(self.outputs),
            "intercepts": [round(b, 6) for b in self.intercepts],
            "grams": [self.grams[i] for i in order],
            "idf": [round(float(self.idf[i]), 4) for i in order],
            "weights": [[float(f"{self.weights[i, k]:.4g}") for i in order] for k in range(len(self.outputs))],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NgramLinearModel:
        try:
            if data.get("format") != FORMAT:
                raise ModelFormatError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
            features = str(data["features"])
            if features not in FEATURES:
                raise ModelFormatError(f"features {features!r}; known: {', '.join(FEATURES)}")
            outputs = tuple(str(o) for o in data["outputs"])
            intercepts = tuple(float(b) for b in data["intercepts"])
            grams = tuple(str(g) for g in data["grams"])
            if len(intercepts) != len(outputs) or len(data["weights"]) != len(outputs):
                raise ModelFormatError("outputs, intercepts and weights differ in number")
            idf = np.array(data["idf"], dtype=np.float64)
            weights = np.array(data["weights"], dtype=np.float64).reshape(len(outputs), -1).T.copy()
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelFormatError):
                raise
            raise ModelFormatError(f"damaged model data ({exc})") from None
        return cls(features=features, outputs=outputs, intercepts=intercepts, grams=grams, idf=idf, weights=weights)


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]
