"""Themes above clusters, measured: purity and recall on labeled clusters, beside a TF-IDF
baseline (each cluster's top keyword over jieba tokens is its theme), in the same run.

- purity: the share of clusters whose theme's majority label is their own label;
- recall: for each labeled theme, the largest share of its clusters found together in one theme
  (a cluster left in `other` is not found), weighted by clusters;
- exact: the share of clusters given exactly their label's key (lingting's keys only).

Two sets: `bench/data/themes_sample.jsonl` (74 clusters written for this, Chinese and English:
66 in everyday words, eight paraphrases with none of the lexicons' words, measured apart), and
the demo site's clusters as `lingting demo` stores them, labeled by hand in
`bench/data/demo_theme_labels.jsonl` (by source and the start of the seed post's text). Recall of
a theme with one cluster is 100% whenever that cluster is not left in `other`. Run (the demo set
needs a demo database, e.g. `lingting demo --dir D`):

    .venv/bin/python -m bench.themes [--demo-db lingting-demo/lingting.db]
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from config import Product
from crawler.trends import theme_post
from sentiment.analyzer import Analyzer
from sentiment.themes import ThemePost, cluster_theme, tokens
from store import Store

DATA = Path(__file__).parent / "data"
NAMES = ["VoxLink", "声链", "Agora", "声网"]


def scores(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, float]:
    by_theme: dict[str, Counter[str]] = defaultdict(Counter)
    by_gold: dict[str, Counter[str]] = defaultdict(Counter)
    for g, p in zip(gold, predicted, strict=True):
        by_theme[p][g] += 1
        by_gold[g][p] += 1
    n = len(gold)
    purity = sum(c.most_common(1)[0][1] for p, c in by_theme.items() if p != "other") / n
    recall = sum(max((k for p, k in c.items() if p != "other"), default=0) for c in by_gold.values()) / n
    exact = sum(g == p for g, p in zip(gold, predicted, strict=True)) / n
    return purity, recall, exact


def tfidf_baseline(clusters: Sequence[Sequence[ThemePost]]) -> list[str]:
    docs = [Counter(w for p in posts for w in tokens(p.text, NAMES)) for posts in clusters]
    df = Counter(w for d in docs for w in d)
    out = []
    for posts, doc in zip(clusters, docs, strict=True):
        if not doc:
            out.append("other")
            continue
        best = max(doc, key=lambda w: (doc[w] * math.log((1 + len(docs)) / (1 + df[w])), w))
        request = any(p.category == "feature_request" for p in posts)
        out.append(("request:" if request else "") + best)
    return out


def line(name: str, gold: Sequence[str], predicted: Sequence[str]) -> str:
    purity, recall, exact = scores(gold, predicted)
    return f"  {name:<28} purity {purity:5.1%}  recall {recall:5.1%}  exact {exact:5.1%}"


def measure(title: str, gold: list[str], clusters: list[list[ThemePost]]) -> None:
    ours = [cluster_theme(posts, exclude=NAMES).theme for posts in clusters]
    print(f"{title}: {len(gold)} clusters, {len(set(gold))} labeled themes")
    print(line("lingting themes", gold, ours))
    print(line("TF-IDF top keyword", gold, tfidf_baseline(clusters)))
    misses = [(g, p) for g, p in zip(gold, ours, strict=True) if g != p]
    if misses:
        print("  misses (label -> theme):", ", ".join(f"{g}->{p}" for g, p in Counter(misses)))


def sample_set(analyzer: Analyzer, paraphrase: bool) -> tuple[list[str], list[list[ThemePost]]]:
    gold, clusters = [], []
    for raw in (DATA / "themes_sample.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(raw)
        if item.get("paraphrase", False) != paraphrase:
            continue
        posts = []
        for text in item["posts"]:
            analysis = analyzer.analyze(text).to_dict()
            posts.append(theme_post({"text": text, "analysis": analysis}))
        gold.append(item["theme"])
        clusters.append(posts)
    return gold, clusters


def demo_set(db: Path) -> tuple[list[str], list[list[ThemePost]]]:
    labels = [json.loads(x) for x in (DATA / "demo_theme_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    store = Store(db)
    gold, clusters = [], []
    for label in labels:
        seeds = store.query(
            "SELECT c.id FROM clusters c JOIN posts s ON s.id = c.seed_post_id"
            " LEFT JOIN trend_clusters t ON t.cluster_id = c.id WHERE c.merged_into IS NULL"
            " AND (c.flagged = 1 OR t.kind = 'request')"  # the clusters labeled: flagged ones and requests
            " AND s.source = ? AND substr(coalesce(s.title, '') || s.text, 1, ?) = ?",
            (label["source"], len(label["starts"]), label["starts"]),
        )
        for seed in seeds:
            rows = store.query("SELECT * FROM posts WHERE cluster_id = ? ORDER BY id DESC LIMIT 50", (seed["id"],))
            gold.append(label["theme"])
            clusters.append([theme_post(r) for r in rows])
    store.close()
    return gold, clusters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo-db", type=Path, default=None)
    args = parser.parse_args()
    analyzer = Analyzer([Product(name="VoxLink", aliases=["声链"], competitors=["Agora", "声网"])])
    measure("labeled sample, in the lexicons' words", *sample_set(analyzer, paraphrase=False))
    measure("labeled sample, paraphrases", *sample_set(analyzer, paraphrase=True))
    if args.demo_db is not None:
        measure("demo clusters", *demo_set(args.demo_db))


if __name__ == "__main__":
    main()
