"""Cross-validation folds: by position (large sets, in a fixed order) or stratified by label with a
fixed seed (small labeled sets such as rtc_issues_dev, whose rare classes must reach every fold)."""

from __future__ import annotations

from collections.abc import Sequence

FOLDS = 5


def fold_of(index: int, folds: int = FOLDS) -> int:
    """Cross-validation folds by position: every `folds`-th example is in the same fold."""
    return index % folds


DEV_SEED = 20261204


def stratified_folds(labels: Sequence[str], folds: int = FOLDS, seed: int = DEV_SEED) -> list[int]:
    """A fold per example, each label spread evenly over the folds: within a label, examples in a
    seeded random order are dealt out in turn (a small set's rare classes reach every fold)."""
    import random

    rng = random.Random(seed)
    out = [0] * len(labels)
    dealt = 0
    for label in sorted(set(labels)):
        members = [i for i, y in enumerate(labels) if y == label]
        rng.shuffle(members)
        for i in members:
            out[i] = dealt % folds
            dealt += 1
    return out
