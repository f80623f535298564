"""Store + clustering throughput as the store grows, beside datasketch's MinHashLSH on the same posts.

    .venv/bin/python -m bench.ingest [--sizes 10000,100000] [--batch 200]

Posts are real texts (the Weibo posts and reviews of ../shared/data that bench/crawl uses, and the
online shopping reviews; past their number, the same texts reversed: new character trigrams, not
copies) with generated ids and authors; one post in ten is a lightly edited
copy of an earlier one (a few characters changed, a span cut, a short comment added), labelled by
construction. lingting stores them as the ingest does (crawler/ingest.py: batches of `--batch` in
one transaction, `Store.upsert_post`: exact and near-duplicate clustering); datasketch's MinHashLSH
(threshold 0.5, the same 128 MinHash values of each post) indexes and queries them in memory, a post
joining the cluster of its first candidate. Each runs in its own process, for its peak RSS. Figures:

    posts/s        over the posts added since the previous size (the cost per post at that size)
    recall         edited copies put in the same cluster as their original
    precision      pairs of posts in one cluster that are copies of one original
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/ingest.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.crawl import SHARED_DATA, real_texts

COPY_EVERY = 10
COMMENTS = ("+1 同样的问题", "我也是", "same here", "求解决", "顶", "me too, any fix?")


def generated_posts(count: int, seed: int = 20261204) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """`count` posts and, for each edited copy, the index of its original."""
    texts = real_texts()
    pool = list(dict.fromkeys(texts["zh"] + texts["en"] + shopping_reviews()))
    rng = random.Random(seed)
    rng.shuffle(pool)
    posts: list[dict[str, Any]] = []
    original_of: dict[int, int] = {}
    originals: list[int] = []
    for i in range(count):
        if i % COPY_EVERY == COPY_EVERY - 1 and originals:
            source = rng.choice(originals)
            text, original_of[i] = edited(posts[source]["text"], rng), source
        else:
            n = len(originals)
            text = (
                pool[n % len(pool)] if n < len(pool) else f"{pool[n % len(pool)]} {pool[(n * 7919 + 13) % len(pool)]}"
            )
            originals.append(i)
        posts.append(
            {
                "source": rng.choice(("weibo", "v2ex", "discourse")),
                "source_post_id": f"b{i}",
                "url": f"http://bench/{i}",
                "text": text,
                "author": f"user{rng.randrange(max(count // 3, 1))}",
                "created_at": f"2026-11-{1 + i * 28 // count:02d}T00:00:00Z",
            }
        )
    return posts, original_of


def shopping_reviews() -> list[str]:
    with (SHARED_DATA / "online_shopping_10_cats.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row["review"].strip() for row in csv.DictReader(handle) if 20 <= len(row["review"].strip()) <= 400]


def edited(text: str, rng: random.Random) -> str:
    """A light edit: a few characters changed, a short span cut, or a comment added (or two of these)."""
    for _ in range(rng.choice((1, 2))):
        kind = rng.choice(("change", "cut", "comment"))
        if kind == "change" and len(text) > 4:
            chars = list(text)
            for _ in range(max(1, len(chars) // 30)):
                chars[rng.randrange(len(chars))] = rng.choice("的了是在也就都啊呢吧 abc")
            text = "".join(chars)
        elif kind == "cut" and len(text) > 20:
            start = rng.randrange(len(text) - 10)
            text = text[:start] + text[start + rng.randint(1, max(1, len(text) // 10)) :]
        else:
            text = f"{text} {rng.choice(COMMENTS)}"
    return text


def quality(clusters: list[int], original_of: dict[int, int]) -> tuple[float, float]:
    """Recall of edited copies, and precision of the pairs the grouping made."""
    recall = sum(clusters[i] == clusters[o] for i, o in original_of.items()) / max(len(original_of), 1)
    root = [original_of.get(i, i) for i in range(len(clusters))]
    total = sum(n * (n - 1) // 2 for n in Counter(clusters).values())
    true = sum(n * (n - 1) // 2 for n in Counter(zip(clusters, root, strict=True)).values())
    return recall, (true / total if total else 1.0)


# -- the two child processes ----------------------------------------------------------------------


def run_lingting(posts: list[dict[str, Any]], sizes: list[int], batch: int, folder: Path) -> dict[str, Any]:
    from config.settings import AnalysisSettings
    from crawler.analysis import fingerprint, matcher
    from store import ClusterTriage, Store

    def triage(members: list[dict[str, Any]], authors: int, size: int) -> ClusterTriage:
        return ClusterTriage("P3", "low", "low", "other")

    store = Store(folder / "bench.db")
    match = matcher(AnalysisSettings())
    analysis = {"relevant": True, "complaint": False, "category": "other", "priority": "P3"}
    times, started, done = {}, time.perf_counter(), 0
    for size in sizes:
        while done < size:
            with store.transaction():
                for post in posts[done : min(done + batch, size)]:
                    store.upsert_post(post, analysis, fingerprint(post), triage=triage, match=match)
            done = min(done + batch, size)
        times[size] = time.perf_counter() - started
    store.maintain()
    by_id = {r["source_post_id"]: r["cluster_id"] for r in store.query("SELECT source_post_id, cluster_id FROM posts")}
    clusters = [by_id[p["source_post_id"]] for p in posts[: sizes[-1]]]
    size_mb = sum(f.stat().st_size for f in folder.glob("bench.db*")) / 1e6
    return {"times": times, "clusters": clusters, "db_mb": size_mb}


def run_datasketch(posts: list[dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from crawler.analysis import fingerprint
    from sentiment.fingerprint import NUM_PERM, signature_from_bytes

    lsh = MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
    clusters: list[int] = []
    times, started, done = {}, time.perf_counter(), 0
    for size in sizes:
        for i in range(done, size):
            signature = signature_from_bytes(fingerprint(posts[i]).minhash).astype(np.uint64)
            sketch = MinHash(num_perm=NUM_PERM, hashvalues=signature, scheme="affine32")
            found = lsh.query(sketch)
            clusters.append(clusters[int(found[0])] if found else i)
            lsh.insert(str(i), sketch)
        done = size
        times[size] = time.perf_counter() - started
    return {"times": times, "clusters": clusters}


def child(system: str, sizes: list[int], batch: int, out: Path) -> None:
    posts, _ = generated_posts(sizes[-1])
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        result = (
            run_lingting(posts, sizes, batch, Path(folder)) if system == "lingting" else run_datasketch(posts, sizes)
        )
    result["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(json.dumps(result))


def run_child(system: str, sizes: list[int], batch: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    args = [sys.executable, "-m", "bench.ingest", "--child", system, str(out), "--batch", str(batch)]
    args += ["--sizes", ",".join(map(str, sizes))]
    done = subprocess.run(args, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{system} failed:\n{done.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    data["times"] = {int(k): v for k, v in data["times"].items()}
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="store sizes to report, comma-separated")
    parser.add_argument("--batch", type=int, default=200, help="posts per transaction, as the pipeline's batch")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.child:
        child(args.child[0], sizes, args.batch, Path(args.child[1]))
        return 0
    _, original_of = generated_posts(sizes[-1])
    print(
        f"bench/ingest: {sizes[-1]:,} posts of real text, one in {COPY_EVERY} an edited copy; batches of {args.batch}"
    )
    mine, theirs = run_child("lingting", sizes, args.batch), run_child("datasketch", sizes, args.batch)
    previous, before = 0, (0.0, 0.0)
    for size in sizes:
        spent = (mine["times"][size] - before[0], theirs["times"][size] - before[1])
        ours, lsh = (size - previous) / spent[0], (size - previous) / spent[1]
        print(f"  at {size:>9,} posts  lingting {ours:>7,.0f} posts/s ({1000 / ours:.2f} ms each)"
              f"  datasketch MinHashLSH {lsh:>7,.0f} posts/s  ratio {ours / lsh:.2f}x")  # fmt: skip
        previous, before = size, (mine["times"][size], theirs["times"][size])
    first, last = sizes[0], sizes[-1]
    growth = (
        (mine["times"][last] - mine["times"].get(sizes[-2], 0) if len(sizes) > 1 else mine["times"][last])
        / max(last - (sizes[-2] if len(sizes) > 1 else 0), 1)
        / (mine["times"][first] / first)
    )
    print(f"  cost per post at {last:,} is {growth:.2f}x its cost at {first:,} (target <= 1.5x)")
    for name, result in (("lingting", mine), ("datasketch", theirs)):
        count = len(result["clusters"])
        recall, precision = quality(result["clusters"], {i: o for i, o in original_of.items() if i < count})
        extra = f", database {result['db_mb']:,.0f} MB" if "db_mb" in result else ""
        print(f"  {name:<11} recall of edited copies {recall:.3f}, precision of pairs {precision:.3f},"
              f" peak RSS {result['peak_kb'] / 1024:,.0f} MB{extra}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
