"""Spikes: an hour (or a day) when far more people than usual speak of one theme of one brand.

The count is distinct authors (a person once per hour, however often they post or repost). The
baseline of an hour is the same hour of day on each of the previous 14 days (people post at
lunch and in the evening, not at 4 am, so an evening is compared with evenings); of a day, the
previous 14 days. An hour is above its baseline when

    authors >= min_authors  and  authors > median + k * max(1.4826 * MAD, sqrt(max(median, 1)))

MAD is the robust spread; the square root is the Poisson spread of a count, which keeps a quiet
theme (median 0, MAD 0) from flagging two people as a spike. Consecutive hours above the baseline
are one spike, and one starting within `cooldown_hours` of the last one's end is the same spike
(so a spike alerts once). `detect` is pure; bench/spikes.py measures it beside a fixed threshold
and Huginn's mean + 3 sigma.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SpikeRule:
    k: float = 4.0
    min_authors: int = 5
    baseline_days: int = 14
    cooldown_hours: int = 24
    min_history_days: int = 3
    """Fewer days of history than this: no baseline yet, nothing is a spike."""


@dataclass(frozen=True)
class Run:
    """A spike in a series: its first and last index above the baseline, and its peak."""

    start: int
    end: int
    peak: int
    authors: int
    baseline: float
    """The median of the baseline at the peak."""


Threshold = Callable[[Sequence[int], int], tuple[float, float] | None]
"""Given the series and an index, (baseline, threshold) of that index, or None when unknown."""


def _history(series: Sequence[int], i: int, step: int, days: int) -> list[int]:
    return [series[j] for j in range(i - step, max(i - step * days, 0) - 1, -step) if j >= 0][:days]


def robust_threshold(rule: SpikeRule, step: int) -> Threshold:
    """median + k x max(MAD, Poisson spread) of the same hour (step 24) or day (step 1) before."""

    def threshold(series: Sequence[int], i: int) -> tuple[float, float] | None:
        past = _history(series, i, step, rule.baseline_days)
        if len(past) < rule.min_history_days:
            return None
        median = statistics.median(past)
        mad = statistics.median(abs(v - median) for v in past)
        spread = max(1.4826 * mad, math.sqrt(max(median, 1.0)))
        return median, max(median + rule.k * spread, rule.min_authors - 0.5)

    return threshold


def mean_sigma_threshold(sigmas: float = 3.0, window: int = 14 * 24, min_history: int = 3 * 24) -> Threshold:
    """Huginn's peak detector: above the mean + 3 standard deviations of the previous two weeks."""

    def threshold(series: Sequence[int], i: int) -> tuple[float, float] | None:
        past = series[max(0, i - window) : i]
        if len(past) < min_history:
            return None
        mean = statistics.fmean(past)
        return mean, mean + sigmas * statistics.pstdev(past)

    return threshold


def fixed_threshold(authors: int) -> Threshold:
    def threshold(series: Sequence[int], i: int) -> tuple[float, float] | None:
        return 0.0, authors - 0.5

    return threshold


def detect(series: Sequence[int], threshold: Threshold, cooldown: int, start: int = 0, floor: int = 1) -> list[Run]:
    """The spikes of a series (from index `start` on): runs above the threshold, a run beginning
    within `cooldown` steps of the previous one's end joining it. A value below `floor` is never
    a spike (and its threshold is not computed)."""
    runs: list[Run] = []
    for i in range(start, len(series)):
        if series[i] < floor:
            continue
        known = threshold(series, i)
        if known is None or series[i] <= known[1]:
            continue
        base = known[0]
        last = runs[-1] if runs else None
        if last is not None and i - last.end <= max(cooldown, 1):
            peak = i if series[i] > last.authors else last.peak
            runs[-1] = Run(last.start, i, peak, max(series[i], last.authors), base if peak == i else last.baseline)
        else:
            runs.append(Run(i, i, i, series[i], base))
    return runs
