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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/review.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.review_http import add_reviewer, http_calls, logged_in, served, web_available
from config import Product, load_settings
from config.settings import Settings
from lingting import review_actions
from sentiment import Analyzer
from store import Store
from store.bulk import BulkCluster, bulk_load
from store.floors import cluster_rows, confirm_row, queue_rows
from store.review_queue import QueueFilter, cluster_detail, filter_options, queue_page, tab_counts

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


def analyses(texts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The real analysis of every issue, for the products the issues name (each text once)."""
    names = sorted({str((t.get("labels") or {}).get("product") or "声链") for t in texts})
    analyzer = Analyzer([Product(name=name) for name in names])
    found = analyzer.analyze_many({"text": t["text"], "title": t["title"], "lang": t["lang"]} for t in texts)
    return [a.to_dict() for a in found]


def clusters(n: int, per: int, seed: int) -> Iterator[BulkCluster]:
    rng = random.Random(seed)
    texts = issues()
    analysed = analyses(texts)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    for i in range(n):
        issue = texts[i % len(texts)]
        analysis = analysed[i % len(texts)]
        priority = rng.choices(PRIORITIES, PRIORITY_SHARES)[0]
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
        yield BulkCluster(priority, str(analysis["category"]), posts, reasons=list(analysis["reasons"]), seen_at=seen)


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


def settings_for(folder: Path, database: Path) -> tuple[Path, Settings]:
    config = folder / "lingting.toml"
    config.write_text(
        f'database = {json.dumps(str(database))}\nproducts = [{{ name = "声链" }}]\n'
        f'[export]\nsinks = [{{ type = "jsonl", path = {json.dumps(str(folder / "tickets.jsonl"))} }}]\n',
        encoding="utf-8",
    )
    return config, load_settings(config)


Scenario = tuple[str, Callable[[int], object], Callable[[int], object]]


@dataclass
class Targets:
    """What the scenarios act on, chosen once so the store and HTTP paths see the same rows."""

    cursor: str | None
    detail_ids: list[int]
    confirm_ids: list[int]
    """Pending P2 clusters: the first third confirmed by the store path, the next by the floor,
    the last by HTTP (a confirm queues a ticket only once)."""


def targets(store: Store, repeat: int) -> Targets:
    first = QueueFilter()
    detail_ids = [i.cluster_id for i in queue_page(store, first, limit=200).items]
    confirm = [i.cluster_id for i in queue_page(store, QueueFilter(priorities=("P2",)), limit=3 * repeat).items]
    return Targets(page_cursor(store, first, 500), detail_ids, confirm)


def scenarios(settings: Settings, store: Store, t: Targets, repeat: int) -> list[Scenario]:
    first = QueueFilter()
    pages = {
        "queue page 1": (first, None),
        "queue page 500": (first, t.cursor),
        "filter P1+weibo+zh": (QueueFilter(priorities=("P1",), sources=("weibo",), langs=("zh",)), None),
        f"search {SEARCH_WORDS[0]}": (QueueFilter(q=SEARCH_WORDS[0]), None),
        f"search {SEARCH_WORDS[1]} (2 chars)": (QueueFilter(q=SEARCH_WORDS[1]), None),
    }
    out: list[Scenario] = []
    for name, (flt, after) in pages.items():
        ids = [i.cluster_id for i in queue_page(store, flt, after=after).items]

        def real(_: int, flt: QueueFilter = flt, after: str | None = after) -> object:
            return queue_page(store, flt, after=after), tab_counts(store, flt), filter_options(store)

        def floor(_: int, ids: list[int] = ids) -> object:
            return queue_rows(store, ids)

        out.append((name, real, floor))

    def detail(i: int) -> object:
        found = cluster_detail(store, t.detail_ids[i % len(t.detail_ids)])
        assert found is not None
        reply = review_actions.draft_reply(settings, found)
        return reply, review_actions.intake_preview(settings, store, found.cluster["id"])

    out.append(("cluster page", detail, lambda i: cluster_rows(store, t.detail_ids[i % len(t.detail_ids)])))
    out.append(
        (
            "confirm",
            lambda i: review_actions.apply_decision(settings, store, [t.confirm_ids[i]], "confirm", reviewer="bench"),
            lambda i: confirm_row(store, t.confirm_ids[repeat + i], "bench-floor"),
        )
    )
    return out


def measure_http(config: Path, t: Targets, repeat: int) -> dict[str, tuple[float, float]]:
    """p50/p95 of each page over HTTP against `lingting serve` (empty without lingting.web)."""
    if not web_available():
        print("lingting.web is not installed: HTTP not measured / 未安装网页, 未测 HTTP")
        return {}
    add_reviewer(config)
    out: dict[str, tuple[float, float]] = {}
    with served(config) as base, logged_in(base) as (client, token):
        calls = http_calls(client, token, t.cursor, t.detail_ids, t.confirm_ids[2 * repeat :])
        for name, call in calls.items():
            try:
                out[name] = p50_p95(timed(call, repeat))
            except RuntimeError as exc:
                print(f"HTTP {name}: {exc} (not measured / 未测)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=10, help="posts per cluster")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the database in this folder")
    parser.add_argument("--no-http", action="store_true", help="time the store functions only")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="lingting-bench-review-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "review.db"
    if not database.exists():
        seconds = build(database, args.clusters, args.posts, args.seed)
        print(f"built {args.clusters:,} clusters / {args.clusters * args.posts:,} posts in {seconds:.1f} s")
    config, settings = settings_for(folder, database)
    store = Store(database)
    repeat = min(args.repeat, 200)
    chosen = targets(store, repeat)
    rows: list[tuple[str, tuple[float, float], tuple[float, float]]] = []
    for name, real, floor in scenarios(settings, store, chosen, repeat):
        rows.append((name, p50_p95(timed(floor, repeat)), p50_p95(timed(real, repeat))))
    store.close()
    http = {} if args.no_http else measure_http(config, chosen, repeat)
    print(f"{'ms':24} {'floor p50':>9} {'p95':>6} | {'store p50':>9} {'p95':>6} | {'HTTP p50':>8} {'p95':>6} | ratio")
    worst = 0.0
    for name, floor_ms, store_ms in rows:
        http_ms = http.get(name)
        served_p95 = http_ms[1] if http_ms else store_ms[1]
        worst = max(worst, served_p95)
        ratio = served_p95 / floor_ms[1] if floor_ms[1] else float("inf")
        http_text = f"{http_ms[0]:8.1f} {http_ms[1]:6.1f}" if http_ms else f"{'-':>8} {'-':>6}"
        print(
            f"{name:24} {floor_ms[0]:9.2f} {floor_ms[1]:6.2f} | {store_ms[0]:9.2f} {store_ms[1]:6.2f} | "
            f"{http_text} | {ratio:5.0f}x"
        )
    path = "HTTP" if http else "store"
    verdict = "met / 达成" if worst < TARGET_MS else "MISSED / 未达成"
    print(f"ratio = {path} p95 / floor p95. worst {path} p95 {worst:.1f} ms; target < {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
