"""The figures the training report and the benchmarks print."""

from __future__ import annotations

from sentiment.metrics import negative_f1_interval, negative_figures


def test_the_f1_interval_holds_the_figure_and_narrows_with_more_texts() -> None:
    labels = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0] * 20
    scores = [0.1, 0.7, 0.8, 0.2, 0.3, 0.9, 0.1, 0.6, 0.4, 0.2] * 20
    f1 = negative_figures(labels, scores, 0.5).f1
    low, high = negative_f1_interval(labels, scores, 0.5)
    assert low < f1 < high
    wide = negative_f1_interval(labels[:40], scores[:40], 0.5)
    assert wide[1] - wide[0] > high - low
    assert negative_f1_interval(labels, scores, 0.5) == (low, high)  # a fixed seed: the same interval
