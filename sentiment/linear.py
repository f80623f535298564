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
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from sentiment.features import chars_marked, word_grams, words_cued, words_marked

FORMAT = "lingting-ngram-linear/1"
FEATURES: Mapping[str, Callable[[str], list[str]]] = {
    "words": word_grams,
    "words+cues": words_cued,
    "chars+marks": chars_marked,
    "words+marks": words_marked,
}


class ModelFormatError(ValueError):
    """A model file that is not a lingting n-gram model, or is damaged."""


@dataclass(frozen=True, eq=False)
class NgramLinearModel:
    features: str
    """Which n-grams: a name of `FEATURES` (sentiment/features.py)."""
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

    def _entries(
        self, texts: Sequence[str], extra: Sequence[Sequence[str]] | None = None
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The TF-IDF matrix of `texts` as (text, vocabulary row, value) entries, each text's
        values scaled to unit length. Vectorised over the whole batch: per-text numpy calls
        cost more than the arithmetic for texts this short."""
        grams: list[str] = []
        lengths = np.empty(len(texts), dtype=np.intp)
        for i, text in enumerate(texts):
            found = self.grams_of(text) if extra is None else [*word_grams(text), *extra[i]]
            grams += found
            lengths[i] = len(found)
        # map/fromiter keep the per-n-gram loop in C: this is the analysis's hottest line
        rows = np.fromiter(map(self.index.get, grams, repeat(-1)), dtype=np.intp, count=len(grams))
        owner = np.repeat(np.arange(len(texts), dtype=np.intp), lengths)
        known = rows >= 0
        keys, counts = np.unique(owner[known] * len(self.grams) + rows[known], return_counts=True)
        owner, rows = np.divmod(keys, len(self.grams))
        values = (1.0 + np.log(counts)) * self.idf[rows]
        norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=len(texts)))
        return owner, rows, values / norms[owner]

    def logits_many(
        self, texts: Sequence[str], extra: Sequence[Sequence[str]] | None = None
    ) -> npt.NDArray[np.float64]:
        """Texts x outputs: each output's intercept plus the dot product with its weights. `extra`,
        for a "words+cues" model, the lexicon tokens of each text already found (sentiment/signals.py),
        saves finding them again."""
        owner, rows, values = self._entries(texts, extra)
        out = np.tile(np.asarray(self.intercepts, dtype=np.float64), (len(texts), 1))
        for k in range(len(self.outputs)):
            out[:, k] += np.bincount(owner, weights=values * self.weights[rows, k], minlength=len(texts))
        return out

    def logits(self, text: str) -> list[float]:
        """One linear output per entry of `outputs`."""
        return [float(z) for z in self.logits_many([text])[0]]

    def shares(self, text: str, output: str, extra: Sequence[str] | None = None) -> tuple[list[str], list[float]]:
        """The n-grams of `text` the model knows and each one's share of `output`'s logit."""
        _, rows, values = self._entries([text], None if extra is None else [extra])
        shares = values * self.weights[rows, self.outputs.index(output)]
        return [self.grams[r] for r in rows.tolist()], shares.tolist()

    def contributions(self, text: str, output: str, extra: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(n-gram, its share of `output`'s logit), largest magnitude first: why the model decided."""
        return sorted(zip(*self.shares(text, output, extra), strict=True), key=lambda x: -abs(x[1]))

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
