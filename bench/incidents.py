"""Incident grouping, measured: pairwise precision and recall of the clusters on a labeled set.

    .venv/bin/python -m bench.incidents

The set (bench/data): every post the demo crawl stores (`lingting demo`, 175 posts in the
parsers' normalized form), each labeled with the incident it tells of, if any (a post that reports or
confirms the problem; answers, advice and vendor statements are left unlabeled), and 14 posts
written for this set in the same form (an Android disconnect told in Chinese and English on four
sources, an iOS login failure, and posts that must stay apart: another platform, another symptom,
five days later, a how-to question). A pair of posts is "the same incident" when both carry the
same label. The posts go, oldest first, through the pipeline's own analysis and an in-memory store,
once with incident grouping and once with the near-duplicate grouping alone.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config.settings import Product, Settings
from crawler.analysis import analyze_post, fingerprint, incident_fn, matcher, triage_fn
from sentiment import Analyzer
from sentiment.incident import SAME_RELEASE_WINDOW
from store import Store

DATA = Path(__file__).resolve().parent / "data"
FILES = ("incidents_demo.jsonl", "incidents_written.jsonl")
PRODUCT = Product(
    name="VoxLink",
    aliases=["声链", "VoxLink SDK", "VoxLink RTC", "VoxLink IM"],
    exclude=["VoxLink Records", "乐队"],
    competitors=["Agora", "声网"],
)


def labeled_posts(folder: Path = DATA) -> list[dict[str, Any]]:
    posts = [json.loads(line) for name in FILES for line in (folder / name).read_text("utf-8").splitlines() if line]
    return sorted(posts, key=lambda p: str(p.get("created_at") or ""))


def clusters(posts: Sequence[dict[str, Any]], *, incidents: bool) -> list[int]:
    """Each post's cluster after all were stored, oldest first, with or without incident grouping."""
    settings = Settings(products=[PRODUCT], database=":memory:")
    analyzer = Analyzer(settings.products, settings.analysis)
    store = Store(":memory:")
    for post in posts:
        store.upsert_post(
            post,
            analyze_post(analyzer, post).to_dict(),
            fingerprint(post, ignore=settings.product_terms),
            triage=triage_fn(settings),
            match=matcher(settings.analysis),
            incident=incident_fn(settings) if incidents else None,
            incident_window_hours=settings.analysis.incident_window_hours * SAME_RELEASE_WINDOW,
        )
    found = {
        (row["source"], row["source_post_id"]): int(row["cluster_id"])
        for row in store.query("SELECT source, source_post_id, cluster_id FROM posts")
    }
    store.close()
    return [found[(p["source"], p["source_post_id"])] for p in posts]


def pairwise(gold: Sequence[str | None], predicted: Sequence[int]) -> dict[str, float]:
    tp = fp = fn = 0
    for i, j in combinations(range(len(gold)), 2):
        same = gold[i] is not None and gold[i] == gold[j]
        joined = predicted[i] == predicted[j]
        tp += same and joined
        fp += joined and not same
        fn += same and not joined
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "pairs": tp + fn, "joined": tp + fp}


def incident_results(folder: Path = DATA) -> dict[str, dict[str, float]]:
    posts = labeled_posts(folder)
    gold = [p.get("incident") for p in posts]
    return {
        "lingting (incidents)": pairwise(gold, clusters(posts, incidents=True)),
        "near-duplicates alone": pairwise(gold, clusters(posts, incidents=False)),
    }


def print_incidents(results: dict[str, dict[str, float]]) -> None:
    first = next(iter(results.values()))
    print(f"\nincident grouping: pairwise, {first['pairs']} same-incident pairs in the labeled set (bench/data)")
    print(f"  {'system':24} {'precision':>10} {'recall':>10} {'pairs joined':>13}")
    for system, figures in results.items():
        print(f"  {system:24} {figures['precision']:10.3f} {figures['recall']:10.3f} {figures['joined']:13.0f}")


def main() -> None:
    print_incidents(incident_results())


if __name__ == "__main__":
    main()
