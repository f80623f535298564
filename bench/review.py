"""The review workspace at scale: 100,000 flagged clusters of 1,000,000 posts.

    .venv/bin/python -m bench.review [--clusters 100000] [--posts 10] [--repeat 60] [--keep DIR]

Builds the database with `store.bulk.bulk_load` (real issue texts from ../shared/data, Chinese
and English, spread over ten sources, four priorities, sixty days), then measures p50 and p95 of:
the queue's first page, page 500 (reached by keyset cursors), a filter, a Chinese search (a
3+ character word on the trigram index, and a 2-character one read with LIKE), a cluster page and
a confirm, each beside the plain SQL that fetches the same rows by primary key (the floor,
store/floors.py). Two paths are timed: the store functions the page calls (in-process), and, when
`lingting.web` is importable, the page itself over HTTP against `lingting.web.create_app` run by
uvicorn in a subprocess (see bench/review_http.py). Target: p95 under 100 ms for every one.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/review.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import settings_from_toml
from config.settings import Settings
from lingting import review_actions
from store import Store
from store.bulk import BulkCluster, bulk_load
from store.floors import cluster_rows, confirm_row, queue_rows
from store.review_queue import QueueFilter, cluster_detail, queue_page, tab_counts

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SOURCES = ("v2ex", "weibo", "github", "discourse", "hn", "tieba", "bilibili", "reddit", "appstore", "stackexchange")
PRIORITIES = ("P0", "P1", "P2", "P3")
PRIORITY_SHARES = (0.02, 0.13, 0.35, 0.50)
ECHOES = ("我也遇到了", "+1 同样的问题", "same here", "一模一样", "求解决", "me too on Android 14")
TARGET_MS = 100.0
SEARCH_WORDS = ("离线推送", "闪退")


def issues() -> list[dict[str, Any]]:
    path = SHARED_DATA / "rtc_issues_dev.jsonl"
    if not path.is_file():
        sys.exit(f"{path} is missing: the bench reads real issue texts from ../shared/data / 缺少共享数据")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def clusters(n: int, per: int, seed: int) -> Iterator[BulkCluster]:
    rng = random.Random(seed)
    texts = issues()
    start = datetime(2026, 10, 1, tzinfo=UTC)
    for i in range(n):
        issue = texts[i % len(texts)]
        labels = issue.get("labels") or {}
        product = str(labels.get("product") or "声链")
        priority = rng.choices(PRIORITIES, PRIORITY_SHARES)[0]
        analysis = {
            "lang": issue["lang"], "relevant": True, "relevance_terms": [product], "complaint": True,
            "category": labels.get("category") or "other", "priority": priority, "sentiment": 0.1,
            "reasons": ["真实问题 / a real issue"], "missing_info": ["sdk_version", "logs"], "attribution": "sdk",
        }  # fmt: skip
        seen = (start + timedelta(minutes=rng.randrange(60 * 24 * 60))).strftime("%Y-%m-%dT%H:%M:%SZ")
        base = f"{issue['text']} (#{i})"
        posts = []
        for j in range(per):
            source = SOURCES[(i + j) % len(SOURCES)] if j else SOURCES[i % len(SOURCES)]
            text = base if j == 0 or j % 3 else f"{rng.choice(ECHOES)} {base}"
            posts.append(
                {"source": source, "source_post_id": f"{i}-{j}", "url": f"https://{source}.test/{i}/{j}",
                 "kind": "post" if j == 0 else "comment", "title": issue["title"] if j == 0 else None, "text": text,
                 "author": f"user{rng.randrange(n * 3)}", "created_at": seen, "lang": issue["lang"],
                 "analysis": analysis}
            )  # fmt: skip
        yield BulkCluster(priority, str(analysis["category"]), posts, reasons=["真实问题 / a real issue"], seen_at=seen)


def build(path: Path, n: int, per: int, seed: int) -> float:
    began = time.perf_counter()
    store = Store(path)
    bulk_load(store, clusters(n, per, seed))
    store.conn.execute("ANALYZE")
    store.close()
    return time.perf_counter() - began


def timed(fn: Callable[[int], object], repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        began = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - began) * 1000)
    return out


def p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def page_cursor(store: Store, flt: QueueFilter, page: int, limit: int = 50) -> str | None:
    after = None
    for _ in range(page - 1):
        after = queue_page(store, flt, after=after, limit=limit).next_cursor
    return after


def settings_for(folder: Path, database: Path) -> Settings:
    return settings_from_toml(
        f'database = {json.dumps(str(database))}\nproducts = [{{ name = "声链" }}]\n'
        f'[export]\nsinks = [{{ type = "jsonl", path = {json.dumps(str(folder / "tickets.jsonl"))} }}]\n',
        base_dir=folder,
    )


Scenario = tuple[str, Callable[[int], object], Callable[[int], object]]


def scenarios(settings: Settings, store: Store) -> list[Scenario]:
    first = QueueFilter()
    cursor = page_cursor(store, first, 500)
    filtered = QueueFilter(priorities=("P1",), sources=("weibo",), langs=("zh",))
    searches = [QueueFilter(q=word) for word in SEARCH_WORDS]
    pages = {
        "queue page 1": (first, None),
        "queue page 500": (first, cursor),
        "filter P1+weibo+zh": (filtered, None),
        f"search {SEARCH_WORDS[0]}": (searches[0], None),
        f"search {SEARCH_WORDS[1]} (2 chars)": (searches[1], None),
    }
    out: list[Scenario] = []
    for name, (flt, after) in pages.items():
        ids = [i.cluster_id for i in queue_page(store, flt, after=after).items]

        def real(_: int, flt: QueueFilter = flt, after: str | None = after) -> object:
            return queue_page(store, flt, after=after), tab_counts(store, flt)

        def floor(_: int, ids: list[int] = ids) -> object:
            return queue_rows(store, ids)

        out.append((name, real, floor))
    detail_ids = [i.cluster_id for i in queue_page(store, first, limit=200).items]

    def detail(i: int) -> object:
        found = cluster_detail(store, detail_ids[i % len(detail_ids)])
        assert found is not None
        reply = review_actions.draft_reply(settings, found)
        return reply, review_actions.intake_preview(settings, store, found.cluster["id"])

    out.append(("cluster page", detail, lambda i: cluster_rows(store, detail_ids[i % len(detail_ids)])))
    to_confirm = [i.cluster_id for i in queue_page(store, QueueFilter(priorities=("P2",)), limit=400).items]
    out.append(
        (
            "confirm",
            lambda i: review_actions.apply_decision(settings, store, [to_confirm[i]], "confirm", reviewer="bench"),
            lambda i: confirm_row(store, to_confirm[200 + i], "bench-floor"),
        )
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=10, help="posts per cluster")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the database in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="lingting-bench-review-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "review.db"
    if not database.exists():
        seconds = build(database, args.clusters, args.posts, args.seed)
        print(f"built {args.clusters:,} clusters / {args.clusters * args.posts:,} posts in {seconds:.1f} s")
    settings = settings_for(folder, database)
    store = Store(database)
    print(f"{'':28} {'floor p50':>9} {'p95':>7} | {'store p50':>9} {'p95':>7} | {'p95/floor':>9}  target p95 < 100 ms")
    worst = 0.0
    for name, real, floor in scenarios(settings, store):
        floor_ms = p50_p95(timed(floor, min(args.repeat, 200)))
        real_ms = p50_p95(timed(real, min(args.repeat, 200)))
        worst = max(worst, real_ms[1])
        ratio = real_ms[1] / floor_ms[1] if floor_ms[1] else float("inf")
        print(f"{name:28} {floor_ms[0]:9.2f} {floor_ms[1]:7.2f} | {real_ms[0]:9.2f} {real_ms[1]:7.2f} | {ratio:8.1f}x")
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(f"worst store p95 {worst:.1f} ms: target {verdict} / 目标{'达成' if worst < TARGET_MS else '未达成'}")
    store.close()


if __name__ == "__main__":
    main()
