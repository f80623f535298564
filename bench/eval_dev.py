"""The dev-set section of bench/eval: triage on real RTC/IM/push SDK posts (rtc_issues_dev.jsonl).

    .venv/bin/python -m bench.eval --only dev

366 real GitHub issues in Chinese and English, labeled with category, complaint and severity
(their .md). Every post is analyzed as a GitHub post about its own product (`about`), title and text
together, in its labeled language. Figures, all by 5-fold cross-validation, folds stratified by
category with a fixed seed (`sentiment.folds.stratified_folds`):
- lingting (5-fold): per fold, the category model is trained as `lingting train` trains it, with
  the dev set's other four folds as its domain examples; the analysis runs on the held-out fold.
  Nothing is tuned on the held-out fold.
- shipped models: the models in config/models as they are (trained on the whole dev set when it is
  part of their provenance, so a resubstitution figure, shown only for comparison).
- lexicon rules alone: category by the lexicon rules (no model), complaint = a live complaint term,
  priority from the rules' category.
- majority class: the most common label of the training folds.
Scores: category accuracy and macro-F1 over the seven categories; complaint precision, recall and
F1; high severity: a post with priority P0 or P1 predicts severity "high".
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from config import AnalysisSettings, Product
from sentiment import Analyzer, corpora
from sentiment.analyzer import Analysis
from sentiment.category import category_reason, rule_category
from sentiment.complaint import find_complaints
from sentiment.folds import FOLDS, stratified_folds
from sentiment.lexicon import CATEGORIES, load_lexicon
from sentiment.metrics import class_f1
from sentiment.models import CATEGORY, MODEL_FILES, load_models
from sentiment.priority import PriorityRules
from sentiment.relevance import ProductMatcher
from sentiment.textnorm import normalize_text

HIGH = frozenset({"P0", "P1"})


@dataclass(frozen=True)
class Predicted:
    category: str
    complaint: bool
    high: bool


def _items(issues: Sequence[corpora.Issue]) -> list[dict[str, Any]]:
    return [{"text": i.text, "title": i.title, "lang": i.lang, "source": "github", "about": i.product} for i in issues]


def _analyzer(issues: Sequence[corpora.Issue], models: str | None) -> Analyzer:
    products = [Product(name=name) for name in sorted({i.product for i in issues if i.product})]
    return Analyzer(products, AnalysisSettings(models=models))


def _as_predicted(result: Analysis) -> Predicted:
    return Predicted(result.category, result.complaint, result.priority in HIGH)


FoldModels = Callable[[Path, Sequence[corpora.Issue]], str]
"""Writes a model folder trained without the held-out fold into the given folder; gives its path."""


def fold_model_folder(folder: Path, train: Sequence[corpora.Issue], clap: Sequence[corpora.Review]) -> str:
    """The shipped models, with the category model trained as `lingting train` does on clap_rq1 and
    the given dev issues only."""
    from sentiment.training import dev_category_examples, train_category

    shipped = resources.files("config") / "models"
    for name in MODEL_FILES:
        if name != CATEGORY:
            (folder / name).write_bytes((shipped / name).read_bytes())
    examples = [
        *(corpora.clap_example(r) for r in clap),
        *dev_category_examples(train),
    ]
    trained = train_category(examples, t2s=load_models().t2s, folds=0)
    payload = json.dumps(trained.model.to_dict(), ensure_ascii=False).encode("utf-8")
    (folder / CATEGORY).write_bytes(gzip.compress(payload))
    return str(folder)


def cross_validated(issues: Sequence[corpora.Issue], folds: Sequence[int], fold_models: FoldModels) -> list[Predicted]:
    out: list[Predicted | None] = [None] * len(issues)
    for fold in range(FOLDS):
        train = [x for x, f in zip(issues, folds, strict=True) if f != fold]
        held = [i for i, f in enumerate(folds) if f == fold]
        with tempfile.TemporaryDirectory() as tmp:
            analyzer = _analyzer(issues, fold_models(Path(tmp), train))
            for i, result in zip(held, analyzer.analyze_many(_items([issues[i] for i in held])), strict=True):
                out[i] = _as_predicted(result)
        load_models.cache_clear()
    return [p for p in out if p is not None]


def shipped(issues: Sequence[corpora.Issue]) -> list[Predicted]:
    return [_as_predicted(r) for r in _analyzer(issues, None).analyze_many(_items(issues))]


def rules_alone(issues: Sequence[corpora.Issue]) -> list[Predicted]:
    lexicon, models = load_lexicon(), load_models()
    analyzer = _analyzer(issues, None)
    rules = PriorityRules(lexicon, ProductMatcher([]).competitors)
    out = []
    for issue, result in zip(issues, analyzer.analyze_many(_items(issues)), strict=True):
        text = normalize_text(f"{issue.title}\n{issue.text}", models.t2s)
        evidence = find_complaints(text, lexicon)
        category, terms, _ = rule_category(text, evidence=evidence, polarity=result.polarity, lexicon=lexicon)
        decision = rules.decide(
            text,
            category=category,
            category_reason=category_reason(category, terms),
            evidence=evidence,
            negative=result.polarity == "negative",
        )
        out.append(Predicted(category, bool(evidence.live), decision.priority in HIGH))
    return out


def majority(issues: Sequence[corpora.Issue], folds: Sequence[int]) -> list[Predicted]:
    out: list[Predicted] = []
    for i, fold in enumerate(folds):
        train = [x for x, f in zip(issues, folds, strict=True) if f != fold]
        category = Counter(x.category for x in train).most_common(1)[0][0]
        complaint = sum(x.complaint for x in train) * 2 >= len(train)
        high = sum(x.severity == "high" for x in train) * 2 >= len(train)
        out.append(Predicted(category, complaint, high))
        del i
    return out


def _binary(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": tp + fn}


def figures(issues: Sequence[corpora.Issue], predicted: Sequence[Predicted]) -> dict[str, Any]:
    gold = [i.category for i in issues]
    guess = [p.category for p in predicted]
    per_class = class_f1(gold, guess, CATEGORIES)
    return {
        "category_accuracy": round(sum(g == p for g, p in zip(gold, guess, strict=True)) / len(gold), 4),
        "category_macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(per_class), 4),
        "category_classes": per_class,
        "complaint": _binary([i.complaint for i in issues], [p.complaint for p in predicted]),
        "high_severity": _binary([i.severity == "high" for i in issues], [p.high for p in predicted]),
    }


def dev_results(issues: Sequence[corpora.Issue], clap: Sequence[corpora.Review]) -> dict[str, dict[str, Any]]:
    folds = stratified_folds([i.category for i in issues])
    systems = {
        "lingting (5-fold)": cross_validated(issues, folds, lambda d, t: fold_model_folder(d, t, clap)),
        "shipped models": shipped(issues),
        "lexicon rules alone": rules_alone(issues),
        "majority class": majority(issues, folds),
    }
    return {name: figures(issues, predicted) for name, predicted in systems.items()}


def print_dev(results: dict[str, dict[str, Any]], n: int) -> None:
    systems = list(results)
    print(f"\nrtc_issues_dev: {n} real RTC/IM/push issues, 5-fold stratified cross-validation")
    print(f"  {'':24}" + "".join(f"{s:>22}" for s in systems))

    def row(label: str, *path: str) -> None:
        values = []
        for s in systems:
            value: Any = results[s]
            for key in path:
                value = value[key]
            values.append(float(value))
        print(f"  {label:24}" + "".join(f"{v:22.3f}" for v in values))

    row("category accuracy", "category_accuracy")
    row("category macro-F1", "category_macro_f1")
    for c in CATEGORIES:
        support = results[systems[0]]["category_classes"][c]["support"]
        row(f"  F1 {c} ({support})", "category_classes", c, "f1")
    for part in ("complaint", "high_severity"):
        for key in ("precision", "recall", "f1"):
            row(f"{part} {key}", part, key)
