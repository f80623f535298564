"""Accuracy of the analysis on the labeled sets of ../shared/data, each figure beside stock snownlp
and the majority class, all measured in this run.

    .venv/bin/python -m bench.eval [--data ../shared/data] [--json bench/out/eval.json] [--nested]

Sentiment (negative class: precision, recall, F1, ROC AUC) on the held-back 20 % of
weibo2018_train (every 5th row by mid) and of waimai_10k (every 5th review), which training never
saw (sentiment/corpora.py). Weibo posts are analyzed as posts, waimai reviews as reviews (the
register that picks the sentiment expert, as an app-store source or a star rating does in a crawl):
- lingting: the full analysis (`Analyzer.analyze`): polarity "negative" is the prediction, the
  sentiment score ranks for AUC. No text of these sets names a product, and the lexicon
  corrections (complaint terms push negative, plain questions and problems said to be over lift to
  neutral) apply to posts about a product only, so this is the model's calibrated score;
- "lexicon corrections on all": the same with those corrections applied to every text, to show
  what they cost on general text;
- lingting model alone: the shipped Chinese model's probability at its calibrated threshold;
- snownlp Bayes retrained: snownlp's own classifier retrained here on the same training split
  (character 1-2-grams, threshold 0.5), to show what the logistic regression on top adds;
- stock snownlp: `SnowNLP(text).sentiments`, threshold 0.5;
- majority class: every text gets the training split's majority label.

With --nested, the whole training procedure is also scored on the Weibo training split alone
(`nested_weibo`): a second estimate of the held-back figure, from 8,000 posts instead of 2,000.

Category on clap_rq1 (English app reviews), 5-fold cross-validation (fold = row % 5): for each fold
a category model is trained on the other four and the full analysis runs on the fold, with the star
rating. Mapping (the issue's): BUG, SECURITY -> bug; FEATURE -> feature_request; USABILITY ->
experience; PERFORMANCE, ENERGY -> bug or experience; OTHER -> other or question. Our functional
counts as bug (app-review labels have no "a promised function fails") and service as other. A
prediction the mapping allows for the review's class counts as that class; else it counts as the
class it maps to (bug/functional -> BUG, feature_request -> FEATURE, experience -> USABILITY, the
rest -> OTHER). Baselines: the lexicon rules alone (no model), and the majority class (OTHER).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/eval.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval_dev import dev_results, print_dev
from bench.incidents import incident_results, print_incidents
from config import AnalysisSettings
from sentiment import Analyzer, corpora
from sentiment.category import rule_category
from sentiment.complaint import find_complaints
from sentiment.features import char_grams
from sentiment.folds import fold_of
from sentiment.language import normalize_language
from sentiment.lexicon import load_lexicon
from sentiment.metrics import BinaryFigures, class_f1, negative_f1_interval, negative_figures, roc_auc
from sentiment.models import CATEGORY, MODEL_FILES, load_models
from sentiment.polarity import adjust_score, model_score
from sentiment.textnorm import normalize_text
from sentiment.training import train_category, train_sentiment

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CLAP_CLASSES = ("BUG", "FEATURE", "USABILITY", "PERFORMANCE", "ENERGY", "SECURITY", "OTHER")
ALLOWED = {
    "BUG": {"bug", "functional"},
    "SECURITY": {"bug", "functional"},
    "FEATURE": {"feature_request"},
    "USABILITY": {"experience"},
    "PERFORMANCE": {"bug", "functional", "experience"},
    "ENERGY": {"bug", "functional", "experience"},
    "OTHER": {"other", "question", "service"},
}
AS_CLASS = {"bug": "BUG", "functional": "BUG", "feature_request": "FEATURE", "experience": "USABILITY"}


def clap_class(gold: str, predicted: str) -> str:
    """Our category as a clap_rq1 class for scoring, by the mapping above."""
    return gold if predicted in ALLOWED[gold] else AS_CLASS.get(predicted, "OTHER")


# -- sentiment ------------------------------------------------------------------------------------


def _stock_snownlp() -> Callable[[str], float]:
    from snownlp import SnowNLP

    return lambda text: float(SnowNLP(text).sentiments) if text.strip() else 0.5


def _retrained_bayes(train: Sequence[tuple[str, int]]) -> Callable[[str], float]:
    from snownlp.classification.bayes import Bayes

    bayes = Bayes()
    bayes.train([[sorted(set(char_grams(t))), "pos" if y else "neg"] for t, y in train])

    def score(text: str) -> float:
        label, prob = bayes.classify(sorted(set(char_grams(text))))
        return float(prob if label == "pos" else 1 - prob)

    return score


def _corrected(text: str, register: str) -> float:
    """The score with the lexicon corrections (complaint terms, plain questions, problems said to be
    over) applied as if the post named the product; the analysis applies them to such posts only."""
    models, lexicon = load_models(), load_lexicon()
    norm = normalize_text(text, models.t2s)
    evidence = find_complaints(norm, lexicon)
    asks = not evidence.live and bool(lexicon.asks.find(norm)) and not lexicon.angry.find(norm)
    raw = model_score(norm, normalize_language(None, norm), models, register)
    return adjust_score(
        raw,
        themes=evidence.themes,
        resolved=evidence.resolved,
        asks=asks,
        rating=None,
        negative_threshold=AnalysisSettings().negative_threshold,
    )


def sentiment_rows(
    name: str,
    train: Sequence[tuple[str, int]],
    held: Sequence[tuple[str, int]],
    stock: Callable[[str], float],
    register: str,
) -> list[tuple[str, BinaryFigures, float]]:
    """(system, figures, seconds) on one held-back set, its texts analyzed in `register`."""
    models = load_models()
    settings = AnalysisSettings()
    analyzer = Analyzer([], settings)
    labels = [y for _, y in held]
    rows: list[tuple[str, BinaryFigures, float]] = []

    start = time.perf_counter()
    results = [analyzer.analyze(t, register=register) for t, _ in held]
    negative = [0.0 if r.polarity == "negative" else 1.0 for r in results]
    full = negative_figures(labels, negative, 0.5)
    low, high = negative_f1_interval(labels, negative, 0.5)
    auc = roc_auc(labels, [r.sentiment for r in results])
    rows.append(("lingting (full analysis)", _with_auc(full, auc), time.perf_counter() - start))

    start = time.perf_counter()
    corrected = [_corrected(t, register) for t, _ in held]
    rows.append(
        (
            "  lexicon corrections on all",
            negative_figures(labels, corrected, settings.negative_threshold),
            time.perf_counter() - start,
        )
    )

    start = time.perf_counter()
    probs = models.sentiment_zh.probabilities([normalize_text(t, models.t2s) for t, _ in held], register)
    rows.append(
        (
            "lingting model alone",
            negative_figures(labels, probs, models.sentiment_zh.expert(register).negative_below),
            time.perf_counter() - start,
        )
    )

    start = time.perf_counter()
    bayes = _retrained_bayes([(normalize_text(t, models.t2s), y) for t, y in train])
    rows.append(
        (
            "snownlp Bayes retrained",
            negative_figures(labels, [bayes(normalize_text(t, models.t2s)) for t, _ in held], 0.5),
            time.perf_counter() - start,
        )
    )

    start = time.perf_counter()
    rows.append(
        ("stock snownlp", negative_figures(labels, [stock(t) for t, _ in held], 0.5), time.perf_counter() - start)
    )

    majority = 1 if sum(y for _, y in train) * 2 >= len(train) else 0
    rows.append(("majority class", negative_figures(labels, [float(majority)] * len(held), 0.5), 0.0))
    print(
        f"\n{name}: held back {len(held)} texts ({sum(1 for y in labels if y == 0)} negative); full analysis"
        f" negative F1 {full.f1:.3f}, 95 % bootstrap interval {low:.3f}-{high:.3f}"
    )
    return rows


def _with_auc(figures: BinaryFigures, auc: float) -> BinaryFigures:
    return BinaryFigures(figures.n, figures.precision, figures.recall, figures.f1, figures.accuracy, auc)


def print_sentiment(rows: Sequence[tuple[str, BinaryFigures, float]]) -> None:
    print(f"  {'system':28} {'neg P':>7} {'neg R':>7} {'neg F1':>7} {'AUC':>7} {'acc':>7} {'seconds':>8}")
    for system, f, seconds in rows:
        print(
            f"  {system:28} {f.precision:7.3f} {f.recall:7.3f} {f.f1:7.3f} {f.auc:7.3f} {f.accuracy:7.3f} "
            f"{seconds:8.1f}"
        )


# -- category -------------------------------------------------------------------------------------


def _fold_models(folder: Path, train: Sequence[corpora.Review]) -> str:
    """A model folder like `lingting train` writes, with a category model trained on `train` only."""
    shipped = resources.files("config") / "models"
    for name in MODEL_FILES:
        if name != CATEGORY:
            (folder / name).write_bytes((shipped / name).read_bytes())
    examples = [corpora.clap_example(r) for r in train]
    trained = train_category(examples, t2s=load_models().t2s, folds=0)
    payload = json.dumps(trained.model.to_dict(), ensure_ascii=False).encode("utf-8")
    (folder / CATEGORY).write_bytes(gzip.compress(payload))
    return str(folder)


def category_predictions(reviews: Sequence[corpora.Review]) -> dict[str, list[str]]:
    """Per system, the predicted category of each review (5-fold for the trained model)."""
    lingting = [""] * len(reviews)
    lexicon_only = [""] * len(reviews)
    for fold in range(5):
        train = [r for i, r in enumerate(reviews) if fold_of(i) != fold]
        with tempfile.TemporaryDirectory() as tmp:
            analyzer = Analyzer([], AnalysisSettings(models=_fold_models(Path(tmp), train)))
            for i, review in enumerate(reviews):
                if fold_of(i) == fold:
                    lingting[i] = analyzer.analyze(review.text, lang="en", rating=review.rating).category
        load_models.cache_clear()
    rules_analyzer = Analyzer([], AnalysisSettings())
    lexicon = load_lexicon()
    models = load_models()
    for i, review in enumerate(reviews):
        text = normalize_text(review.text, models.t2s)
        polarity = rules_analyzer.analyze(review.text, lang="en", rating=review.rating).polarity
        evidence = find_complaints(text, lexicon)
        lexicon_only[i] = rule_category(text, evidence=evidence, polarity=polarity, lexicon=lexicon)[0]
    return {
        "lingting (5-fold)": lingting,
        "lexicon rules alone": lexicon_only,
        "majority class": ["other"] * len(reviews),
    }


def nested_weibo(train: Sequence[tuple[str, int]], reviews: Sequence[tuple[str, int]]) -> list[float]:
    """What the whole training procedure scores on Weibo posts it never saw, estimated on the
    training split alone: per outer fold (row % 5), `train_sentiment` (its own inner 5-fold
    cross-validation picks stacking weights and threshold) on the other four fifths plus the
    review corpus, then negative F1 on the fold, as the post expert decides."""
    t2s = load_models().t2s
    scores: list[float] = []
    for fold in range(5):
        inner = [row for i, row in enumerate(train) if fold_of(i) != fold]
        outer = [row for i, row in enumerate(train) if fold_of(i) == fold]
        model = train_sentiment({"social": inner, "reviews": list(reviews)}, t2s=t2s).model
        probs = model.probabilities([normalize_text(t, t2s) for t, _ in outer], "post")
        scores.append(negative_figures([y for _, y in outer], probs, model.expert("post").negative_below).f1)
        print(f"  outer fold {fold}: negative F1 {scores[-1]:.3f} ({len(outer)} posts)", flush=True)
    return scores


def english_sentiment_rows(reviews: Sequence[corpora.Review]) -> list[tuple[str, BinaryFigures, float]]:
    """English sentiment on clap_rq1's app reviews, their stars as the label (1-2 negative, 4-5
    positive, 3 left out); the analysis is not given the stars, so this is VADER as calibrated."""
    rated = [r for r in reviews if r.rating in (1, 2, 4, 5)]
    labels = [0 if (r.rating or 0) <= 2 else 1 for r in rated]
    start = time.perf_counter()
    results = Analyzer([]).analyze_many([{"text": r.text, "lang": "en"} for r in rated])
    negative = [0.0 if r.polarity == "negative" else 1.0 for r in results]
    full = _with_auc(negative_figures(labels, negative, 0.5), roc_auc(labels, [r.sentiment for r in results]))
    majority = 1 if sum(labels) * 2 >= len(labels) else 0
    print(f"\nclap_rq1 English sentiment by stars: {len(rated)} reviews ({labels.count(0)} with 1-2 stars)")
    return [
        ("lingting (VADER, no stars)", full, time.perf_counter() - start),
        ("majority class", negative_figures(labels, [float(majority)] * len(labels), 0.5), 0.0),
    ]


def category_figures(reviews: Sequence[corpora.Review], predicted: Sequence[str]) -> dict[str, Any]:
    gold = [r.clap_class for r in reviews]
    as_class = [clap_class(g, p) for g, p in zip(gold, predicted, strict=True)]
    per_class = class_f1(gold, as_class, CLAP_CLASSES)
    accuracy = sum(g == p for g, p in zip(gold, as_class, strict=True)) / len(gold)
    macro = sum(c["f1"] for c in per_class.values()) / len(per_class)
    return {"accuracy": round(accuracy, 4), "macro_f1": round(macro, 4), "classes": per_class}


def print_category(results: dict[str, dict[str, Any]]) -> None:
    systems = list(results)
    print(f"  {'F1':12}" + "".join(f"{s:>24}" for s in systems))
    for c in CLAP_CLASSES:
        support = results[systems[0]]["classes"][c]["support"]
        print(f"  {c + f' ({support})':12}" + "".join(f"{results[s]['classes'][c]['f1']:24.3f}" for s in systems))
    print(f"  {'accuracy':12}" + "".join(f"{results[s]['accuracy']:24.3f}" for s in systems))
    print(f"  {'macro F1':12}" + "".join(f"{results[s]['macro_f1']:24.3f}" for s in systems))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, default=Path("bench/out/eval.json"))
    parser.add_argument(
        "--only",
        choices=("all", "dev"),
        default="all",
        help="dev: only the rtc_issues_dev and incident sections (a few minutes)",
    )
    parser.add_argument(
        "--nested", action="store_true", help="also estimate Weibo F1 by nested cross-validation (about 4 minutes)"
    )
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"sentiment": {}, "category": {}}
    reviews = corpora.clap((args.data / "clap_rq1.csv").read_text("utf-8"))
    issues = corpora.rtc_issues((args.data / "rtc_issues_dev.jsonl").read_text("utf-8"))
    out["rtc_issues_dev"] = dev_results(issues, reviews)
    print_dev(out["rtc_issues_dev"], len(issues))
    out["incidents"] = incident_results()
    print_incidents(out["incidents"])
    if args.only == "dev":
        _write_json(args.json, out)
        return
    stock = _stock_snownlp()
    weibo_train, weibo_held = corpora.weibo_split(corpora.weibo((args.data / "weibo2018_train.txt").read_text("utf-8")))
    waimai_train, waimai_held = corpora.waimai_split(
        corpora.waimai((args.data / "waimai_10k.csv").read_text("utf-8-sig"))
    )
    for name, train, held, register in (
        ("weibo2018 held back", weibo_train, weibo_held, "post"),
        ("waimai_10k held back", waimai_train, waimai_held, "review"),
    ):
        rows = sentiment_rows(name, train, held, stock, register)
        print_sentiment(rows)
        out["sentiment"][name] = {system: f.as_dict() for system, f, _ in rows}
    if args.nested:
        print("\nweibo2018 training split, nested 5-fold cross-validation of the whole training procedure")
        nested = nested_weibo(weibo_train, waimai_train)
        print(f"  mean negative F1 {sum(nested) / len(nested):.3f} (folds {min(nested):.3f}-{max(nested):.3f})")
        out["sentiment"]["weibo2018 nested cross-validation"] = {"f1_per_fold": [round(f, 4) for f in nested]}
    rows = english_sentiment_rows(reviews)
    print_sentiment(rows)
    out["sentiment"]["clap_rq1 by stars"] = {system: f.as_dict() for system, f, _ in rows}
    print(f"\nclap_rq1 category, {len(reviews)} reviews, 5-fold (fold = row % 5)")
    results = {s: category_figures(reviews, p) for s, p in category_predictions(reviews).items()}
    print_category(results)
    out["category"]["clap_rq1"] = results
    _write_json(args.json, out)


def _write_json(path: Path, out: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures written to {path}")


if __name__ == "__main__":
    main()
