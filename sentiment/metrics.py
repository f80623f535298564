"""Figures for training reports and benchmarks: negative-class precision/recall/F1, ROC AUC,
per-class F1. Plain Python so that the analysis never needs scikit-learn to report them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class BinaryFigures:
    """The negative class (label 0) is the one that matters: a complaint is a negative post."""

    n: int
    precision: float
    recall: float
    f1: float
    accuracy: float
    auc: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """P(a positive example scores above a negative one), ties counted half (Mann-Whitney U)."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(1 for y in labels if y == 1)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return 0.5
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y == 1)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def negative_figures(labels: Sequence[int], scores: Sequence[float], threshold: float) -> BinaryFigures:
    """Label 1 = positive, 0 = negative; a score below `threshold` predicts negative."""
    tp = fp = fn = correct = 0
    for y, s in zip(labels, scores, strict=True):
        predicted_negative = s < threshold
        tp += predicted_negative and y == 0
        fp += predicted_negative and y == 1
        fn += not predicted_negative and y == 0
        correct += predicted_negative == (y == 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return BinaryFigures(
        n=len(labels),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        accuracy=correct / len(labels) if labels else 0.0,
        auc=roc_auc(labels, scores),
    )


def negative_f1_interval(
    labels: Sequence[int], scores: Sequence[float], threshold: float, *, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """The 95 % bootstrap interval of negative F1 (texts drawn with replacement, fixed seed): how
    far the figure on this many texts could move on another sample of the same kind."""
    import random

    rng = random.Random(seed)
    # per text: (predicted negative, truly negative)
    pairs = [(s < threshold, y == 0) for y, s in zip(labels, scores, strict=True)]
    values = []
    for _ in range(resamples):
        tp = fp = fn = 0
        for predicted, negative in rng.choices(pairs, k=len(pairs)):
            tp += predicted and negative
            fp += predicted and not negative
            fn += negative and not predicted
        values.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    values.sort()
    return values[int(0.025 * resamples)], values[int(0.975 * resamples) - 1]


def best_negative_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold (0.01 steps) with the best negative-class F1 on these scores."""
    candidates = [i / 100 for i in range(2, 99)]
    return max(candidates, key=lambda t: (round(negative_figures(labels, scores, t).f1, 6), -abs(t - 0.5)))


def class_f1(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per class: precision, recall, F1 and support."""
    out: dict[str, dict[str, float]] = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[c] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
            "support": tp + fn,
        }
    return out
